import io
from datetime import datetime

from openpyxl import load_workbook

from odoo import Command
from odoo.tests import tagged

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestCommissionXlsx(InsuranceAccountCommon):
    """The "Commission due per insurer" export, opened back cell by cell."""

    REPORT = "insurance_broker_account.commission_xlsx"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Line = cls.env["insurance.commission.line"]
        # Beta (insurer collects), 15 %: 180.00 on 10 January
        cls.policy_single = cls._create_policy(
            insurer_id=cls.insurer_direct.id, date_start="2026-01-10"
        )
        # Beta, 15 % of 1000: 37.50 on 20 January, April, July, October
        cls.policy_quarterly = cls._create_policy(
            insurer_id=cls.insurer_direct.id,
            product_id=cls.product_mtpl.id,
            date_start="2026-01-20",
            payment_frequency="quarterly",
            premium=1000.0,
        )
        # Alpha (broker collects), 10 % of 600: 60.00 on 5 January
        cls.policy_broker = cls._create_policy(premium=600.0, date_start="2026-01-05")
        cls.policies = cls.policy_single | cls.policy_quarterly | cls.policy_broker
        Line._record_expected(cls.policies)
        cls.invoice = Line._create_commission_invoices("2026-01-31")
        # Beta's statement reports 170.00 of the 180.00 expected.
        single_line = cls.policy_single.commission_line_ids
        cls.env["insurance.commission.statement"].create(
            {
                "name": "Beta, January",
                "insurer_id": cls.insurer_direct.id,
                "company_id": cls.company.id,
                "state": "done",
                "line_ids": [
                    Command.create(
                        {
                            "policy_number": cls.policy_single.name,
                            "policy_id": cls.policy_single.id,
                            "commission": 170.0,
                            "commission_line_id": single_line.id,
                        }
                    )
                ],
            }
        )
        cls.lines = cls.policies.commission_line_ids

    def _open(self, lines, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        content, report_type = Report._render(self.REPORT, lines.ids, data={})
        self.assertEqual(report_type, "xlsx")
        return load_workbook(io.BytesIO(content)).active

    def _rows(self, sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_report_declared(self):
        report = self.env["ir.actions.report"]._get_report_from_name(self.REPORT)
        self.assertEqual(report.report_type, "xlsx")
        self.assertEqual(report.binding_model_id.model, "insurance.commission.line")
        options = self.env[f"report.{self.REPORT}"].get_workbook_options()
        self.assertTrue(options["constant_memory"])
        self.assertFalse(options["strings_to_formulas"])

    def test_cells(self):
        self.assertEqual(self.policy_single.commission_line_ids.received_amount, 170.0)
        sheet = self._open(self.lines)
        currency = self.company.currency_id.name
        alpha = self.insurer_broker.name
        beta = self.insurer_direct.name
        single, quarterly, broker = (
            self.policy_single,
            self.policy_quarterly,
            self.policy_broker,
        )
        self.assertLess(single.name, quarterly.name)
        invoice = self.invoice.name
        self.assertEqual(
            self._rows(sheet),
            [
                [
                    "Insurer",
                    "Policy",
                    "Client",
                    "Product",
                    "Date",
                    "Kind",
                    "Amount",
                    "Invoiced",
                    "Received",
                    "Difference",
                    "Invoice",
                    "Currency",
                ],
                # Alpha: retained on its bills, nothing invoiced nor received
                [
                    alpha,
                    broker.name,
                    "Jonas Client",
                    "CASCO",
                    datetime(2026, 1, 5),
                    "Commission",
                    60,
                    0,
                    0,
                    60,
                    None,
                    currency,
                ],
                [f"Total {alpha}", None, None, None, None, None, 60, 0, 0, 60]
                + [None, currency],
                # Beta: January invoiced, 170 of 180 received
                [
                    beta,
                    single.name,
                    "Jonas Client",
                    "CASCO",
                    datetime(2026, 1, 10),
                    "Commission",
                    180,
                    180,
                    170,
                    10,
                    invoice,
                    currency,
                ],
                [
                    beta,
                    quarterly.name,
                    "Jonas Client",
                    "MTPL",
                    datetime(2026, 1, 20),
                    "Commission",
                    37.5,
                    37.5,
                    0,
                    37.5,
                    invoice,
                    currency,
                ],
            ]
            + [
                [
                    beta,
                    quarterly.name,
                    "Jonas Client",
                    "MTPL",
                    datetime(2026, month, 20),
                    "Commission",
                    37.5,
                    0,
                    0,
                    37.5,
                    None,
                    currency,
                ]
                for month in (4, 7, 10)
            ]
            + [
                [f"Total {beta}", None, None, None, None, None, 330, 217.5, 170, 160]
                + [None, currency],
            ],
        )

    def test_chargeback_and_selection(self):
        """Only the lines selected; a chargeback is a negative row."""
        self.policy_broker._cancel("Vehicle sold", "2026-03-31")
        self.env["insurance.commission.line"]._record_chargebacks(self.policy_broker)
        lines = self.policy_broker.commission_line_ids
        self.assertEqual(len(lines), 2)
        rows = self._rows(self._open(lines, user=self.invoicing_user))
        self.assertEqual(len(rows), 4, "header, two lines, total")
        chargeback = rows[2]
        # 60 x 86 / 365 = 14.14 earned: 45.86 given back
        self.assertEqual(chargeback[4:7], [datetime(2026, 3, 31), "Chargeback", -45.86])
        self.assertEqual(rows[3][6], 14.14)
        self.assertEqual(rows[3][9], 14.14)

    def test_insurance_reader_prints(self):
        """An Insurance read-only user, without Invoicing, prints it too."""
        reader = self.env["res.users"].create(
            {
                "name": "Rita Reader",
                "login": "xlsx_reader",
                "company_id": self.company.id,
                "company_ids": self.company.ids,
                "groups_id": [
                    Command.link(self.env.ref("base.group_user").id),
                    Command.link(
                        self.env.ref("insurance_broker.group_insurance_reader").id
                    ),
                ],
            }
        )
        lines = self.policy_single.commission_line_ids.with_user(reader)
        rows = self._rows(self._open(lines, user=reader))
        self.assertEqual(rows[1][6:11], [180, 180, 170, 10, self.invoice.name])
