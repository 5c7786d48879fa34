from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import InsuranceCrmCommon

# A Monday, 09:00 UTC: inside the standard 40-hour working week.
MONDAY_9 = "2026-03-02 09:00:00"


@tagged("post_install", "-at_install")
class TestStageTasks(InsuranceCrmCommon):
    """The automatic task of a stage is closed when the deal leaves the
    stage: done (kept, with its date) when the deal moves on, cancelled when
    it goes back or is lost; the tasks users schedule themselves stay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "sales_team.group_sale_salesman_all_leads"
        cls.logistician = new_test_user(
            cls.env, login="tasks_logistician", groups=groups, tz="UTC"
        )
        cls.typist = new_test_user(cls.env, login="tasks_typist", groups=groups)
        cls.printer = new_test_user(cls.env, login="tasks_printer", groups=groups)
        cls.retyping = new_test_user(cls.env, login="tasks_retyping", groups=groups)
        cls.head_of_sales = new_test_user(
            cls.env, login="tasks_head_of_sales", groups=groups
        )
        cls.env.company.write(
            {
                "insurance_logistician_id": cls.logistician.id,
                "insurance_printer_id": cls.printer.id,
                "insurance_retyping_user_id": cls.retyping.id,
            }
        )
        cls.renewal_team = cls.env.ref("insurance_broker_crm.team_insurance_renewal")
        cls.renewal_team.user_id = cls.head_of_sales
        cls.quote = cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_a.id, "premium": 800.0}
        )
        cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_b.id, "premium": 850.0}
        )
        cls.quote.action_choose()

    def _type(self, name):
        return self.env.ref(f"insurance_broker_crm.mail_activity_type_{name}")

    def _tasks(self, lead, active=True):
        """The open (or done) tasks of ``lead``, oldest first."""
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "=", lead.id),
                    ("active", "=", active),
                ],
                order="id",
            )
        )

    def _move(self, lead, user, stage, **values):
        lead.with_user(user).write({"stage_id": self.stage[stage].id, **values})

    def _fulfilment_deal(self):
        """The deal handed over by the salesman, in Fulfilment › New."""
        self._move(self.lead, self.salesman, "sales_handed", delivery_type="courier")
        return self.lead.continued_lead_ids

    def _issued(self):
        deal = self._fulfilment_deal()
        self._move(
            deal, self.logistician, "fulfilment_typing", typist_id=self.typist.id
        )
        self._move(deal, self.typist, "fulfilment_issued")
        return deal

    @freeze_time(MONDAY_9)
    def test_a_deal_carries_one_open_task_at_a_time(self):
        lead = self.lead
        today = date(2026, 3, 2)
        self.assertEqual(
            self._tasks(lead).activity_type_id, self._type("gather_information")
        )
        done_types = []
        for stage, values, done_type, open_type in [
            ("sales_waiting", {}, "gather_information", "missing_data"),
            ("sales_deciding", {}, "missing_data", "next_contact"),
            (
                "sales_documents",
                {"next_contact_date": "2026-03-05", "waiting_reason": "Compares"},
                "next_contact",
                "upload_documents",
            ),
            ("sales_handed", {"delivery_type": "courier"}, "upload_documents", None),
        ]:
            self._move(lead, self.salesman, stage, **values)
            done_types.append(self._type(done_type))
            open_tasks = self._tasks(lead)
            self.assertEqual(
                open_tasks.activity_type_id,
                self._type(open_type) if open_type else self.env["mail.activity.type"],
                stage,
            )
            done = self._tasks(lead, active=False)
            self.assertEqual(done.activity_type_id.ids, [t.id for t in done_types])
            self.assertEqual(set(done.mapped("date_done")), {today})
            self.assertEqual(done.user_id, self.salesman)

        # Fulfilment: one task at a time, each for the person of its stage.
        deal = self.lead.continued_lead_ids
        for stage, values, task_type, assignee in [
            ("fulfilment_typing", {"typist_id": self.typist.id}, "typing", self.typist),
            ("fulfilment_issued", {}, "print_policy", self.printer),
            (
                "fulfilment_courier",
                {"delivery_date": "2026-03-04 10:00:00", "courier_name": "Ona"},
                "assign_courier",
                self.logistician,
            ),
        ]:
            self._move(deal, self.logistician, stage, **values)
            task = self._tasks(deal)
            self.assertEqual(task.activity_type_id, self._type(task_type), stage)
            self.assertEqual(task.user_id, assignee)
        self._move(deal, self.logistician, "fulfilment_delivered", policy_number="P-1")
        self.assertFalse(self._tasks(deal), "a delivered deal has no open task")
        done = self._tasks(deal, active=False)
        self.assertEqual(
            [(task.activity_type_id, task.user_id) for task in done],
            [
                (self._type("typing"), self.typist),
                (self._type("print_policy"), self.printer),
                (self._type("assign_courier"), self.logistician),
            ],
        )
        self.assertEqual(set(done.mapped("date_done")), {today})
        # The chatter says the task was done and why.
        note = deal.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self._type("typing")
        )
        self.assertIn("The deal moved on to Issued.", str(note.body))

    def test_moved_back_the_task_is_cancelled(self):
        deal = self._issued()
        typing = self._tasks(deal, active=False)
        self.assertEqual(typing.activity_type_id, self._type("typing"))
        self.assertEqual(self._tasks(deal).activity_type_id, self._type("print_policy"))
        # The printer sends it back to typing: the printing was not done.
        self._move(deal, self.printer, "fulfilment_typing")
        all_tasks = self._tasks(deal) | self._tasks(deal, active=False)
        self.assertNotIn(self._type("print_policy"), all_tasks.activity_type_id)
        self.assertEqual(self._tasks(deal, active=False), typing)
        self.assertEqual(self._tasks(deal).activity_type_id, self._type("typing"))
        self.assertEqual(self._tasks(deal).user_id, self.typist)

    def test_re_typing_done_when_the_deal_goes_back_to_issued(self):
        deal = self._issued()
        self._move(deal, self.printer, "fulfilment_retyping")
        self.assertEqual(
            self._tasks(deal).activity_type_id, self._type("redo_documents")
        )
        # Redone: back to Issued, which is earlier in the pipeline.
        self._move(deal, self.retyping, "fulfilment_issued")
        self.assertEqual(
            self._tasks(deal, active=False).activity_type_id.ids,
            [
                self._type("typing").id,
                self._type("print_policy").id,
                self._type("redo_documents").id,
            ],
        )
        self.assertEqual(self._tasks(deal).activity_type_id, self._type("print_policy"))

    def test_refused_or_lost_the_task_is_cancelled(self):
        self._move(self.lead, self.salesman, "sales_waiting")
        other = self.env["crm.lead"].create(
            {
                "name": "MTPL for Jonas",
                "type": "opportunity",
                "partner_id": self.client.id,
                "team_id": self.team_sales.id,
                "stage_id": self.stage["sales_gathering"].id,
                "user_id": self.salesman.id,
            }
        )
        self.assertEqual(
            self._tasks(other).activity_type_id, self._type("gather_information")
        )
        reason = self.env.ref("crm.lost_reason_1")
        self._move(self.lead, self.salesman, "sales_refused", lost_reason_id=reason.id)
        other.with_user(self.salesman).action_set_lost(lost_reason_id=reason.id)
        for lead, done in [
            (self.lead, self._type("gather_information")),
            (other, self.env["mail.activity.type"]),
        ]:
            self.assertFalse(lead.active)
            self.assertFalse(self._tasks(lead))
            # Only the work done before is kept: the task of the stage the
            # deal was refused or lost in is not counted as done.
            self.assertEqual(self._tasks(lead, active=False).activity_type_id, done)

    def test_a_task_scheduled_by_hand_stays_open(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        by_hand = (
            self.env["mail.activity"]
            .with_user(self.salesman)
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": self.lead.id,
                    "activity_type_id": todo.id,
                    "summary": "Send the client the brochure",
                    "user_id": self.salesman.id,
                }
            )
        )
        self._move(self.lead, self.salesman, "sales_waiting")
        self.assertIn(by_hand, self._tasks(self.lead))
        self.assertEqual(
            self._tasks(self.lead, active=False).activity_type_id,
            self._type("gather_information"),
        )
        self._move(self.lead, self.salesman, "sales_gathering")  # back again
        self.assertIn(by_hand, self._tasks(self.lead))

    # Renewal buckets ----------------------------------------------------

    def _renewal_lead(self, date_start, stage="renewal_year"):
        policy = self._create_policy(date_start=date_start)
        policy.with_context(insurance_renewal_deal_by_pipeline=True).action_confirm()
        lead = self.env["crm.lead"].create(
            {
                "name": f"Renew {policy.name}",
                "type": "opportunity",
                "partner_id": self.client.id,
                "team_id": self.renewal_team.id,
                "stage_id": self.stage[stage].id,
                "user_id": self.head_of_sales.id,
                "policy_id": policy.id,
                "insurance_client_manager_id": self.salesman.id,
            }
        )
        self._flush_tracking()
        return lead

    @freeze_time("2026-06-01")
    def test_the_bucket_cron_closes_the_bucket_task(self):
        """A task given in a bucket (an administrator's automation, say) is
        done when the renewal-bucket cron moves the deal on."""
        lead = self._renewal_lead("2025-12-01")  # renewed in six months
        fleet_call = self.env["mail.activity.type"].create(
            {"name": "Ask about the fleet", "res_model": "crm.lead", "keep_done": True}
        )
        task = lead.activity_schedule(
            activity_type_id=fleet_call.id, user_id=self.head_of_sales.id
        )
        self.assertEqual(task.insurance_stage_id, self.stage["renewal_year"])
        self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 1)
        self.assertEqual(lead.stage_id, self.stage["renewal_6_months"])
        self.assertFalse(task.active)
        self.assertEqual(task.date_done, fields.Date.today())

    @freeze_time("2026-06-01")
    def test_the_bucket_cron_costs_the_same_for_more_deals(self):
        """Closing the tasks of the buckets left, and the stage notes, cost
        the cron a query per batch, not per deal."""

        def run(count):
            for __ in range(count):
                self._renewal_lead("2025-12-01")
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), count)
            return self.env.cr.sql_log_count - before

        run(1)  # warms the caches
        self.assertEqual(run(6), run(2))
