from odoo.exceptions import AccessError
from odoo.models import check_method_name
from odoo.tests import tagged

from .debtor_common import DebtorCommon


@tagged("post_install", "-at_install")
class TestAccountSudo(DebtorCommon):
    """Each sudo() of the addon does its one job for a user without the
    right, and takes nobody further: the records it acts on are those the
    user could reach, and nothing is open to a direct call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_policy = cls._active_policy()
        cls.other_policy = cls._active_policy(partner_id=cls.other_client.id)
        cls.own_move = cls._create_premium_invoice(
            "2026-01-20",
            policy=cls.own_policy,
            installment=cls.own_policy.installment_ids,
        )
        cls.other_move = cls._create_premium_invoice(
            "2026-01-20",
            policy=cls.other_policy,
            installment=cls.other_policy.installment_ids,
        )

    @classmethod
    def _active_policy(cls, **values):
        """An active policy with one instalment, its state written directly
        (as the expiry cron changes states), so that confirming does not
        open the CRM's renewal deal: this test is about the accounting
        addon's superuser paths only."""
        policy = cls._create_policy(confirm=False, **values)
        cls.env["insurance.policy.installment"].create(
            {"policy_id": policy.id, "date_due": "2026-01-20", "amount": 100.0}
        )
        policy._write_state({"state": "active"})
        return policy

    def test_credit_notes_only_for_the_users_own_cancellation(self):
        """Cancelling credits the invoices as superuser, for a salesperson
        who has no Invoicing: only of a policy they may cancel."""
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.salesperson).create(
                {"move_type": "out_refund", "partner_id": self.client.id}
            )
        with self.assertRaises(AccessError):
            self.other_policy.with_user(self.salesperson)._cancel(
                "Not mine", "2026-01-10"
            )
        with self.assertRaises(AccessError):
            self.other_policy.installment_ids.with_user(
                self.salesperson
            )._credit_premium_invoices()
        self.assertEqual(self.other_policy.state, "active")
        self.assertFalse(self.other_move.reversal_move_ids)
        self.own_policy.with_user(self.salesperson)._cancel(
            "Client sold the car", "2026-01-10"
        )
        self.assertEqual(self.own_move.reversal_move_ids.move_type, "out_refund")
        self.assertFalse(self.other_move.reversal_move_ids)

    def test_commission_lines_only_of_readable_policies(self):
        """Confirming records the commission lines as superuser, for users who
        may not create lines: only of the policies they confirm."""
        Line = self.env["insurance.commission.line"].with_user(self.salesperson)
        with self.assertRaises(AccessError):
            Line.create(
                {
                    "policy_id": self.own_policy.id,
                    "date": "2026-01-01",
                    "amount": 5.0,
                }
            )
        draft = self._create_policy(confirm=False, partner_id=self.other_client.id)
        for method in ("_record_expected", "_record_chargebacks"):
            with self.assertRaises(AccessError):
                getattr(Line, method)(draft.with_user(self.salesperson))
        with self.assertRaises(AccessError):
            draft.with_user(self.salesperson).action_confirm()
        self.assertFalse(
            self.env["insurance.commission.line"].search([("policy_id", "=", draft.id)])
        )
        mine = self._active_policy()
        Line._record_expected(mine.with_user(self.salesperson))
        self.assertEqual(
            self.env["insurance.commission.line"]
            .search([("policy_id", "=", mine.id)])
            .mapped("amount"),
            [mine.commission_amount],
        )

    def test_superuser_helpers_are_private(self):
        """The methods that act as superuser on the whole book (the backfill
        of the install hook, the commission tax) are not callable over RPC."""
        for name in ("_backfill_expected", "_commission_tax", "_remember_columns"):
            with self.assertRaises(AccessError):
                check_method_name(name)

    def test_commission_tax_without_tax_rights(self):
        """The exempt commission tax is created as superuser for an Invoicing
        user, who may neither create taxes nor change the company."""
        with self.assertRaises(AccessError):
            self.env["account.tax"].with_user(self.invoicing_user).create(
                {"name": "Mine", "amount": 0.0, "company_id": self.company.id}
            )
        with self.assertRaises(AccessError):
            self.company.with_user(self.invoicing_user).write({"name": "Renamed"})
        self.company.insurance_commission_tax_id = False
        Line = self.env["insurance.commission.line"].with_user(self.invoicing_user)
        tax = Line._commission_tax(self.company)
        self.assertEqual(tax.amount, 0.0)
        self.assertEqual(tax.company_id, self.company)
        self.assertEqual(tax.type_tax_use, "sale")
        self.assertEqual(self.company.insurance_commission_tax_id, tax)
        self.assertEqual(Line._commission_tax(self.company), tax)

    def test_statement_columns_only(self):
        """An Invoicing user's statement import remembers the insurer's
        column names as superuser, and only them."""
        insurer = self.insurer_broker
        with self.assertRaises(AccessError):
            insurer.with_user(self.invoicing_user).write({"name": "Renamed"})
        wizard = (
            self.env["insurance.commission.statement.import"]
            .with_user(self.invoicing_user)
            .new(
                {
                    "insurer_id": insurer.id,
                    "column_policy": "Policy No.",
                    "column_premium": "Premium",
                    "column_commission": "Commission",
                    "column_period": "Month",
                }
            )
        )
        wizard._remember_columns()
        self.assertEqual(insurer.insurance_statement_column_period, "Month")
        self.assertEqual(insurer.name, "Alpha Insurance (broker collects)")

    def test_commission_export_reads_no_invoice(self):
        """The commission export reads the invoice's state as superuser for
        a reader without Invoicing; the invoice itself stays closed."""
        reader = self.env["res.users"].create(
            {
                "name": "Rita Reader",
                "login": "acc_sudo_reader",
                "company_id": self.company.id,
                "company_ids": self.company.ids,
                "groups_id": [
                    (4, self.env.ref("base.group_user").id),
                    (4, self.env.ref("insurance_broker.group_insurance_reader").id),
                ],
            }
        )
        with self.assertRaises(AccessError):
            self.own_move.with_user(reader).read(["name"])
        lines = self.env["insurance.commission.line"]._record_expected(self.own_policy)
        lines.move_line_id = self.own_move.invoice_line_ids[:1]
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(reader)
            ._render("insurance_broker_account.commission_xlsx", lines.ids, data={})
        )
        self.assertEqual(report_type, "xlsx")
        self.assertTrue(content)
        with self.assertRaises(AccessError):
            lines.with_user(reader).move_id.read(["name"])
