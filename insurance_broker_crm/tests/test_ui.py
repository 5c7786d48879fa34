from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmJourneyTour(HttpCase):
    """The whole way of a deal in the web client's kanban and form views:
    Sales › Fulfilment › Renewal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "sales_team.group_sale_salesman_all_leads"
        cls.logistician = new_test_user(
            cls.env, login="tour_logistician", groups=groups, name="Tour Logistician"
        )
        cls.typist = new_test_user(
            cls.env, login="tour_typist", groups=groups, name="Tour Typist"
        )
        cls.printer = new_test_user(
            cls.env, login="tour_printer", groups=groups, name="Tour Printer"
        )
        cls.head_of_sales = new_test_user(
            cls.env, login="tour_head_of_sales", groups=groups, name="Tour Head"
        )
        cls.env.company.write(
            {
                "insurance_logistician_id": cls.logistician.id,
                "insurance_printer_id": cls.printer.id,
            }
        )
        # The fulfilment staff work in the Fulfilment pipeline: the deal stays
        # in it when the automations make one of them responsible.
        cls.fulfilment_team = cls.env.ref(
            "insurance_broker_crm.team_insurance_fulfilment"
        )
        cls.fulfilment_team.write(
            {
                "user_id": cls.logistician.id,
                "member_ids": [
                    Command.link(cls.typist.id),
                    Command.link(cls.printer.id),
                ],
            }
        )
        cls.renewal_team = cls.env.ref("insurance_broker_crm.team_insurance_renewal")
        cls.renewal_team.user_id = cls.head_of_sales
        cls.stage = {
            stage.insurance_stage_code: stage
            for stage in cls.env["crm.stage"].search(
                [("insurance_stage_code", "!=", False)]
            )
        }

        cls.insurer, cls.other_insurer = cls.env["res.partner"].create(
            [
                {"name": "Tour Insurer", "is_company": True, "is_insurer": True},
                {"name": "Tour Rival", "is_company": True, "is_insurer": True},
            ]
        )
        cls.product = cls.env["insurance.product"].create(
            {
                "name": "Tour CASCO",
                "code": "TOUR-CASCO",
                "category": "casco",
                "default_term_months": 12,
            }
        )
        cls.env["insurance.commission.rule"].create(
            {"insurer_id": cls.insurer.id, "product_id": cls.product.id, "rate": 15.0}
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "Tour Client", "client_type": "individual"}
        )
        cls.date_start = fields.Date.today() + relativedelta(days=10)
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Tour Journey CASCO",
                "type": "opportunity",
                "team_id": cls.env.ref("insurance_broker_crm.team_insurance_sales").id,
                "stage_id": cls.stage["sales_documents"].id,
                "user_id": cls.env.ref("base.user_admin").id,
                "partner_id": cls.client.id,
                "insurance_product_id": cls.product.id,
                "insurance_date_start": cls.date_start,
                "insured_object": "Volvo XC40, plate TOUR 001",
            }
        )
        cls.quote, __ = cls.env["insurance.quote"].create(
            [
                {"lead_id": cls.lead.id, "insurer_id": cls.insurer.id, "premium": 1000},
                {
                    "lead_id": cls.lead.id,
                    "insurer_id": cls.other_insurer.id,
                    "premium": 1100,
                },
            ]
        )
        cls.quote.action_choose()

    def test_sales_fulfilment_renewal_journey_tour(self):
        """Hand the deal over, type, print and deliver its policy by courier
        in the web client: the policy is in force and its renewal waits in
        the Renewal pipeline."""
        self.start_tour("/odoo", "insurance_crm_journey_tour", login="admin")
        self.env.invalidate_all()  # the tour wrote through the server's environments

        self.assertEqual(self.lead.stage_id, self.stage["sales_handed"])
        self.assertEqual(self.lead.delivery_type, "courier")
        self.assertEqual(self.lead.probability, 100)
        fulfilment = self.lead.continued_lead_ids
        self.assertEqual(len(fulfilment), 1)
        self.assertEqual(fulfilment.origin_lead_id, self.lead)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_delivered"])
        self.assertEqual(fulfilment.typist_id, self.typist)
        self.assertEqual(fulfilment.courier_name, "Tour Courier")
        self.assertTrue(fulfilment.delivery_date)
        self.assertEqual(fulfilment.policy_number, "TOUR-CASCO-0001")

        policy = fulfilment.policy_id
        self.assertEqual(policy.state, "active")
        self.assertEqual(policy.name, "TOUR-CASCO-0001")
        self.assertEqual(policy.partner_id, self.client)
        self.assertEqual(policy.insurer_id, self.insurer)
        self.assertEqual(policy.product_id, self.product)
        self.assertEqual(policy.premium, 1000.0)
        self.assertEqual(policy.commission_amount, 150.0)
        self.assertEqual(policy.date_start, self.date_start)

        renewal = fulfilment.continued_lead_ids
        self.assertEqual(len(renewal), 1)
        self.assertEqual(renewal.origin_lead_id, fulfilment)
        self.assertEqual(renewal.team_id, self.renewal_team)
        self.assertEqual(renewal.stage_id, self.stage["renewal_year"])
        self.assertEqual(renewal.user_id, self.head_of_sales)
        self.assertEqual(renewal.policy_id, policy)
        self.assertEqual(
            renewal.insurance_date_start, policy.date_end + relativedelta(days=1)
        )

        # Each fulfilment stage gave its task to the right person.
        tasks = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", "crm.lead"), ("res_id", "=", fulfilment.id)])
        )
        for xmlid, user in (
            ("mail_activity_type_typing", self.typist),
            ("mail_activity_type_print_policy", self.printer),
            ("mail_activity_type_assign_courier", self.logistician),
        ):
            activity_type = self.env.ref(f"insurance_broker_crm.{xmlid}")
            task = tasks.filtered(lambda t, at=activity_type: t.activity_type_id == at)
            self.assertEqual(len(task), 1, activity_type.name)
            self.assertEqual(task.user_id, user, activity_type.name)
        self.assertEqual(fulfilment.user_id, self.logistician)
        self.assertEqual(fulfilment.team_id, self.fulfilment_team)
