from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSalespersonDayTour(HttpCase):
    """The salesperson's day in the browser, as the demo salesperson Lukas
    Vaitkus (own deals and own clients only): from a new call to the quotes,
    the offer and the hand-over to Fulfilment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.salesperson = ref("insurance_broker_crm.user_salesperson_lukas")
        cls.logistician = ref("insurance_broker_crm.user_logistician")
        cls.sales_team = ref("insurance_broker_crm.team_insurance_sales")
        cls.stage = {
            stage.insurance_stage_code: stage
            for stage in cls.env["crm.stage"].search(
                [("insurance_stage_code", "!=", False)]
            )
        }
        cls.insurer_a, cls.insurer_b = cls.env["res.partner"].create(
            [
                {"name": "Tour Day Insurer A", "is_company": True, "is_insurer": True},
                {"name": "Tour Day Insurer B", "is_company": True, "is_insurer": True},
            ]
        )
        cls.product = cls.env["insurance.product"].create(
            {
                "name": "Tour Day CASCO",
                "code": "TOUR-DAY-CASCO",
                "category": "casco",
                "default_term_months": 12,
            }
        )
        cls.env["insurance.commission.rule"].create(
            {"insurer_id": cls.insurer_b.id, "product_id": cls.product.id, "rate": 10.0}
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Tour Day Client",
                "client_type": "individual",
                "email": "tour.day.client@example.com",
                "client_manager_id": cls.salesperson.id,
            }
        )

    def _tasks(self, deal, active):
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "=", deal.id),
                    ("active", "=", active),
                ],
                order="id",
            )
        )

    def test_salesperson_day(self):
        self.start_tour(
            "/odoo", "insurance_salesperson_day_tour", login=self.salesperson.login
        )
        self.env.invalidate_all()  # the tour wrote through the server's cursor

        deal = self.env["crm.lead"].search(
            [("name", "=", "Tour Day CASCO"), ("team_id", "=", self.sales_team.id)]
        )
        self.assertEqual(len(deal), 1)
        self.assertEqual(deal.team_id, self.sales_team)
        self.assertEqual(deal.user_id, self.salesperson)
        self.assertEqual(deal.partner_id, self.client)
        self.assertEqual(deal.insurance_product_id, self.product)
        self.assertEqual(deal.stage_id, self.stage["sales_handed"])
        self.assertEqual(deal.probability, 100)
        self.assertEqual(
            [(quote.insurer_id, quote.premium) for quote in deal.quote_ids],
            [(self.insurer_b, 1100.0), (self.insurer_a, 1200.0)],
        )
        self.assertEqual(deal.chosen_quote_id.insurer_id, self.insurer_b)
        self.assertEqual(deal.deal_premium, 1100.0)
        self.assertEqual(deal.deal_commission, 110.0)

        # The offer went to the client, the comparison attached.
        offer = deal.message_ids.filtered(
            lambda message: self.client in message.partner_ids
        )
        self.assertEqual(len(offer), 1)
        self.assertEqual(offer.author_id, self.salesperson.partner_id)
        self.assertIn("Offer", offer.attachment_ids.name)

        # Fulfilment took it over: the logistician's, Lukas its client manager.
        fulfilment = deal.continued_lead_ids
        self.assertEqual(len(fulfilment), 1)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_new"])
        self.assertEqual(fulfilment.user_id, self.logistician)
        self.assertEqual(fulfilment.insurance_client_manager_id, self.salesperson)
        self.assertEqual(fulfilment.chosen_quote_id.insurer_id, self.insurer_b)

        # The tasks of the stages Lukas went through are done, none is open.
        self.assertFalse(self._tasks(deal, active=True))
        done = self._tasks(deal, active=False)
        self.assertEqual(
            done.activity_type_id.mapped("name"),
            ["Gather information", "Upload the documents"],
        )
        self.assertEqual(done.user_id, self.salesperson)
        self.assertEqual(set(done.mapped("date_done")), {fields.Date.today()})

        # What Lukas sees: his deal won, no task of his, not the deal he
        # may not open.
        seen = deal.with_user(self.salesperson)
        self.assertEqual(seen.stage_id, self.stage["sales_handed"])
        self.assertFalse(seen.insurance_continuation_ids)
        self.assertFalse(
            self.env["mail.activity"]
            .with_user(self.salesperson)
            .search([("res_model", "=", "crm.lead"), ("res_id", "in", deal.ids)])
        )
        self.assertFalse(fulfilment.with_user(self.salesperson).has_access("read"))
