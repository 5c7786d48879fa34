from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import InsuranceCrmCommon

# "Today" of the analysis: a Monday.
TODAY = "2026-04-27 09:00:00"


@tagged("post_install", "-at_install")
class TestTaskReport(InsuranceCrmCommon):
    """The task analysis against a small book of tasks whose figures are
    worked out by hand below, and the lateness reason asked when a late task
    is marked done.

    Sam (salesman) has three tasks on a CASCO deal quoted by insurer A for
    an individual client:

    - T1 "Gather information" (cost 300): created 30 March, due 1 April,
      done 31 March: on time, 1 day to done;
    - T2 "Get the missing data" (cost 150): created 6 April, due 8 April,
      done 10 April, "Waiting for the insurer": 2 days late, 4 days to done;
    - T3 "Gather information": created 20 April, due 22 April, still open on
      27 April: late now.

    Sara (salesman_2) has one, on a deal of a company client whose policy is
    with insurer B:

    - T4 "Gather information": created 7 April, due 9 April, done 9 April:
      on time (the deadline day itself), 2 days to done.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gather = cls.env.ref(
            "insurance_broker_crm.mail_activity_type_gather_information"
        )
        cls.missing = cls.env.ref(
            "insurance_broker_crm.mail_activity_type_missing_data"
        )
        cls.gather.insurance_cost_standard = 300.0
        cls.missing.insurance_cost_standard = 150.0
        cls.reason_insurer = cls.env.ref("insurance_broker_crm.lateness_reason_insurer")
        cls.head_of_sales = new_test_user(
            cls.env,
            login="tasks_report_head",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Hugo Head",
        )
        cls.company_client = cls.env["res.partner"].create(
            {"name": "UAB Client", "is_company": True, "client_type": "company"}
        )
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {
                "name": "Sam's CASCO",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "team_id": cls.team_sales.id,
                "user_id": cls.salesman.id,
                "insurance_product_id": cls.product_casco.id,
            }
        )
        cls.env["insurance.quote"].create(
            {"lead_id": cls.lead_a.id, "insurer_id": cls.insurer_a.id, "premium": 800.0}
        ).action_choose()
        cls.lead_b = Lead.create(
            {
                "name": "Sara's CASCO",
                "type": "opportunity",
                "partner_id": cls.company_client.id,
                "team_id": cls.team_sales.id,
                "user_id": cls.salesman_2.id,
                "insurance_product_id": cls.product_casco.id,
                "policy_id": cls._create_policy(
                    partner_id=cls.company_client.id, insurer_id=cls.insurer_b.id
                ).id,
            }
        )

    def _task(self, lead, user, activity_type, created, deadline, summary):
        with freeze_time(created):
            task = self.env["mail.activity"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "user_id": user.id,
                    "date_deadline": deadline,
                }
            )
            self.env.flush_all()
        # The creation date is the database's clock, which freezegun does not stop.
        self.env.cr.execute(
            "UPDATE mail_activity SET create_date = %s WHERE id = %s",
            (created, task.id),
        )
        task.invalidate_recordset(["create_date"])
        return task

    def _done(self, task, user, when, reason=None):
        with freeze_time(when):
            if reason:
                task.with_user(user).write({"insurance_lateness_reason_id": reason.id})
            task.with_user(user).action_feedback(feedback="Done")
            self.env.flush_all()

    def _book(self):
        sam, sara = self.salesman, self.salesman_2
        t1 = self._task(
            self.lead_a, sam, self.gather, "2026-03-30 10:00", "2026-04-01", "T1"
        )
        t2 = self._task(
            self.lead_a, sam, self.missing, "2026-04-06 10:00", "2026-04-08", "T2"
        )
        t3 = self._task(
            self.lead_a, sam, self.gather, "2026-04-20 10:00", "2026-04-22", "T3"
        )
        t4 = self._task(
            self.lead_b, sara, self.gather, "2026-04-07 10:00", "2026-04-09", "T4"
        )
        self._done(t1, sam, "2026-03-31 15:00")
        self._done(t2, sam, "2026-04-10 15:00", reason=self.reason_insurer)
        self._done(t4, sara, "2026-04-09 17:00")
        return t1 | t2 | t3 | t4

    def _figures(self, tasks, groupby, user=None):
        """The analysis as the pivot asks it: {group: figures}."""
        report = self.env["insurance.task.report"]
        if user:
            report = report.with_user(user)
        rows = report.read_group(
            [("activity_id", "in", tasks.ids)],
            [
                "done_on_time:sum",
                "done_late:sum",
                "days_late:sum",
                "days_late_avg:avg",
                "days_to_done:avg",
                "cost:sum",
            ],
            [groupby],
            lazy=False,
        )
        result = {}
        for row in rows:
            key = row[groupby]
            if isinstance(key, tuple):
                key = key[0]
            result[key] = (
                row["__count"],
                row["done_on_time"],
                row["done_late"],
                row["days_late"] or 0,
                row["days_late_avg"] or 0.0,
                row["days_to_done"] or 0.0,
                row["cost"],
            )
        return result

    @freeze_time(TODAY)
    def test_figures_by_user_type_month_insurer_and_client_type(self):
        tasks = self._book()
        # (count, on time, late, days late, avg days late, avg days to done, cost)
        self.assertEqual(
            self._figures(tasks, "user_id"),
            {
                self.salesman.id: (3, 1, 1, 2, 2.0, 2.5, 450.0),
                self.salesman_2.id: (1, 1, 0, 0, 0.0, 2.0, 300.0),
            },
        )
        self.assertEqual(
            self._figures(tasks, "activity_type_id"),
            {
                self.gather.id: (3, 2, 0, 0, 0.0, 1.5, 600.0),
                self.missing.id: (1, 0, 1, 2, 2.0, 4.0, 150.0),
            },
        )
        # The month of a done task is its done date, of an open one its deadline.
        self.assertEqual(
            {
                month: figures[0]
                for month, figures in self._figures(tasks, "date:month").items()
            },
            {"March 2026": 1, "April 2026": 3},
        )
        self.assertEqual(
            self._figures(tasks, "insurer_id"),
            {
                self.insurer_a.id: (3, 1, 1, 2, 2.0, 2.5, 450.0),
                self.insurer_b.id: (1, 1, 0, 0, 0.0, 2.0, 300.0),
            },
        )
        self.assertEqual(
            {
                key: figures[0]
                for key, figures in self._figures(tasks, "client_type").items()
            },
            {"individual": 3, "company": 1},
        )
        report = self.env["insurance.task.report"].search(
            [("activity_id", "in", tasks.ids)]
        )
        t2_row = report.filtered(lambda row: row.summary == "T2")
        self.assertEqual(t2_row.lateness_reason_id, self.reason_insurer)
        self.assertEqual(t2_row.team_id, self.team_sales)
        self.assertEqual(t2_row.product_id, self.product_casco)

    @freeze_time(TODAY)
    def test_late_now_lists_the_open_tasks_past_their_deadline(self):
        tasks = self._book()
        action = self.env.ref(
            "insurance_broker_crm.insurance_task_report_action_late_now"
        )
        self.assertIn("search_default_late_now", action.context)
        # The "Late Now" filter's domain, evaluated on the frozen today.
        late_now = self.env["insurance.task.report"].search(
            [
                ("activity_id", "in", tasks.ids),
                ("state", "=", "open"),
                ("date_deadline", "<", "2026-04-27"),
            ]
        )
        self.assertEqual(late_now.mapped("summary"), ["T3"])
        self.assertEqual(late_now.user_id, self.salesman)
        # How late, today: T3 was due on 22 April; done tasks are not late now.
        report = self.env["insurance.task.report"].search(
            [("activity_id", "in", tasks.ids)]
        )
        self.assertEqual(
            {row.summary: row.days_overdue for row in report},
            {"T1": 0, "T2": 0, "T3": 5, "T4": 0},
        )
        # The list opened by the menu shows it, not the done tasks' columns.
        late_list = action.view_ids.filtered(lambda view: view.view_mode == "list")
        arch = self.env["insurance.task.report"].get_views(
            [(late_list.view_id.id, "list")]
        )["views"]["list"]["arch"]
        self.assertIn('name="days_overdue"', arch)
        self.assertNotIn('name="cost"', arch)
        # Its pivot counts them, by user and task type.
        late_pivot = action.view_ids.filtered(lambda view: view.view_mode == "pivot")
        pivot_arch = late_pivot.view_id.arch
        self.assertIn('name="task_count" type="measure"', pivot_arch)
        self.assertNotIn('name="cost"', pivot_arch)

    @freeze_time(TODAY)
    def test_a_salesperson_of_own_documents_sees_only_their_tasks(self):
        tasks = self._book()
        self.assertEqual(
            self._figures(tasks, "user_id", user=self.salesman_2),
            {self.salesman_2.id: (1, 1, 0, 0, 0.0, 2.0, 300.0)},
        )
        self.assertEqual(
            set(self._figures(tasks, "user_id", user=self.salesman)), {self.salesman.id}
        )
        for user in (self.head_of_sales, self.manager):
            self.assertEqual(
                set(self._figures(tasks, "user_id", user=user)),
                {self.salesman.id, self.salesman_2.id},
                user.login,
            )
        # An insurance user without the CRM's groups reads no task figures.
        with self.assertRaises(AccessError):
            self.env["insurance.task.report"].with_user(self.user_own).search([])

    def test_a_late_task_is_done_with_a_reason(self):
        task = self._task(
            self.lead_a,
            self.salesman,
            self.missing,
            "2026-04-06 10:00",
            "2026-04-08",
            "T2",
        )
        task = task.with_user(self.salesman)
        with freeze_time("2026-04-10 15:00"):
            self.assertTrue(task.insurance_late)
            with self.assertRaisesRegex(UserError, "is late .* lateness reason"):
                task.action_feedback(feedback="Called the insurer")
            self.assertTrue(task.active, "refused: the task stays open")
            # The task's dialog (the activity's pencil) asks for the reason.
            with Form(task, view="mail.mail_activity_view_form_popup") as form:
                form.insurance_lateness_reason_id = self.reason_insurer
                form.insurance_lateness_note = "The insurer answers on Friday"
            task.action_done()
            self.env.flush_all()
        self.assertFalse(task.active)
        self.assertEqual(task.insurance_lateness_reason_id, self.reason_insurer)
        self.assertEqual(task.insurance_lateness_note, "The insurer answers on Friday")
        self.assertTrue(task.insurance_done_late)
        self.assertEqual(task.insurance_days_late, 2)
        message = self.lead_a.message_ids[:1]
        self.assertIn(
            "Waiting for the insurer: The insurer answers on Friday", message.body
        )

    def test_a_task_on_time_needs_no_reason(self):
        task = self._task(
            self.lead_a,
            self.salesman,
            self.gather,
            "2026-04-07 10:00",
            "2026-04-09",
            "T",
        )
        task = task.with_user(self.salesman)
        with freeze_time("2026-04-09 18:00"):
            self.assertFalse(task.insurance_late)
            # The reason is not offered on a task on time.
            with Form(task, view="mail.mail_activity_view_form_popup") as form:
                with self.assertRaises(AssertionError):
                    form.insurance_lateness_reason_id = self.reason_insurer
            task.action_feedback(feedback="Done")
            self.env.flush_all()
        self.assertFalse(task.active)
        self.assertFalse(task.insurance_done_late)
        self.assertEqual(task.insurance_days_late, 0)

    def test_a_late_task_of_another_application_needs_no_reason(self):
        # A contact's to-do is done as Odoo does it: only the deals' tasks
        # are the broker's to account for.
        with freeze_time("2026-04-01 09:00"):
            task = self.client.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline="2026-04-02",
                user_id=self.salesman.id,
            )
        with freeze_time("2026-04-10 15:00"):
            task.action_feedback(feedback="Done")
        self.assertFalse(task.exists() and task.active)

    def test_a_stage_move_closes_a_late_stage_task_without_a_reason(self):
        with freeze_time("2026-03-02 09:00:00"):  # a Monday
            lead = self.env["crm.lead"].create(
                {
                    "name": "Late stage task",
                    "type": "opportunity",
                    "partner_id": self.client.id,
                    "team_id": self.team_sales.id,
                    "stage_id": self.stage["sales_gathering"].id,
                    "user_id": self.salesman.id,
                    "insurance_product_id": self.product_casco.id,
                }
            )
            self.env.flush_all()
        task = lead.activity_ids.filtered("insurance_stage_id")
        self.assertEqual(task.activity_type_id, self.gather)
        self.assertTrue(task.insurance_due_at)
        with freeze_time("2026-03-05 10:00:00"):  # the Thursday
            lead.with_user(self.salesman).write(
                {"stage_id": self.stage["sales_waiting"].id}
            )
            self.env.flush_all()
        self.assertFalse(task.active, "the stage's task is done with the move")
        self.assertTrue(task.insurance_done_late)
        self.assertEqual(task.insurance_days_late, 3)
        self.assertFalse(task.insurance_lateness_reason_id)
        row = self.env["insurance.task.report"].search([("activity_id", "=", task.id)])
        self.assertEqual((row.state, row.done_late, row.days_late), ("done", 1, 3))

    def test_lateness_recomputed_later_keeps_the_hour_it_was_done(self):
        """A task due at 14:00 and done at 10:00 the same day was on time,
        also when its lateness is computed again weeks later (an upgrade, a
        changed deadline): the moment it was done is kept, not only the day."""
        task = self._task(
            self.lead_a,
            self.salesman,
            self.gather,
            "2026-03-30 10:00",
            "2026-04-01",
            "T",
        )
        task.insurance_due_at = "2026-04-01 14:00:00"
        self._done(task, self.salesman, "2026-04-01 10:00:00")
        self.assertFalse(task.insurance_done_late)
        self.assertEqual(str(task.insurance_done_at), "2026-04-01 10:00:00")
        with freeze_time("2026-04-20 09:00:00"):
            field = task._fields["insurance_done_late"]
            self.env.add_to_compute(field, task)
            self.env.add_to_compute(task._fields["insurance_days_late"], task)
            task.flush_recordset()
            self.assertFalse(task.insurance_done_late)
            # Without the moment, the day is all there is: its end, late.
            task.insurance_done_at = False
            task.flush_recordset()
            self.assertTrue(task.insurance_done_late)
