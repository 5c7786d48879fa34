from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestLeadInsurance(InsuranceCrmCommon):
    def test_term_and_end_date(self):
        self.assertEqual(self.lead.insurance_term_months, 12)
        self.assertEqual(self.lead.insurance_date_end, date(2027, 2, 28))
        self.lead.insurance_product_id = self.product_property
        self.assertEqual(self.lead.insurance_term_months, 24)
        self.assertEqual(self.lead.insurance_date_end, date(2028, 2, 29))

    def test_quotes_commission_and_choice(self):
        Quote = self.env["insurance.quote"]
        quote_a, quote_b = Quote.create(
            [
                {
                    "lead_id": self.lead.id,
                    "insurer_id": self.insurer_a.id,
                    "premium": 1000.0,
                },
                {
                    "lead_id": self.lead.id,
                    "insurer_id": self.insurer_b.id,
                    "premium": 800.0,
                },
            ]
        )
        # Alpha's CASCO new-business rule: 15 %; Beta has no rule.
        self.assertEqual(quote_a.commission, 150.0)
        self.assertEqual(quote_b.commission, 0.0)
        quote_a.action_choose()
        self.assertEqual(self.lead.chosen_quote_id, quote_a)
        self.assertEqual(self.lead.deal_premium, 1000.0)
        self.assertEqual(self.lead.deal_commission, 150.0)
        quote_b.action_choose()
        self.assertFalse(quote_a.chosen)
        self.assertEqual(self.lead.chosen_quote_id, quote_b)
        self.assertEqual(self.lead.deal_premium, 800.0)
        with self.assertRaisesRegex(ValidationError, "Only one quote"):
            quote_a.chosen = True
        self.assertEqual(self.lead.quote_ids.filtered("chosen"), quote_b)

    def test_deal_budget(self):
        form = Form(self.lead)
        form.deal_commission = 300.0
        form.deal_premium = 2000.0
        form.delivery_cost = 50.0
        form.diagnostic_card_cost = 100.0
        form.cross_product_amount = 40.0
        form.discount = 20.0
        lead = form.save()
        # delivery + card + commission - cross-product - card cost - discount
        self.assertEqual(lead.card_cost, 190.0)
        self.assertEqual(lead.deal_budget, 50 + 100 + 300 - 40 - 190 - 20)
        self.assertEqual(lead.amount_client_pays, 2000 + 50 + 100 + 40 - 20)
        settings = self.env["res.config.settings"].create(
            {"insurance_card_cost": 250.0}
        )
        settings.execute()
        self.assertEqual(self.env.company.insurance_card_cost, 250.0)
        self.assertEqual(lead.deal_budget, 50 + 100 + 300 - 40 - 250 - 20)

    def test_drivers(self):
        self.env["insurance.lead.driver"].create(
            {
                "lead_id": self.lead.id,
                "name": "Jonas",
                "birth_date": "1990-05-01",
                "licence_number": "LT-123",
                "experience_years": 12,
            }
        )
        self.assertTrue(self.lead.is_motor)
        self.assertEqual(self.lead.driver_ids.licence_number, "LT-123")
        with self.assertRaisesRegex(ValidationError, "Years of Experience"):
            self.env["insurance.lead.driver"].create(
                {"lead_id": self.lead.id, "name": "X", "experience_years": -1}
            )

    def test_quotes_follow_their_lead_access(self):
        quote = self.env["insurance.quote"].create(
            {"lead_id": self.lead.id, "insurer_id": self.insurer_a.id, "premium": 10.0}
        )
        self.assertTrue(quote.with_user(self.salesman).read(["premium"]))
        with self.assertRaises(AccessError):
            quote.with_user(self.salesman_2).read(["premium"])
        with self.assertRaises(AccessError):
            quote.with_user(self.reader).write({"premium": 1.0})
