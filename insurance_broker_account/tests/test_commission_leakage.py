import datetime

from odoo import Command
from odoo.tests import tagged

from .statement_common import InsuranceStatementCommon


@tagged("post_install", "-at_install")
class TestCommissionLeakage(InsuranceStatementCommon):
    """Commission expected minus received, by insurer and month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["insurance.commission.leakage.report"]
        # 1200 paid once on 5 March 2026 to the broker's insurer: 10 %.
        cls.policy_other_insurer = cls._create_policy(
            insurer_id=cls.insurer_broker.id, date_start="2026-03-05"
        )

    def _confirmed_statement(self, rows, confirm=True):
        wizard = self._wizard(self._csv(rows))
        statement = self._statement_of(wizard.action_import())
        if confirm:
            statement.action_confirm()
        return statement

    def _by_month(self, insurer, user=None):
        # The view changed under the ORM's feet: read it anew.
        self.Report.invalidate_model()
        Report = self.Report.with_user(user) if user else self.Report
        rows = Report.search([("insurer_id", "=", insurer.id)])
        return {
            row.date.strftime("%Y-%m"): (
                row.expected_amount,
                row.received_amount,
                row.leakage_amount,
            )
            for row in rows
        }

    def test_leakage_by_insurer_and_month(self):
        statement = self._confirmed_statement(
            [
                (self.policy_monthly.name, "", "15,00", "01/2026"),
                (self.policy_monthly.name, "", "14,50", "02/2026"),
                (self.policy_single.name, "", "150,00", "03/2026"),
                ("NOPE-404", "", "99,00", "03/2026"),
            ]
        )
        # A statement still to confirm receives nothing.
        self._confirmed_statement(
            [(self.policy_monthly.name, "", "15,00", "04/2026")], confirm=False
        )
        direct = self._by_month(self.insurer_direct, user=self.invoicing_user)
        self.assertEqual(direct["2026-01"], (15.0, 15.0, 0.0))
        self.assertEqual(direct["2026-02"], (15.0, 14.5, 0.5))
        # The monthly instalment and the single premium of March; the row of
        # the unknown policy is no commission expected.
        self.assertEqual(direct["2026-03"], (165.0, 150.0, 15.0))
        self.assertEqual(direct["2026-04"], (15.0, 0.0, 15.0))
        self.assertEqual(direct["2026-12"], (15.0, 0.0, 15.0))
        self.assertEqual(len(direct), 12)
        self.assertEqual(
            self._by_month(self.insurer_broker), {"2026-03": (120.0, 0.0, 120.0)}
        )
        march = self.Report.search(
            [
                ("insurer_id", "=", self.insurer_direct.id),
                ("date", "=", datetime.date(2026, 3, 1)),
            ]
        )
        self.assertEqual(march.company_id, self.company)
        self.assertEqual(march.currency_id, self.company.currency_id)
        self.assertEqual(march.line_count, 2)

        # The year per insurer, as the pivot groups it.
        totals = {
            insurer: (expected, received, leakage)
            for insurer, expected, received, leakage in self.Report._read_group(
                [],
                ["insurer_id"],
                ["expected_amount:sum", "received_amount:sum", "leakage_amount:sum"],
            )
        }
        self.assertEqual(totals[self.insurer_direct], (330.0, 179.5, 150.5))
        self.assertEqual(totals[self.insurer_broker], (120.0, 0.0, 120.0))

        # Undoing the statement brings the leakage back.
        statement.action_draft()
        self.assertEqual(
            self._by_month(self.insurer_direct)["2026-03"], (165.0, 0.0, 165.0)
        )

    def test_chargeback_reduces_expected(self):
        self.env["insurance.commission.line"].create(
            {
                "policy_id": self.policy_single.id,
                "kind": "chargeback",
                "date": "2026-04-05",
                "amount": -50.0,
            }
        )
        self._confirmed_statement(
            [
                (self.policy_single.name, "", "150,00", "03/2026"),
                (self.policy_single.name, "", "-50,00", "2026-04-05"),
            ]
        )
        by_month = self._by_month(self.insurer_direct)
        self.assertEqual(by_month["2026-03"], (165.0, 150.0, 15.0))
        # April: the monthly instalment less the chargeback, given back.
        self.assertEqual(by_month["2026-04"], (-35.0, -50.0, 15.0))

    def test_other_company_not_shown(self):
        company_2 = self.env["res.company"].create({"name": "Other Broker"})
        self.env.user.company_ids = [Command.link(company_2.id)]
        env_2 = self.env(
            context=dict(self.env.context, allowed_company_ids=company_2.ids)
        )
        product = env_2["insurance.product"].create(
            {"name": "Other CASCO", "category": "casco", "company_id": company_2.id}
        )
        client = env_2["res.partner"].create(
            {"name": "Other Client", "company_id": company_2.id}
        )
        policy = env_2["insurance.policy"].create(
            {
                "name": "OTHER-001",
                "partner_id": client.id,
                "insurer_id": self.insurer_direct.id,
                "product_id": product.id,
                "date_start": "2026-03-01",
                "premium": 1000.0,
                "commission_amount": 100.0,
                "company_id": company_2.id,
            }
        )
        policy.action_confirm()
        self.assertEqual(policy.commission_line_ids.amount, 100.0)

        rows = self.Report.with_context(
            allowed_company_ids=(self.company | company_2).ids
        ).search(
            [
                ("insurer_id", "=", self.insurer_direct.id),
                ("date", "=", datetime.date(2026, 3, 1)),
            ]
        )
        self.assertEqual(rows.company_id, self.company | company_2)
        self.assertEqual(
            rows.filtered(lambda row: row.company_id == company_2).expected_amount,
            100.0,
        )
        # Each company's leakage is its own.
        self.assertEqual(
            self._by_month(self.insurer_direct, user=self.invoicing_user)["2026-03"],
            (165.0, 0.0, 165.0),
        )
