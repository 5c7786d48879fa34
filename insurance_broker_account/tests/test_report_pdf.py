from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from .common import InsuranceAccountCommon

REPORT = "insurance_broker_account.insurance_producer_statement_pdf"


@tagged("post_install", "-at_install")
class TestProducerStatementPdf(InsuranceAccountCommon, PdfReportCase):
    """The producer statements as the producers read them in the PDF: one
    print for every producer of the month, each on the broker's letterhead."""

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
        cls.env["insurance.producer.share"].create(
            {"user_id": cls.salesperson.id, "percent": 30.0, "date_from": "2026-01-01"}
        )
        # Sam Sales manages a Lithuanian and a Russian client, Mia Manager a
        # Chinese one: 15 % of 1000 each, in March.
        clients = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "client_type": "individual",
                    "client_manager_id": manager.id,
                    "company_id": cls.company.id,
                }
                for name, manager in (
                    ("Žemaitė Ąžuolienė", cls.salesperson),
                    ("Иван Петров", cls.salesperson),
                    ("王伟", cls.insurance_manager),
                )
            ]
        )
        cls.policies = cls.env["insurance.policy"]
        for day, client in enumerate(clients, start=10):
            cls.policies |= cls._create_policy(
                partner_id=client.id,
                insurer_id=cls.insurer_direct.id,
                date_start=f"2026-03-{day}",
                premium=1000.0,
            )

    def test_statements_of_several_producers_in_one_print(self):
        wizard = (
            self.env["insurance.producer.statement.wizard"]
            .with_user(self.invoicing_user)
            .create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        self.assertEqual(wizard.user_ids, self.salesperson | self.insurance_manager)
        action = wizard.action_print_pdf()
        self.assertEqual(action["report_type"], "qweb-pdf")

        pages = self.render_pdf_pages(REPORT, wizard)
        # A page per producer, by name.
        self.assertEqual(len(pages), 2)
        mia, sam = pages
        self.assertIn("Producer Statement: Mia Manager", mia)
        self.assertIn("王伟", mia)
        self.assertIn(self.policies[2].name, mia)
        self.assertIn("no share", mia)
        self.assertNotIn("Sam Sales", mia)
        self.assertIn("Producer Statement: Sam Sales", sam)
        for client, policy in zip(
            ("Žemaitė Ąžuolienė", "Иван Петров"), self.policies[:2], strict=True
        ):
            self.assertIn(client, sam)
            self.assertIn(policy.name, sam)
        # 30 % of 150.00 for each of Sam's two policies.
        self.assertIn("45.00", sam)
        self.assertIn("90.00", sam)
        self.assertNotIn("王伟", sam)
        for page in pages:
            with self.subTest(page=page[:40]):
                # Letterhead and footer: printed only by a patched wkhtmltopdf.
                self.assertIn("Ąžuolas Insurance Brokers UAB", page)
                self.assertIn("Licensed insurance broker No. 000123", page)
                self.assertIn("Page 1 / 1", page)
