import io
from datetime import timedelta

from openpyxl import load_workbook

from odoo import fields
from odoo.tests import tagged

from .debtor_common import DebtorCommon

REPORT = "insurance_broker_account.debtor_xlsx"
HEADER = [
    "Client",
    "Client Manager",
    "Insurance Product",
    "Insurer",
    "Overdue",
    "Days Late",
    "Unpaid Invoices",
    "Amount Due",
    "Currency",
]


@tagged("post_install", "-at_install")
class TestDebtorXlsx(DebtorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()

        def ago(days):
            return today - timedelta(days=days)

        cls.currency = cls.company.currency_id.name
        policy = cls._create_policy(payment_frequency="quarterly")
        cls._create_premium_invoice(ago(5), 100.0, policy)
        cls._create_premium_invoice(ago(40), 250.5, policy)
        other = cls._create_policy(
            partner_id=cls.other_client.id,
            product_id=cls.product_mtpl.id,
            insurer_id=cls.insurer_direct.id,
        )
        cls._create_premium_invoice(ago(75), 1000.0, other)

    def _export(self, docids=None, data=None, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        content, report_type = Report._render(REPORT, docids, data or {})
        self.assertEqual(report_type, "xlsx")
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        sheet = workbook.worksheets[0]
        self.assertEqual(sheet.title, "Debtors")
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_export_whole_list(self):
        rows = self._export(data={"domain": [("company_id", "=", self.company.id)]})
        self.assertEqual(rows[0], HEADER)
        self.assertEqual(
            rows[1:],
            [
                ["Vera Other Client", "Olga Other", "MTPL",
                 "Beta Assurance (insurer collects)", "Over 60 days", 75, 1, 1000.0,
                 self.currency],
                ["Jonas Client", "Sam Sales", "CASCO",
                 "Alpha Insurance (broker collects)", "31-60 days", 40, 2, 350.5,
                 self.currency],
                ["Total", None, None, None, None, None, 3, 1350.5, self.currency],
            ],
        )  # fmt: skip

    def test_export_selected_rows(self):
        row = self.env["insurance.debtor.report"].search(
            [("partner_id", "=", self.client.id)]
        )
        rows = self._export(docids=row.ids)
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][0], "Jonas Client")
        self.assertEqual(rows[2][6:8], [2, 350.5])

    def test_export_follows_record_rules(self):
        rows = self._export(data={"domain": []}, user=self.salesperson)
        self.assertEqual([row[0] for row in rows[1:]], ["Jonas Client", "Total"])

    def test_export_nothing(self):
        rows = self._export(
            data={"domain": [("partner_id", "=", self.insurer_broker.id)]}
        )
        self.assertEqual(rows, [HEADER])

    def test_export_button(self):
        Debtor = self.env["insurance.debtor.report"].with_user(self.invoicing_user)
        domain = [("client_manager_id", "=", self.salesperson.id)]
        action = Debtor.with_context(active_domain=domain).action_export_xlsx()
        self.assertEqual(action["report_name"], REPORT)
        self.assertEqual(action["data"], {"domain": domain})
        rows = self._export(data=action["data"], user=self.invoicing_user)
        self.assertEqual([row[0] for row in rows[1:]], ["Jonas Client", "Total"])
        selected = Debtor.search(domain)
        action = selected.action_export_xlsx()
        self.assertEqual(action["context"]["active_ids"], selected.ids)

    def test_constant_memory_workbook(self):
        report = self.env["report." + REPORT]
        options = report.get_workbook_options()
        self.assertTrue(options["constant_memory"])
        self.assertFalse(options["strings_to_formulas"])
