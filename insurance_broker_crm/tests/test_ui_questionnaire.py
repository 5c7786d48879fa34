from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestQuestionnaireTour(HttpCase):
    """In the browser, as the demo salesperson Lukas Vaitkus: the client's
    demands and needs answered on his deal, the offer sent, the answers then
    read-only, kept as sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.salesperson = ref("insurance_broker_crm.user_salesperson_lukas")
        cls.salesperson.company_id.insurance_questionnaire_required = True
        stage = cls.env["crm.stage"].search(
            [("insurance_stage_code", "=", "sales_gathering")], limit=1
        )
        insurer_a, insurer_b = cls.env["res.partner"].create(
            [
                {
                    "name": "Needs Tour Insurer A",
                    "is_company": True,
                    "is_insurer": True,
                },
                {
                    "name": "Needs Tour Insurer B",
                    "is_company": True,
                    "is_insurer": True,
                },
            ]
        )
        cls.product = cls.env["insurance.product"].create(
            {
                "name": "Needs Tour CASCO",
                "code": "NEEDS-TOUR",
                "category": "casco",
                "questionnaire_question_ids": [
                    (0, 0, {"sequence": 1, "name": "Do you use the vehicle for work?"}),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "name": "Who drives the vehicle?",
                            "answer_type": "choice",
                            "option_ids": [
                                (
                                    0,
                                    0,
                                    {"sequence": 1, "name": "Only the policyholder"},
                                ),
                                (0, 0, {"sequence": 2, "name": "Any driver"}),
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 3,
                            "name": "Annual mileage (km)",
                            "answer_type": "number",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 4,
                            "name": "Anything else we should know?",
                            "answer_type": "text",
                            "required": False,
                        },
                    ),
                ],
            }
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Needs Tour Client",
                "client_type": "individual",
                "email": "needs.tour.client@example.com",
                "client_manager_id": cls.salesperson.id,
            }
        )
        cls.deal = cls.env["crm.lead"].create(
            {
                "name": "Needs Tour Deal",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "team_id": stage.team_id.id,
                "stage_id": stage.id,
                "user_id": cls.salesperson.id,
                "insurance_product_id": cls.product.id,
                "quote_ids": [
                    (0, 0, {"insurer_id": insurer_a.id, "premium": 800.0}),
                    (0, 0, {"insurer_id": insurer_b.id, "premium": 850.0}),
                ],
            }
        )
        cls.deal.quote_ids[:1].action_choose()
        if "insurance_recommendation" in cls.deal._fields:
            cls.deal.insurance_recommendation = "The cheapest full cover."

    def test_questionnaire_tour(self):
        self.start_tour(
            f"/odoo/crm.lead/{self.deal.id}",
            "insurance_questionnaire_tour",
            login=self.salesperson.login,
        )
        self.env.invalidate_all()  # the tour wrote through the server's cursor
        answers = self.deal.insurance_answer_ids
        self.assertEqual(
            answers.mapped("answer_display"),
            ["Yes", "Any driver", "12000", "Kept in a garage"],
        )
        self.assertTrue(all(answers.mapped("frozen")))
        offer = self.deal.message_ids.filtered(
            lambda message: self.client in message.partner_ids
        )
        self.assertEqual(len(offer), 1)
        self.assertEqual(offer.author_id, self.salesperson.partner_id)
