from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPremiumPaymentTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.accountant = new_test_user(
            cls.env,
            login="tour_accountant",
            groups="base.group_user,account.group_account_manager",
            name="Tara Tour Accountant",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        service = cls.env["product.product"].create(
            {"name": "Tour premium", "type": "service", "taxes_id": [Command.clear()]}
        )
        insurer = cls.env["res.partner"].create(
            {
                "name": "Tour Insurer",
                "is_company": True,
                "is_insurer": True,
                "insurance_premium_collection": "broker",
            }
        )
        product = cls.env["insurance.product"].create(
            {
                "name": "Tour Home",
                "category": "property",
                "default_term_months": 12,
                "product_id": service.id,
            }
        )
        client = cls.env["res.partner"].create(
            {"name": "Tour Client", "client_type": "individual"}
        )
        cls.policy = cls.env["insurance.policy"].create(
            {
                "name": "TOUR-PAY-0001",
                "partner_id": client.id,
                "insurer_id": insurer.id,
                "product_id": product.id,
                "premium": 480.0,
            }
        )
        cls.policy.action_confirm()
        cls.policy.action_invoice_due_installments()

    def test_accountant_registers_a_payment(self):
        installment = self.policy.installment_ids
        self.assertEqual(installment.invoice_state, "invoiced")
        self.start_tour(
            "/odoo", "insurance_premium_payment_tour", login="tour_accountant"
        )
        installment.invalidate_recordset()
        self.assertEqual(installment.invoice_state, "paid")
        self.assertIn(installment.move_id.payment_state, ("paid", "in_payment"))
        self.assertEqual(installment.move_id.amount_residual, 0.0)
