import unicodedata

from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from .common import InsuranceCrmCommon

REPORT = "insurance_broker_crm.action_report_insurance_offer"

CLIENTS = ("Žemaitė Ąžuolienė", "Иван Петров", "王伟")


@tagged("post_install", "-at_install")
class TestOfferPdf(InsuranceCrmCommon, PdfReportCase):
    """The offer as the client reads it in the PDF: the broker's letterhead and
    footer on every page, the client's name in any alphabet, several offers
    printed at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Ąžuolas Insurance Brokers UAB",
                # The header shows the company's name and address.
                "company_details": False,
                "report_footer": "<p>Licensed insurance broker No. 000123</p>",
            }
        )
        cls.clients = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "client_type": "individual",
                    "client_manager_id": cls.salesman.id,
                }
                for name in CLIENTS
            ]
        )
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"CASCO for {client.name}",
                    "type": "opportunity",
                    "partner_id": client.id,
                    "team_id": cls.team_sales.id,
                    "stage_id": cls.stage["sales_gathering"].id,
                    "user_id": cls.salesman.id,
                    "insurance_product_id": cls.product_casco.id,
                    "insurance_date_start": "2026-03-01",
                    "insured_object": f"Toyota Corolla 2022, plate ABC {index}",
                }
                for index, client in enumerate(cls.clients, start=1)
            ]
        )
        cls.env["insurance.quote"].create(
            [
                {
                    "lead_id": lead.id,
                    "insurer_id": cls.insurer_a.id,
                    "premium": 1234.0,
                    "deductible": 250.0,
                    "terms": "Theft, fire and glass",
                }
                for lead in cls.leads
            ]
        )

    def test_offers_printed_together(self):
        """The salesperson prints the offers of three clients at once: one
        page each, in the order chosen, each on the letterhead."""
        pages = self.render_pdf_pages(REPORT, self.leads.with_user(self.salesman))
        self.assertEqual(len(pages), 3)
        for page, client in zip(pages, CLIENTS, strict=True):
            with self.subTest(client=client):
                self.assertIn(client, page)
                self.assertIn(f"CASCO for {client}", page)
                self.assertIn("Insurance Offer", page)
                self.assertIn("Alpha Insurance", page)
                self.assertIn("1,234.00", page)
                # Letterhead and footer: printed only by a patched wkhtmltopdf.
                self.assertIn("Ąžuolas Insurance Brokers UAB", page)
                self.assertIn("Licensed insurance broker No. 000123", page)
                self.assertIn("Page 1 / 1", page)
                # What the broker earns never reaches the client.
                self.assertNotIn("185.10", page)
                self.assertNotIn("ommission", page)
        for client in CLIENTS[1:]:
            self.assertNotIn(client, pages[0])

    def test_each_offer_in_its_clients_language(self):
        """Printed together, each offer speaks its own client's language
        (the report's t-lang), whatever the salesperson's own."""
        langs = ("lt_LT", "ru_RU", "zh_CN")
        for lang in langs:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["insurance_broker", "insurance_broker_crm"], list(langs)
        )
        for client, lang in zip(self.clients, langs, strict=True):
            client.lang = lang
        pages = self.render_pdf_pages(REPORT, self.leads.with_user(self.salesman))
        titles = ("Draudimo pasiūlymas", "Страховое предложение", "保险方案")
        for page, client, title in zip(pages, CLIENTS, titles, strict=True):
            # pdftotext reads some CJK glyphs of the Noto font as their
            # compatibility forms (⽅ U+2F45 for 方): compared as NFKC.
            page = unicodedata.normalize("NFKC", page)
            with self.subTest(client=client):
                self.assertIn(client, page)
                self.assertIn(title, page)
                self.assertNotIn("Insurance Offer", page)
