from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import InsuranceCrmCommon

PIPELINE_MENUS = [
    "insurance_broker_crm.menu_insurance_pipeline_sales",
    "insurance_broker_crm.menu_insurance_pipeline_fulfilment",
    "insurance_broker_crm.menu_insurance_pipeline_renewal",
    "insurance_broker_crm.menu_insurance_pipeline_lost",
]


@tagged("post_install", "-at_install")
class TestPipelineMenus(InsuranceCrmCommon):
    """Insurance › Pipelines opens the broker's four boards, for those who
    work on deals only."""

    def _visible(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_pipelines_one_click_away_for_deal_workers(self):
        for login in ("lukas.vaitkus", "mindaugas.navickas", "giedre.stankeviciene"):
            user = self.env["res.users"].search([("login", "=", login)])
            visible = self._visible(user)
            with self.subTest(login=login):
                self.assertIn(
                    self.env.ref("insurance_broker.menu_insurance_root").id, visible
                )
                for xmlid in PIPELINE_MENUS:
                    self.assertIn(self.env.ref(xmlid).id, visible, xmlid)

    def test_logistician_sees_no_policy_menu(self):
        """The fulfilment staff open the Insurance app for its pipelines only:
        the lists of policies and instalments they may not read stay hidden."""
        logistician = self.env["res.users"].search(
            [("login", "=", "mindaugas.navickas")]
        )
        visible = self._visible(logistician)
        for xmlid in (
            "insurance_broker.menu_insurance_policy",
            "insurance_broker.menu_insurance_policy_expiring",
            "insurance_broker.menu_insurance_installment",
            "insurance_broker.menu_insurance_configuration",
        ):
            self.assertNotIn(self.env.ref(xmlid).id, visible, xmlid)

    def test_no_pipelines_for_who_works_on_no_deal(self):
        auditor = self.env.ref("insurance_broker.user_auditor")
        employee = new_test_user(
            self.env, login="plain_employee", groups="base.group_user"
        )
        pipelines = self.env.ref("insurance_broker_crm.menu_insurance_pipelines").id
        self.assertIn(
            self.env.ref("insurance_broker.menu_insurance_policy").id,
            self._visible(auditor),
        )
        self.assertNotIn(pipelines, self._visible(auditor))
        self.assertNotIn(pipelines, self._visible(employee))
        self.assertNotIn(
            self.env.ref("insurance_broker.menu_insurance_root").id,
            self._visible(employee),
        )

    def test_pipeline_actions_open_kanban_of_their_team(self):
        for code in ("sales", "fulfilment", "renewal", "lost"):
            action = self.env.ref(
                f"insurance_broker_crm.crm_lead_action_insurance_{code}"
            )
            team = self.env.ref(f"insurance_broker_crm.team_insurance_{code}")
            with self.subTest(code=code):
                self.assertEqual(
                    [view_mode for _view, view_mode in action.views][:5],
                    ["kanban", "list", "calendar", "pivot", "graph"],
                )
                self.assertEqual(safe_eval(action.domain), [("team_id", "=", team.id)])
                self.assertEqual(safe_eval(action.context)["default_team_id"], team.id)


@tagged("post_install", "-at_install")
class TestPipelineFilters(InsuranceCrmCommon):
    """The filters each role starts its day from: "My deals", "My tasks
    today" (my tasks due today or earlier) and "Late" (a task past its
    deadline, whoever's)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = new_test_user(
            cls.env,
            login="pipeline_worker",
            groups="sales_team.group_sale_salesman_all_leads",
            tz="Europe/Vilnius",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="pipeline_colleague",
            groups="sales_team.group_sale_salesman_all_leads",
            tz="Europe/Vilnius",
        )
        # The worker's day (Vilnius), not the test environment's (UTC): from
        # 22:00 UTC (midnight in Vilnius) they differ, and Odoo's overdue
        # (activity_state, in the assignee's time zone) would count a task
        # due on the UTC day as late.
        cls.today = fields.Date.context_today(cls.worker.with_context(tz=cls.worker.tz))
        day = timedelta(days=1)

        def deal(name, user, deadline, activity_user, typist=None):
            lead = cls.env["crm.lead"].create(
                {
                    "name": name,
                    "type": "opportunity",
                    "team_id": cls.team_sales.id,
                    "user_id": user.id,
                    "typist_id": typist and typist.id,
                }
            )
            # Only the task set here: not the one the stage's automation gives.
            lead.activity_ids.unlink()
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=deadline,
                user_id=activity_user.id,
            )
            return lead

        cls.mine_late = deal("Mine, late", cls.worker, cls.today - day, cls.worker)
        cls.mine_today = deal("Mine, today", cls.worker, cls.today, cls.worker)
        cls.mine_later = deal(
            "Mine, later", cls.worker, cls.today + 3 * day, cls.worker
        )
        cls.typed_late = deal(
            "Typed by me, colleague late",
            cls.colleague,
            cls.today - 2 * day,
            cls.colleague,
            typist=cls.worker,
        )
        cls.done_task = deal(
            "Colleague's, my task done", cls.colleague, cls.today - 2 * day, cls.worker
        )
        # Done two days late: with the reason a late task is done with.
        cls.done_task.activity_ids.insurance_lateness_reason_id = cls.env.ref(
            "insurance_broker_crm.lateness_reason_workload"
        )
        cls.done_task.activity_ids.action_feedback(feedback="Done")
        cls.deals = (
            cls.mine_late
            + cls.mine_today
            + cls.mine_later
            + cls.typed_late
            + cls.done_task
        )

    def _filter(self, name):
        """The deals the named filter of the pipelines' search view leaves, as
        the worker, evaluated as the web client does."""
        action = self.env.ref("insurance_broker_crm.crm_lead_action_insurance_sales")
        Lead = self.env["crm.lead"].with_user(self.worker)
        arch = Lead.get_views([(action.search_view_id.id, "search")])["views"][
            "search"
        ]["arch"]
        [node] = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
        domain = safe_eval(
            node.get("domain"),
            {"uid": self.worker.id, "context_today": lambda: self.today},
        )
        return Lead.search(domain + [("id", "in", self.deals.ids)])

    def test_my_deals(self):
        self.assertEqual(
            self._filter("insurance_my_deals"),
            self.mine_late + self.mine_today + self.mine_later + self.typed_late,
        )

    def test_my_tasks_today(self):
        self.assertEqual(
            self._filter("insurance_my_tasks_today"), self.mine_late + self.mine_today
        )

    def test_late(self):
        self.assertEqual(
            self._filter("insurance_late"), self.mine_late + self.typed_late
        )
