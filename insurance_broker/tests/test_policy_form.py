from datetime import date

from odoo.tests import Form, tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestPolicyForm(InsuranceCommon):
    def test_user_registers_a_policy(self):
        """What a salesperson does: pick the client, the insurer, the product."""
        env = self.env(user=self.user_own)
        form = Form(env["insurance.policy"])
        form.partner_id = self.client.with_env(env)
        self.assertEqual(form.client_manager_id, self.user_own, "the client's manager")
        form.insurer_id = self.insurer_a.with_env(env)
        form.product_id = self.product_property.with_env(env)
        self.assertEqual(form.term_months, 24, "term from the product")
        form.date_start = date(2026, 3, 1)
        self.assertEqual(form.date_end, date(2028, 2, 29))
        form.premium = 480.0
        form.payment_frequency = "quarterly"
        self.assertEqual(form.commission_rate, 10.0, "insurer-wide rule")
        self.assertEqual(form.commission_amount, 48.0)
        form.name = "H-2026-001"
        policy = form.save()
        policy.action_confirm()
        self.assertEqual(len(policy.installment_ids), 8)
        self.assertEqual(sum(policy.installment_ids.mapped("amount")), 480.0)

    def test_motor_fields_follow_product(self):
        form = Form(self.env["insurance.policy"])
        form.partner_id = self.client
        form.product_id = self.product_casco
        self.assertTrue(form.is_motor)
        form.vehicle_plate = "KLM 042"
        form.product_id = self.product_property
        self.assertFalse(form.is_motor)

    def test_client_card_form(self):
        form = Form(self.env["res.partner"])
        form.name = "New Prospect"
        form.client_type = "vip"
        form.client_manager_id = self.user_all
        partner = form.save()
        self.assertEqual(partner.policy_count, 0)
        self.assertFalse(partner.next_renewal_date)
