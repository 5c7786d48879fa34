from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestPolicyCancel(InsuranceAccountCommon):
    """Cancelling a policy credits the invoices of the instalments due after
    the cancellation date; invoiced instalments never vanish."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.insurance_invoice_lead_days = 14
        cls.CommissionLine = type(cls.env["insurance.commission.line"])

    def _invoiced_policy(self):
        """Monthly policy, January to April invoiced on 20 March; January and
        April paid."""
        with freeze_time("2026-03-20"):
            policy = self._create_policy(payment_frequency="monthly")
            self.env["insurance.policy.installment"]._invoice_due_installments(
                policies=policy
            )
        jan, feb, mar, apr = policy.installment_ids[:4]
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=(jan | apr).move_id.ids
        ).create({"payment_date": date(2026, 3, 20)})._create_payments()
        return policy, jan, feb, mar, apr

    @freeze_time("2026-03-25")
    def test_cancel_credits_invoiced_instalments_after_the_date(self):
        policy, jan, feb, mar, apr = self._invoiced_policy()
        invoices = (jan | feb | mar | apr).move_id
        with patch.object(
            self.CommissionLine,
            "_record_chargebacks",
            autospec=True,
            return_value=self.env["insurance.commission.line"],
        ) as chargebacks:
            policy.with_user(self.salesperson)._cancel(
                "Vehicle sold", date(2026, 2, 15)
            )
        chargebacks.assert_called_once()
        self.assertEqual(chargebacks.call_args.args[1], policy)

        self.assertEqual(policy.state, "cancelled")
        # Invoiced instalments stay, with their invoices; May to December go.
        self.assertEqual(policy.installment_ids, jan | feb | mar | apr)
        self.assertEqual((jan | feb | mar | apr).move_id, invoices)
        self.assertEqual(
            (jan | feb | mar | apr).mapped("invoice_state"),
            ["paid", "invoiced", "credited", "credited"],
        )
        credit_notes = self.env["account.move"].search(
            [("reversed_entry_id", "in", invoices.ids)]
        )
        self.assertEqual(credit_notes.reversed_entry_id, mar.move_id | apr.move_id)
        self.assertRecordValues(
            credit_notes.sorted(lambda m: m.reversed_entry_id.id),
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "amount_total": 100.0,
                    "insurance_policy_id": policy.id,
                    "insurance_installment_id": installment.id,
                    "insurance_move_kind": "premium",
                    "invoice_date": date(2026, 3, 25),
                }
                for installment in (mar | apr).sorted(lambda i: i.move_id.id)
            ],
        )
        # The unpaid March invoice is settled by its credit note; the paid
        # April one leaves a credit the accountant refunds.
        self.assertEqual(mar.move_id.payment_state, "reversed")
        self.assertIn(apr.move_id.payment_state, ("paid", "in_payment"))
        apr_credit = credit_notes.filtered(lambda m: m.reversed_entry_id == apr.move_id)
        self.assertEqual(apr_credit.amount_residual, 100.0)
        self.assertEqual(apr_credit.invoice_line_ids.insurance_installment_id, apr)
        # Posted invoices are not touched.
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(feb.move_id.amount_residual, 100.0)
        self.assertIn(apr_credit.name, policy.message_ids[0].body)
        # The policy's figures: January and April paid, April to refund,
        # February due (invoiced on 20 March: due on the 27th).
        figures = {
            "premium_invoice_count": 6,
            "premium_invoiced_amount": 200.0,
            "premium_paid_amount": 200.0,
            "premium_due_amount": 0.0,
        }
        self.assertRecordValues(policy, [{**figures, "premium_overdue_amount": 0.0}])
        with freeze_time("2026-03-28"):
            policy.invalidate_recordset()
            self.assertRecordValues(
                policy, [{**figures, "premium_overdue_amount": 100.0}]
            )

    @freeze_time("2026-03-25")
    def test_partly_paid_invoice_is_settled_and_the_rest_refunded(self):
        with freeze_time("2026-03-20"):
            policy = self._create_policy(date_start="2026-04-01")
            self.env["insurance.policy.installment"]._invoice_due_installments(
                policies=policy
            )
        invoice = policy.installment_ids.move_id
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 300.0})._create_payments()
        policy._cancel("Insurer refused the risk", date(2026, 3, 31))
        credit_note = invoice.reversal_move_ids
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(credit_note.amount_total, 1200.0)
        self.assertEqual(credit_note.amount_residual, 300.0)
        self.assertEqual(policy.installment_ids.invoice_state, "credited")

    @freeze_time("2026-03-25")
    def test_cancel_before_invoicing_removes_instalments_as_before(self):
        policy = self._create_policy(
            payment_frequency="quarterly", insurer_id=self.insurer_direct.id
        )
        policy._cancel("Sold", date(2026, 2, 15))
        self.assertEqual(policy.installment_ids.mapped("date_due"), [date(2026, 1, 1)])
        self.assertFalse(
            self.env["account.move"].search([("insurance_policy_id", "=", policy.id)])
        )

    def test_confirm_records_the_expected_commission(self):
        policy = self._create_policy(confirm=False)
        with patch.object(
            self.CommissionLine,
            "_record_expected",
            autospec=True,
            return_value=self.env["insurance.commission.line"],
        ) as expected:
            policy.action_confirm()
        expected.assert_called_once()
        self.assertEqual(expected.call_args.args[1], policy)

    @freeze_time("2026-03-25")
    def test_invoiced_instalments_and_policies_cannot_be_deleted(self):
        policy, jan, *_rest = self._invoiced_policy()
        with self.assertRaisesRegex(UserError, "credit their invoice"):
            jan.unlink()
        policy._cancel("Sold", date(2026, 2, 15))
        with self.assertRaisesRegex(UserError, "cannot go back to draft"):
            policy.action_reset_to_draft()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            policy.unlink()
        self.assertTrue(jan.exists())

    @freeze_time("2026-03-25")
    def test_credit_note_wizard_keeps_the_policy(self):
        policy, jan, *_rest = self._invoiced_policy()
        feb = policy.installment_ids[1]
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=feb.move_id.ids)
            .create({"journal_id": feb.move_id.journal_id.id, "reason": "Goodwill"})
        )
        wizard.refund_moves()
        credit_note = feb.move_id.reversal_move_ids
        self.assertEqual(credit_note.insurance_policy_id, policy)
        self.assertEqual(credit_note.insurance_installment_id, feb)
        self.assertEqual(credit_note.invoice_line_ids.insurance_policy_id, policy)
        credit_note.action_post()
        self.assertEqual(feb.invoice_state, "credited")
