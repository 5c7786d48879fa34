from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged


class RoleTourCommon(HttpCase):
    """The demo office (demo/insurance_crm_demo.xml) and a client of the
    demo salesperson Lukas, whose deals the other roles work on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.head_of_sales = ref("insurance_broker_crm.user_head_of_sales")
        cls.renewal_manager = ref("insurance_broker_crm.user_renewal_manager")
        cls.salesperson = ref("insurance_broker_crm.user_salesperson_lukas")
        cls.logistician = ref("insurance_broker_crm.user_logistician")
        cls.typist = ref("insurance_broker_crm.user_typist")
        cls.printer = ref("insurance_broker_crm.user_printer")
        cls.renewal_team = ref("insurance_broker_crm.team_insurance_renewal")
        cls.stage = {
            stage.insurance_stage_code: stage
            for stage in cls.env["crm.stage"].search(
                [("insurance_stage_code", "!=", False)]
            )
        }
        cls.insurer = cls.env["res.partner"].create(
            {"name": "Tour Role Insurer", "is_company": True, "is_insurer": True}
        )
        cls.product = cls.env["insurance.product"].create(
            {
                "name": "Tour Role CASCO",
                "code": "TOUR-ROLE-CASCO",
                "category": "casco",
                "default_term_months": 12,
            }
        )
        cls.env["insurance.commission.rule"].create(
            {"insurer_id": cls.insurer.id, "product_id": cls.product.id, "rate": 15.0}
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Tour Role Client",
                "client_type": "individual",
                "client_manager_id": cls.salesperson.id,
            }
        )

    def _renewal_deals(self, policy):
        return self.env["crm.lead"].search(
            [("policy_id", "=", policy.id), ("team_id", "=", self.renewal_team.id)]
        )


@tagged("post_install", "-at_install")
class TestLogisticianTour(RoleTourCommon):
    """The logistician's day in the browser, as the demo logistician: a deal
    handed over by Sales is typed, issued and delivered by courier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.date_start = fields.Date.today() + relativedelta(days=10)
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Tour Logistician CASCO",
                "type": "opportunity",
                "team_id": cls.env.ref("insurance_broker_crm.team_insurance_sales").id,
                "stage_id": cls.stage["sales_documents"].id,
                "user_id": cls.salesperson.id,
                "partner_id": cls.client.id,
                "insurance_product_id": cls.product.id,
                "insurance_date_start": cls.date_start,
                "insured_object": "Škoda Superb, plate TOUR 002",
                "delivery_type": "courier",
            }
        )
        cls.quote = cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer.id, "premium": 900}
        )
        cls.quote.action_choose()
        cls.lead.stage_id = cls.stage["sales_handed"]

    def test_logistician_delivers_the_policy(self):
        """Mindaugas picks the typist, moves the deal through Typing, Issued
        and Courier delivery and closes it Delivered: the policy is in force
        with its instalment, its renewal waits in the Renewal pipeline, and
        the deal carries no open task."""
        fulfilment = self.lead.continued_lead_ids
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_new"])
        self.assertEqual(fulfilment.user_id, self.logistician)

        self.start_tour(
            "/odoo", "insurance_logistician_tour", login=self.logistician.login
        )
        self.env.invalidate_all()  # the tour wrote through the server's cursor

        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_delivered"])
        self.assertEqual(fulfilment.probability, 100)
        self.assertEqual(fulfilment.typist_id, self.typist)
        self.assertEqual(fulfilment.courier_name, "Tour Courier")
        self.assertEqual(fulfilment.policy_number, "TOUR-LOG-0001")
        self.assertEqual(fulfilment.insurance_client_manager_id, self.salesperson)

        policy = fulfilment.policy_id
        self.assertEqual(policy.name, "TOUR-LOG-0001")
        self.assertEqual(policy.state, "active")
        self.assertEqual(policy.partner_id, self.client)
        self.assertEqual(policy.insurer_id, self.insurer)
        self.assertEqual(policy.premium, 900.0)
        self.assertEqual(policy.commission_amount, 135.0)
        self.assertEqual(policy.client_manager_id, self.salesperson)
        self.assertEqual(len(policy.installment_ids), 1)
        self.assertEqual(policy.installment_ids.date_due, self.date_start)
        self.assertEqual(policy.installment_ids.amount, 900.0)
        # The form showed him its number; the policy itself stays closed to
        # him, who is no insurance user.
        with self.assertRaises(AccessError):
            policy.with_user(self.logistician).read(["premium"])

        # One renewal deal, continuing the delivered one, for the head of sales.
        renewal = self._renewal_deals(policy)
        self.assertEqual(renewal, fulfilment.continued_lead_ids)
        self.assertEqual(renewal.stage_id, self.stage["renewal_year"])
        self.assertEqual(renewal.user_id, self.head_of_sales)
        self.assertEqual(
            renewal.insurance_date_start, policy.date_end + relativedelta(days=1)
        )

        # Each stage gave its task to its person and closed it when the deal
        # moved on: kept as done, nothing left open on the delivered deal.
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
            self.assertFalse(task.active, activity_type.name)
            self.assertTrue(task.date_done, activity_type.name)
        self.assertFalse(fulfilment.activity_ids)


@tagged("post_install", "-at_install")
class TestHeadOfSalesTour(RoleTourCommon):
    """The head of sales' day in the browser, as the demo head of sales: a
    renewal reaches its last month without a renewal manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        # Confirmed with three weeks left: its renewal deal is born in the
        # last month; Lukas, its client manager, is not in the renewal team,
        # so the head of sales is asked to assign a renewal manager.
        cls.policy = cls.env["insurance.policy"].create(
            {
                "name": "TOUR-HOS-0001",
                "partner_id": cls.client.id,
                "insurer_id": cls.insurer.id,
                "product_id": cls.product.id,
                "premium": 640.0,
                "date_start": today + relativedelta(days=21) - relativedelta(years=1),
                "term_months": 12,
                "client_manager_id": cls.salesperson.id,
            }
        )
        cls.policy.action_confirm()

    def _assign_tasks(self, deal):
        return deal.activity_ids.filtered(
            lambda task: task.summary == "Assign a renewal manager"
        )

    def test_head_of_sales_assigns_a_renewal_manager(self):
        """Daiva opens the renewal from her tasks, gives it to Giedrė, marks
        her task done and puts the deal into work: the deal is Giedrė's, in
        Take into work, with Giedrė's task to take the client into work."""
        deal = self._renewal_deals(self.policy)
        self.assertEqual(deal.stage_id, self.stage["renewal_month"])
        self.assertEqual(deal.user_id, self.head_of_sales)
        self.assertNotIn(self.salesperson, self.renewal_team.member_ids)
        self.assertIn(self.renewal_manager, self.renewal_team.member_ids)
        self.assertEqual(self._assign_tasks(deal).user_id, self.head_of_sales)

        self.start_tour(
            "/odoo", "insurance_head_of_sales_tour", login=self.head_of_sales.login
        )
        self.env.invalidate_all()

        self.assertEqual(deal.user_id, self.renewal_manager)
        self.assertEqual(deal.stage_id, self.stage["renewal_take"])
        self.assertFalse(self._assign_tasks(deal))
        done = self.env["mail.message"].search(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "=", deal.id),
                (
                    "mail_activity_type_id",
                    "=",
                    self.env.ref(
                        "insurance_broker_crm.mail_activity_type_assign_renewal_manager"
                    ).id,
                ),
                ("author_id", "=", self.head_of_sales.partner_id.id),
            ]
        )
        self.assertEqual(len(done), 1)
        self.assertIn("Given to Giedrė", str(done.body))
        self.assertEqual(
            deal.activity_ids.mapped("summary"), ["Take the client into work"]
        )
        self.assertEqual(deal.activity_ids.user_id, self.renewal_manager)
        self.assertEqual(self._renewal_deals(self.policy), deal)
