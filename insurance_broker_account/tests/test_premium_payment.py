from datetime import date

from odoo.tests import freeze_time, tagged

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestPremiumPayment(InsuranceAccountCommon):
    """Paying an instalment's invoice in Odoo Invoicing marks the instalment
    paid; the policy shows what is invoiced, paid, due and overdue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.insurance_invoice_lead_days = 14
        with freeze_time("2026-01-20"):
            cls.policy = cls._create_policy(payment_frequency="monthly")
            cls.env["insurance.policy.installment"]._invoice_due_installments(
                policies=cls.policy
            )
        cls.january, cls.february = cls.policy.installment_ids[:2]

    def _pay(self, invoice, amount=None, user=None):
        env = self.env(user=user) if user else self.env
        values = {"payment_date": date(2026, 1, 25)}
        if amount is not None:
            values["amount"] = amount
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(values)
        )
        return wizard._create_payments()

    def _billing_status(self, installment):
        # The stored value, as lists and filters read it.
        self.env.flush_all()
        self.env.invalidate_all()
        return installment.invoice_state

    def test_payment_marks_the_instalment_paid(self):
        self.assertEqual(self._billing_status(self.january), "invoiced")
        self._pay(self.january.move_id, user=self.invoicing_user)
        self.assertIn(self.january.move_id.payment_state, ("paid", "in_payment"))
        self.assertEqual(self._billing_status(self.january), "paid")
        self.assertEqual(self.january.date_paid, date(2026, 1, 25))
        self.assertEqual(self._billing_status(self.february), "invoiced")
        self.assertFalse(self.february.date_paid)
        self.assertEqual(
            self.env["insurance.policy.installment"].search(
                [("policy_id", "=", self.policy.id), ("invoice_state", "=", "paid")]
            ),
            self.january,
        )

    def test_partial_payment_keeps_the_instalment_invoiced(self):
        self._pay(self.january.move_id, amount=40.0)
        self.assertEqual(self.january.move_id.payment_state, "partial")
        self.assertEqual(self._billing_status(self.january), "invoiced")
        self.assertFalse(self.january.date_paid)
        self.assertEqual(self.january.invoice_amount_residual, 60.0)
        self._pay(self.january.move_id, amount=60.0)
        self.assertEqual(self._billing_status(self.january), "paid")

    def test_undoing_the_payment_reopens_the_instalment(self):
        payment = self._pay(self.january.move_id)
        self.assertEqual(self._billing_status(self.january), "paid")
        payment.action_draft()
        self.assertEqual(self.january.move_id.payment_state, "not_paid")
        self.assertEqual(self._billing_status(self.january), "invoiced")

    def test_policy_amounts(self):
        self._pay(self.january.move_id)
        self._pay(self.february.move_id, amount=30.0)
        with freeze_time("2026-01-28"):
            self.policy.invalidate_recordset()
            self.assertRecordValues(
                self.policy,
                [
                    {
                        "premium_invoice_count": 2,
                        "premium_invoiced_amount": 200.0,
                        "premium_paid_amount": 130.0,
                        "premium_due_amount": 70.0,
                        "premium_overdue_amount": 0.0,
                    }
                ],
            )
        with freeze_time("2026-02-10"):
            self.policy.invalidate_recordset()
            self.assertEqual(self.policy.premium_overdue_amount, 70.0)
            # Read by a salesperson, who has no access to Invoicing.
            self.assertEqual(
                self.policy.with_user(self.salesperson).premium_overdue_amount, 70.0
            )

    def test_policy_amounts_cost_the_same_for_one_policy_or_many(self):
        others = self._create_policy(payment_frequency="single") | self._create_policy()
        self.env.flush_all()

        def queries_to_read(policies):
            policies.invalidate_recordset()
            count = self.env.cr.sql_log_count
            policies.mapped("premium_due_amount")
            return self.env.cr.sql_log_count - count

        queries_to_read(self.policy)  # warm the caches of what is not policy data
        self.assertEqual(
            queries_to_read(self.policy), queries_to_read(self.policy | others)
        )
        # One query for the figures, one for the policies' currencies.
        self.assertEqual(queries_to_read(self.policy | others), 2)
