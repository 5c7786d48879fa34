from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestInsuranceUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurer = cls.env["res.partner"].create(
            {"name": "Tour Insurer", "is_company": True, "is_insurer": True}
        )
        cls.product = cls.env["insurance.product"].create(
            {"name": "Tour Travel", "category": "travel", "default_term_months": 12}
        )
        cls.env["insurance.commission.rule"].create(
            {"insurer_id": cls.insurer.id, "rate": 20.0}
        )

    def test_register_confirm_policy_tour(self):
        """In the web client: create a client and a policy, confirm it, see
        its instalments."""
        self.start_tour("/odoo", "insurance_broker_policy_tour", login="admin")
        policy = self.env["insurance.policy"].search([("name", "=", "TOUR-0001")])
        self.assertEqual(policy.state, "active")
        self.assertEqual(policy.partner_id.name, "Tour Client")
        self.assertEqual(policy.partner_id.client_type, "individual")
        self.assertEqual(len(policy.installment_ids), 4)
        self.assertEqual(sum(policy.installment_ids.mapped("amount")), 1000.0)
        self.assertEqual(policy.commission_amount, 200.0)
