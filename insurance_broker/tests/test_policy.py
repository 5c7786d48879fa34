from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestPolicy(InsuranceCommon):
    def test_end_date_is_start_plus_term_minus_one_day(self):
        cases = [
            ("2026-01-01", 12, date(2026, 12, 31)),
            ("2026-03-15", 6, date(2026, 9, 14)),
            (
                "2024-02-29",
                12,
                date(2025, 2, 27),
            ),  # anniversary 28 Feb 2025, less a day
            ("2026-01-31", 1, date(2026, 2, 27)),
        ]
        for start, term, end in cases:
            with self.subTest(start=start, term=term):
                policy = self._create_policy(date_start=start, term_months=term)
                self.assertEqual(policy.date_end, end)
        policy = self._create_policy(date_start="2026-01-01")
        policy.date_end = date(2026, 6, 30)  # short-period policy, edited by hand
        self.assertEqual(policy.date_end, date(2026, 6, 30))
        policy.term_months = 24
        self.assertEqual(policy.date_end, date(2027, 12, 31))

    def test_term_defaults_from_product(self):
        policy = self._create_policy(product_id=self.product_property.id)
        self.assertEqual(policy.term_months, 24)
        self.assertEqual(policy.date_end, date(2027, 12, 31))

    def test_commission_from_rule(self):
        policy = self._create_policy(premium=1000.0)
        self.assertEqual(policy.commission_rule_id, self.rule_a_casco_new)
        self.assertEqual(policy.commission_rate, 15.0)
        self.assertEqual(policy.commission_amount, 150.0)
        policy.premium = 2000.0
        self.assertEqual(policy.commission_amount, 300.0)
        policy.business_type = "renewal"
        self.assertEqual(policy.commission_rate, 12.5)
        self.assertEqual(policy.commission_amount, 250.0)

    def test_commission_override_needs_a_tracked_reason(self):
        policy = self._create_policy(premium=1000.0)
        with self.assertRaisesRegex(ValidationError, "reason"):
            policy.commission_rate = 20.0
        self.assertEqual(policy.commission_rate, 15.0)
        policy.write(
            {"commission_rate": 20.0, "commission_override_reason": "Volume bonus 2026"}
        )
        self.assertEqual(policy.commission_amount, 200.0)
        self._flush_tracking()
        tracked = policy.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("commission_override_reason", tracked)
        self.assertIn("commission_rate", tracked)

    def test_confirm(self):
        policy = self._create_policy(payment_frequency="quarterly")
        self.assertEqual(policy.state, "draft")
        policy.action_confirm()
        self.assertEqual(policy.state, "active")
        self.assertEqual(len(policy.installment_ids), 4)
        with self.assertRaisesRegex(UserError, "Only draft"):
            policy.action_confirm()

    def test_confirm_requires_number_insurer_product(self):
        policy = self._create_policy(name=False, insurer_id=False, product_id=False)
        with self.assertRaises(UserError) as error:
            policy.action_confirm()
        message = str(error.exception)
        for expected in ("policy number", "insurer", "insurance product"):
            self.assertIn(expected, message)
        self.assertEqual(policy.state, "draft")
        self.assertFalse(policy.installment_ids)

    def test_confirm_marks_partner_as_client(self):
        company = self.env["res.partner"].create(
            {"name": "Fresh Ltd", "is_company": True}
        )
        policy = self._create_policy(
            partner_id=company.id, client_manager_id=self.user_all.id
        )
        policy.action_confirm()
        self.assertEqual(company.client_type, "company")
        self.assertEqual(company.client_manager_id, self.user_all)

    def test_bad_input_refused(self):
        Policy = self.env["insurance.policy"]
        count = Policy.search_count([])
        with self.assertRaisesRegex(ValidationError, "Premium must be between 0"):
            self._create_policy(premium=-1.0)
        with self.assertRaisesRegex(ValidationError, "cannot end"):
            self._create_policy(date_start="2026-05-01", date_end="2026-04-30")
        with self.assertRaisesRegex(
            ValidationError, r"Term \(months\) must be between 1"
        ):
            self._create_policy(term_months=0)
        self.assertEqual(Policy.search_count([]), count)

    def test_number_unique_per_insurer(self):
        self._create_policy(name="AB-1")
        # The same number at another insurer is another policy.
        self._create_policy(name="AB-1", insurer_id=self.insurer_b.id)
        with self.assertRaisesRegex(ValidationError, "already has the policy AB-1"):
            self._create_policy(name="AB-1")

    def test_cancel_with_reason_and_date(self):
        policy = self._create_policy(confirm=True, payment_frequency="monthly")
        wizard = Form(
            self.env["insurance.policy.cancel"].with_context(
                active_model="insurance.policy", active_ids=policy.ids
            )
        )
        wizard.date = date(2026, 4, 15)
        wizard.reason = "Vehicle sold"
        wizard.save().action_cancel()
        self.assertEqual(policy.state, "cancelled")
        self.assertEqual(policy.cancel_reason, "Vehicle sold")
        self.assertEqual(policy.cancel_date, date(2026, 4, 15))
        # January to April stay due; the rest of the year is not.
        self.assertEqual(
            policy.installment_ids.mapped("date_due"),
            [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)],
        )
        with self.assertRaisesRegex(
            UserError, "Only draft policies and policies in force"
        ):
            policy._cancel("again", date(2026, 5, 1))
        with self.assertRaisesRegex(UserError, "reason"):
            self._create_policy(confirm=True)._cancel("  ", date(2026, 5, 1))

    def test_renewal_chain(self):
        policy = self._create_policy(
            confirm=True,
            vehicle_plate="ABC123",
            vehicle_make="Volvo",
            payment_frequency="semi_annual",
        )
        action = policy.action_renew()
        successor = self.env["insurance.policy"].browse(action["res_id"])
        self.assertEqual(policy.successor_id, successor)
        self.assertEqual(successor.predecessor_id, policy)
        self.assertEqual(successor.state, "draft")
        self.assertEqual(successor.business_type, "renewal")
        self.assertEqual(successor.date_start, date(2027, 1, 1))
        self.assertEqual(successor.date_end, date(2027, 12, 31))
        self.assertEqual(
            (successor.partner_id, successor.insurer_id, successor.product_id),
            (policy.partner_id, policy.insurer_id, policy.product_id),
        )
        self.assertEqual(successor.vehicle_plate, "ABC123")
        self.assertEqual(successor.payment_frequency, "semi_annual")
        # Renewal business earns the renewal rate.
        self.assertEqual(successor.commission_rule_id, self.rule_a_casco_renewal)
        self.assertEqual(policy.state, "active")
        with self.assertRaisesRegex(UserError, "already renewed"):
            policy.action_renew()
        successor.name = "POL-RENEWED"
        successor.action_confirm()
        self.assertEqual(policy.state, "renewed")
        self.assertEqual(successor.state, "active")

    def test_cancelled_renewal_frees_the_predecessor(self):
        policy = self._create_policy(confirm=True)
        successor = policy._create_successors()
        successor._cancel("Client went to another broker", date(2026, 12, 1))
        self.assertFalse(policy.successor_id)
        self.assertTrue(policy._create_successors())

    def test_cancelled_confirmed_renewal_restores_the_predecessor(self):
        policy = self._create_policy(confirm=True, date_start=date.today())
        successor = policy._create_successors()
        successor.write({"name": "POL-NEXT"})
        successor.action_confirm()
        self.assertEqual(policy.state, "renewed")
        successor._cancel("Insurer refused the renewal", successor.date_start)
        self.assertEqual(policy.state, "active")
        self.assertFalse(policy.successor_id)

    def test_confirm_links_a_predecessor_set_by_hand(self):
        policy = self._create_policy(confirm=True)
        successor = self._create_policy(
            predecessor_id=policy.id, business_type="renewal", date_start="2027-01-01"
        )
        successor.action_confirm()
        self.assertEqual(policy.successor_id, successor)
        self.assertEqual(policy.state, "renewed")
        rival = self._create_policy(predecessor_id=policy.id, date_start="2027-01-01")
        with self.assertRaisesRegex(UserError, "already renewed"):
            rival.action_confirm()
        self.assertEqual(rival.state, "draft")

    def test_two_renewals_of_one_policy_confirmed_together_refused(self):
        policy = self._create_policy(confirm=True)
        first, second = (
            self._create_policy(predecessor_id=policy.id, date_start="2027-01-01"),
            self._create_policy(predecessor_id=policy.id, date_start="2027-01-01"),
        )
        with self.assertRaisesRegex(UserError, "already renewed"):
            (first | second).action_confirm()
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])
        self.assertEqual(policy.state, "active")
        self.assertFalse(policy.successor_id)

    def test_cancel_accepts_a_date_as_text(self):
        policy = self._create_policy(confirm=True, payment_frequency="quarterly")
        policy._cancel("Sold", "2026-05-01")
        self.assertEqual(policy.cancel_date, date(2026, 5, 1))
        self.assertEqual(len(policy.installment_ids), 2)

    def test_renew_refused_for_cancelled_and_draft(self):
        cancelled = self._create_policy(confirm=True)
        cancelled._cancel("Fraud", date(2026, 2, 1))
        with self.assertRaisesRegex(UserError, "cancelled policy cannot be renewed"):
            cancelled.action_renew()
        draft = self._create_policy()
        with self.assertRaisesRegex(UserError, "Confirm the policy"):
            draft.action_renew()
        self.assertFalse(
            self.env["insurance.policy"].search(
                [("predecessor_id", "in", (cancelled | draft).ids)]
            )
        )

    def test_reset_cancelled_to_draft_and_reconfirm(self):
        policy = self._create_policy(confirm=True, payment_frequency="quarterly")
        policy._cancel("Mistake", date(2026, 1, 1))
        policy.action_reset_to_draft()
        self.assertEqual(policy.state, "draft")
        policy.action_confirm()
        self.assertEqual(len(policy.installment_ids), 4)

    def test_only_draft_or_cancelled_can_be_deleted(self):
        active = self._create_policy(confirm=True)
        with self.assertRaisesRegex(UserError, "cancel it first"):
            active.unlink()
        draft = self._create_policy()
        draft.unlink()
        self.assertFalse(draft.exists())
