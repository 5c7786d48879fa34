import datetime
import io

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import InsuranceAccountCommon

XLSX_REPORT = "insurance_broker_account.producer_statement_xlsx"
PDF_REPORT = "insurance_broker_account.report_producer_statement"


@tagged("post_install", "-at_install")
class TestProducerStatement(InsuranceAccountCommon):
    """Producer shares and the monthly statement of what each producer is
    due: commission of the policies they manage × their share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Share = cls.env["insurance.producer.share"]
        cls.Wizard = cls.env["insurance.producer.statement.wizard"]
        # Sam Sales manages Jonas Client: 30 % until 15 March, 40 % after.
        cls.share_old, cls.share_new = cls.Share.create(
            [
                {
                    "user_id": cls.salesperson.id,
                    "percent": 30.0,
                    "date_from": "2026-01-01",
                    "date_to": "2026-03-15",
                },
                {
                    "user_id": cls.salesperson.id,
                    "percent": 40.0,
                    "date_from": "2026-03-16",
                },
            ]
        )
        # 15 % of 1200 paid monthly: 15.00 on the 1st of each month.
        cls.policy_monthly = cls._create_policy(
            insurer_id=cls.insurer_direct.id, payment_frequency="monthly"
        )
        # 15 % of 1000 paid on 20 March: 150.00.
        cls.policy_single = cls._create_policy(
            insurer_id=cls.insurer_direct.id,
            date_start="2026-03-20",
            premium=1000.0,
        )
        cls.chargeback = cls.env["insurance.commission.line"].create(
            {
                "policy_id": cls.policy_monthly.id,
                "kind": "chargeback",
                "date": "2026-03-25",
                "amount": -20.0,
            }
        )
        # Mia Manager manages another client and has no share: 10 % of 800
        # on 18 March, nothing due.
        cls.other_client = cls.env["res.partner"].create(
            {
                "name": "Greta Client",
                "client_manager_id": cls.insurance_manager.id,
                "company_id": cls.company.id,
            }
        )
        cls.policy_manager = cls._create_policy(
            partner_id=cls.other_client.id,
            date_start="2026-03-18",
            premium=800.0,
        )

    def _march(self, **values):
        return self.Wizard.create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31", **values}
        )

    # ------------------------------------------------------------
    # Shares
    # ------------------------------------------------------------

    def test_overlapping_shares_refused(self):
        for date_from, date_to in (
            ("2026-03-01", "2026-03-31"),
            ("2026-06-01", False),
            ("2025-06-01", "2026-01-01"),
        ):
            with (
                self.subTest(date_from=date_from, date_to=date_to),
                self.assertRaises(ValidationError) as refused,
            ):
                self.Share.create(
                    {
                        "user_id": self.salesperson.id,
                        "percent": 50.0,
                        "date_from": date_from,
                        "date_to": date_to,
                    }
                )
            self.assertIn(
                "Sam Sales already has a share in this period", str(refused.exception)
            )
        with self.assertRaises(ValidationError) as refused:
            self.share_old.date_to = "2026-03-16"
        self.assertIn("already has a share", str(refused.exception))
        self.assertEqual(self.share_old.date_to, datetime.date(2026, 3, 15))
        # Before the first one, and for another producer: fine.
        self.Share.create(
            [
                {
                    "user_id": self.salesperson.id,
                    "percent": 20.0,
                    "date_from": "2025-01-01",
                    "date_to": "2025-12-31",
                },
                {
                    "user_id": self.insurance_manager.id,
                    "percent": 50.0,
                    "date_from": "2026-03-01",
                },
            ]
        )

    def test_share_bounds(self):
        for values, message in (
            ({"percent": 120.0}, "between 0 and 100 percent"),
            ({"percent": -1.0}, "between 0 and 100 percent"),
            ({"date_to": "2024-12-31"}, "cannot end before it starts"),
        ):
            with (
                self.subTest(values=values),
                self.assertRaises(ValidationError) as refused,
            ):
                self.Share.create(
                    {
                        "user_id": self.accountant.id,
                        "percent": 10.0,
                        "date_from": "2025-01-01",
                        **values,
                    }
                )
            self.assertIn(message, str(refused.exception))

    def test_share_in_another_company(self):
        company_2 = self.env["res.company"].create({"name": "Other Broker"})
        self.env.user.company_ids = [Command.link(company_2.id)]
        values = {
            "user_id": self.salesperson.id,
            "percent": 10.0,
            "date_from": "2026-03-01",
            "company_id": company_2.id,
        }
        # A producer earns a share only in a company they work in.
        with self.assertRaises(UserError) as refused:
            self.Share.create(values)
        self.assertIn("Incompatible companies", str(refused.exception))
        self.salesperson.company_ids = [Command.link(company_2.id)]
        share = self.Share.create(values)
        self.assertEqual(share.company_id, company_2)
        # The first company's statement keeps its own shares.
        wizard = self._march(user_ids=[Command.set(self.salesperson.ids)])
        statement = wizard._get_producer_statements()[0]
        self.assertEqual([line["percent"] for line in statement["lines"]], [30, 40, 40])
        self.assertFalse(
            self.Share.with_user(self.invoicing_user).search([("id", "=", share.id)])
        )

    # ------------------------------------------------------------
    # Statement
    # ------------------------------------------------------------

    @freeze_time("2026-04-10")
    def test_defaults_previous_month_and_its_producers(self):
        wizard = self.Wizard.with_user(self.invoicing_user).create({})
        self.assertEqual(wizard.date_from, datetime.date(2026, 3, 1))
        self.assertEqual(wizard.date_to, datetime.date(2026, 3, 31))
        self.assertEqual(wizard.user_ids, self.salesperson | self.insurance_manager)

    def test_statement_amounts(self):
        wizard = self._march()
        sam, mia = (
            next(s for s in wizard._get_producer_statements() if s["producer"] == user)
            for user in (self.salesperson, self.insurance_manager)
        )
        self.assertEqual(
            [
                (
                    line["date"],
                    line["policy_number"],
                    line["kind"],
                    line["commission"],
                    line["percent"],
                    line["amount_due"],
                )
                for line in sam["lines"]
            ],
            [
                # The share in force on each line's date.
                (
                    datetime.date(2026, 3, 1),
                    self.policy_monthly.name,
                    "Commission",
                    15.0,
                    30.0,
                    4.5,
                ),
                (
                    datetime.date(2026, 3, 20),
                    self.policy_single.name,
                    "Commission",
                    150.0,
                    40.0,
                    60.0,
                ),
                (
                    datetime.date(2026, 3, 25),
                    self.policy_monthly.name,
                    "Chargeback",
                    -20.0,
                    40.0,
                    -8.0,
                ),
            ],
        )
        self.assertEqual(len(sam["totals"]), 1)
        self.assertEqual(sam["totals"][0]["commission"], 145.0)
        self.assertEqual(sam["totals"][0]["amount_due"], 56.5)
        # No share: listed, nothing due.
        self.assertEqual(len(mia["lines"]), 1)
        self.assertIsNone(mia["lines"][0]["percent"])
        self.assertEqual(mia["lines"][0]["commission"], 80.0)
        self.assertEqual(mia["totals"][0]["amount_due"], 0.0)

    def test_xlsx_cells(self):
        report = self.env[f"report.{XLSX_REPORT}"]
        options = report.get_workbook_options()
        self.assertTrue(options["constant_memory"])
        self.assertFalse(options["strings_to_formulas"])
        wizard = self._march().with_user(self.invoicing_user)
        action = wizard.action_export_xlsx()
        self.assertEqual(action["report_type"], "xlsx")
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.invoicing_user)
            ._render(XLSX_REPORT, wizard.ids, {})
        )
        self.assertEqual(report_type, "xlsx")
        workbook = load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames, ["Mia Manager", "Sam Sales"])
        sheet = workbook["Sam Sales"]
        currency = self.company.currency_id.name
        expected = {
            "A1": "Producer Statement",
            "A2": "Producer",
            "B2": "Sam Sales",
            "A3": "Period",
            "B3": datetime.datetime(2026, 3, 1),
            "C3": datetime.datetime(2026, 3, 31),
            "B4": self.company.name,
            "A6": "Date",
            "G6": "Commission",
            "H6": "Share (%)",
            "I6": "Amount Due",
            "A7": datetime.datetime(2026, 3, 1),
            "B7": self.policy_monthly.name,
            "C7": "Jonas Client",
            "D7": self.insurer_direct.name,
            "E7": "CASCO",
            "F7": "Commission",
            "G7": 15,
            "H7": 30,
            "I7": 4.5,
            "J7": currency,
            "A8": datetime.datetime(2026, 3, 20),
            "B8": self.policy_single.name,
            "G8": 150,
            "H8": 40,
            "I8": 60,
            "A9": datetime.datetime(2026, 3, 25),
            "F9": "Chargeback",
            "G9": -20,
            "H9": 40,
            "I9": -8,
            "A10": "Total",
            "G10": 145,
            "I10": 56.5,
            "J10": currency,
            "A11": None,
        }
        for cell, value in expected.items():
            with self.subTest(cell=cell):
                self.assertEqual(sheet[cell].value, value)
        sheet = workbook["Mia Manager"]
        self.assertEqual(sheet["B7"].value, self.policy_manager.name)
        self.assertEqual(sheet["G7"].value, 80)
        self.assertEqual(sheet["H7"].value, "no share")
        self.assertEqual(sheet["I7"].value, 0)
        self.assertEqual(sheet["A8"].value, "Total")

    def test_pdf_html_in_producer_language(self):
        # sudo: the test user is no administrator.
        self.env["res.lang"].sudo()._activate_lang("fr_FR")
        self.salesperson.sudo().lang = "fr_FR"
        wizard = self._march()
        action = wizard.with_context(discard_logo_check=True).action_print_pdf()
        self.assertEqual(action["report_name"], PDF_REPORT)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(PDF_REPORT, wizard.ids)[0]
            .decode()
        )
        sam, mia = html.split("Producer Statement: ")[1:]
        if "Sam Sales" not in sam:
            sam, mia = mia, sam
        self.assertIn(self.policy_single.name, sam)
        # French dates and amounts for Sam, English ones for Mia.
        self.assertIn("20/03/2026", sam)
        self.assertIn("56,50", sam)
        self.assertIn("Chargeback", sam)
        self.assertIn("03/18/2026", mia)
        self.assertIn("no share", mia)
        self.assertIn("80.00", mia)

    def test_nothing_to_state(self):
        wizard = self.Wizard.create(
            {"date_from": "2025-03-01", "date_to": "2025-03-31"}
        )
        self.assertFalse(wizard.user_ids)
        with self.assertRaisesRegex(UserError, "choose the producers"):
            wizard.action_export_xlsx()
        # A producer chosen without commission gets an empty statement.
        wizard.user_ids = self.salesperson
        statement = wizard._get_producer_statements()[0]
        self.assertEqual(statement["lines"], [])
        self.assertEqual(statement["totals"], [])
        wizard.date_to = "2025-02-01"
        with self.assertRaisesRegex(UserError, "cannot end before it starts"):
            wizard.action_print_pdf()

    def test_access(self):
        statements = (
            self.Wizard.with_user(self.insurance_manager)
            .create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
            ._get_producer_statements()
        )
        self.assertEqual(len(statements), 2)
        wizard = self.Wizard.with_user(self.invoicing_user).create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        self.assertEqual(wizard.user_ids, self.salesperson | self.insurance_manager)
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            self.Wizard.with_user(self.salesperson).create(
                {"date_from": "2026-03-01", "date_to": "2026-03-31"}
            )
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            self.Share.with_user(self.invoicing_user).create(
                {
                    "user_id": self.accountant.id,
                    "percent": 10.0,
                    "date_from": "2026-01-01",
                }
            )
