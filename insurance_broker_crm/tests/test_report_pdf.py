import re
import unicodedata
from datetime import date, datetime, timedelta

import pytz

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
                # What the broker earns never reaches the client: that the
                # insurer pays a commission, only (the IDD disclosure).
                self.assertNotIn("185.10", page)
                self.assertIn("the insurer pays us a commission", page)
                self.assertNotIn("Our commission", page)
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

    def _client_ready_offer(self, lead):
        """Alpha (1,234.01) recommended over Beta, paid quarterly."""
        self.company.write(
            {
                "insurance_licence_number": "BR-2024-0153",
                "insurance_supervisory_authority": "Bank of Lithuania",
                "insurance_remuneration": "commission",
                "insurance_disclose_commission": False,
                "insurance_offer_validity_days": 30,
            }
        )
        lead.write(
            {
                "insurance_payment_frequency": "quarterly",
                "delivery_cost": 20.0,
                "insurance_recommendation": "Glass without deductible and a "
                "courtesy car, as you asked, for 20 % more than the cheapest.",
            }
        )
        lead.quote_ids.premium = 1234.01
        self.env["insurance.quote"].create(
            {
                "lead_id": lead.id,
                "insurer_id": self.insurer_b.id,
                "premium": 987.65,
                "commission": 77.77,
                "deductible": 500.0,
            }
        )
        lead.quote_ids.filtered(lambda q: q.insurer_id == self.insurer_a).chosen = True
        # As the next request reads them: cheapest first.
        lead.invalidate_recordset(["quote_ids"])
        return lead

    def _offer_text(self, lead):
        """The offer's text, its pages joined: a client-ready offer may
        take two."""
        return " ".join(self.render_pdf_pages(REPORT, lead.with_user(self.salesman)))

    def test_client_ready_offer(self):
        """Dated and valid for the company's days, on the broker's letterhead
        with its licence; the recommended quote and why, its quarterly
        instalments adding up to the premium, and how the broker is paid."""
        lead = self._client_ready_offer(self.leads[0])
        # The date is the salesperson's today: where it is tomorrow already.
        self.salesman.tz = "Pacific/Kiritimati"
        today = datetime.now(pytz.timezone("Pacific/Kiritimati")).date()
        page = self._offer_text(lead)
        self.assertIn("Ąžuolas Insurance Brokers UAB", page)  # letterhead
        self.assertIn("Insurance broker licence No. BR-2024-0153", page)
        self.assertIn("Your advisor: Sam Seller", page)
        self.assertIn(f"Offer Date {today:%m/%d/%Y}", page)
        self.assertIn(f"Valid Until {today + timedelta(days=30):%m/%d/%Y}", page)
        # The comparison, then the advice.
        self.assertRegex(page, r"Premium \S*\s?987.65 \S*\s?1,234.01 Deductible")
        self.assertEqual(page.count("RECOMMENDED"), 1)
        self.assertIn("Our recommendation: Alpha Insurance", page)
        self.assertIn(
            "Glass without deductible and a courtesy car, as you asked, for 20 % "
            "more than the cheapest.",
            page,
        )
        # Quarterly from the start date; the last instalment takes the cent.
        self.assertIn("Payment Schedule (Quarterly)", page)
        schedule = page.split("Payment Schedule (Quarterly)")[1]
        schedule = schedule.split("Total Premium")[0]
        self.assertEqual(
            re.findall(r"\d\d/\d\d/\d{4}", schedule),
            ["03/01/2026", "06/01/2026", "09/01/2026", "12/01/2026"],
        )
        self.assertEqual(
            re.findall(r"\d[\d,]*\.\d\d", schedule),
            ["308.50", "308.50", "308.50", "308.51"],
        )
        # The total is the premium, as in the comparison; the amount to pay
        # adds the delivery, line by line, so that the client sees why it is
        # more than the schedule's total.
        self.assertIn("Total Premium", page)
        self.assertEqual(page.count("1,234.01"), 3)
        # (the PDF's text gives the labels, then the amounts)
        self.assertRegex(
            page,
            r"Insurance Premium Delivery Amount to Pay "
            r"\S*\s?1,234.01 \S*\s?20.00 \S*\s?1,254.01",
        )
        self.assertNotIn("Discount", page)
        # IDD: who the broker is and how it is paid, never the amount unasked.
        self.assertIn(
            "Ąžuolas Insurance Brokers UAB is an insurance broker, licence No. "
            "BR-2024-0153, supervised by Bank of Lithuania.",
            page,
        )
        self.assertIn(
            "the insurer pays us a commission, which is included in the premium",
            page,
        )
        self.assertNotIn("fee", page)
        self.assertNotIn("185.10", page)
        self.assertNotIn("77.77", page)

    def test_amount_to_pay_without_extras_is_the_premium(self):
        """No delivery, card or discount: the amount to pay is the premium,
        printed without a breakdown; a discount is subtracted."""
        lead = self._client_ready_offer(self.leads[0])
        lead.delivery_cost = 0.0
        page = self._offer_text(lead)
        self.assertRegex(page, r"Amount to Pay \S*\s?1,234.01")
        self.assertNotIn("Delivery", page)
        self.assertNotIn("Insurance Premium", page)
        lead.discount = 34.01
        page = self._offer_text(lead)
        self.assertRegex(
            page,
            r"Insurance Premium Discount Amount to Pay "
            r"\S*\s?1,234.01 -\S*\s?34.01 \S*\s?1,200.00",
        )

    def test_disclosure_as_the_company_chose(self):
        """The commission's amount when the company discloses it; the fee
        wording when the client pays one."""
        lead = self._client_ready_offer(self.leads[0])
        chosen = lead.chosen_quote_id
        self.assertEqual(chosen.commission, 185.10)
        self.company.insurance_disclose_commission = True
        page = self._offer_text(lead)
        self.assertRegex(page, r"Our commission on this contract: \S*\s?185.10")
        self.assertNotIn("77.77", page)  # only the recommended quote's

        self.company.insurance_remuneration = "fee"
        page = self._offer_text(lead)
        self.assertIn("you pay us a fee for our services.", page)
        self.assertNotIn("commission", page)
        self.assertNotIn("185.10", page)

        self.company.insurance_remuneration = "both"
        page = self._offer_text(lead)
        self.assertIn("the insurer pays us a commission", page)
        self.assertIn("In addition, you pay us a fee for our services.", page)
        self.assertIn("185.10", page)

    def test_no_recommendation_no_schedule(self):
        """Quotes compared with none chosen: no advice, no schedule, no
        amount in the disclosure."""
        self.company.insurance_disclose_commission = True
        page = self._offer_text(self.leads[0])
        self.assertNotIn("Our recommendation", page)
        self.assertNotIn("Payment Schedule", page)
        self.assertNotIn("Our commission", page)
        self.assertIn("the insurer pays us a commission", page)

    def test_client_ready_offer_in_lithuanian(self):
        """A Lithuanian client reads the dates and amounts in Lithuanian
        formats, the title and the insurers' frequency in Lithuanian."""
        self.env["res.lang"]._activate_lang("lt_LT")
        self.env["ir.module.module"]._load_module_terms(
            ["insurance_broker", "insurance_broker_crm"], ["lt_LT"]
        )
        lead = self._client_ready_offer(self.leads[0])
        lead.partner_id.lang = "lt_LT"
        self.salesman.tz = "Europe/Vilnius"
        today = datetime.now(pytz.timezone("Europe/Vilnius")).date()
        page = self._offer_text(lead)
        self.assertIn("Draudimo pasiūlymas", page)
        self.assertIn("Žemaitė Ąžuolienė", page)
        self.assertIn(f"{today:%Y-%m-%d}", page)
        self.assertIn(f"{today + timedelta(days=30):%Y-%m-%d}", page)
        for due in (date(2026, 3, 1), date(2026, 6, 1), date(2026, 12, 1)):
            self.assertIn(f"{due:%Y-%m-%d}", page)
        self.assertIn("308,51", page)
        self.assertIn("1.234,01", page)
        self.assertNotIn("1,234.01", page)
        self.assertIn("BR-2024-0153", page)
