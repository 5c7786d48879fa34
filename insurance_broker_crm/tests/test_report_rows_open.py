from lxml import etree

from odoo.tests import tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestReportRowsOpen(InsuranceCrmCommon):
    """A click on a row of an analysis's list opens what the row counts: the
    deal of a task or of a stage entry, the policy of a production,
    retention or commission row."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._create_policy(confirm=True, client_manager_id=cls.salesman.id)
        cls.lead.policy_id = cls.policy
        cls.task = cls.lead.activity_schedule(
            "insurance_broker_crm.mail_activity_type_gather_information",
            user_id=cls.salesman.id,
        )
        cls.task.with_context(insurance_lateness_auto=True).action_feedback("Done")

    def _row_action(self, model, domain, list_view):
        """The action a click on the row opens, as the web client asks for
        it: the list's ``action`` method called on the row."""
        arch = self.env[model].get_views([(self.env.ref(list_view).id, "list")])
        node = etree.fromstring(arch["views"]["list"]["arch"])
        self.assertEqual(node.get("type"), "object")
        [row] = self.env[model].search(domain)
        return getattr(row, node.get("action"))()

    def _assertOpens(self, action, record):
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(
            (action["res_model"], action["res_id"]), (record._name, record.id)
        )
        views = action.get("views") or [(False, action.get("view_mode"))]
        self.assertEqual(views[0][1], "form")

    def test_task_rows_open_the_deal(self):
        for view in ("view_list", "view_list_late"):
            action = self._row_action(
                "insurance.task.report",
                [("activity_id", "=", self.task.id)],
                f"insurance_broker_crm.insurance_task_report_{view}",
            )
            self._assertOpens(action, self.lead)

    def test_a_task_on_a_deal_one_may_not_read_opens_the_task(self):
        """Sara's task on Sam's deal, which she may not open: her row opens
        the task, as Odoo's activity views do."""
        task = self.lead.activity_schedule(
            "insurance_broker_crm.mail_activity_type_gather_information",
            user_id=self.salesman_2.id,
        )
        self.assertFalse(self.lead.with_user(self.salesman_2).has_access("read"))
        [row] = (
            self.env["insurance.task.report"]
            .with_user(self.salesman_2)
            .search([("activity_id", "=", task.id)])
        )
        self._assertOpens(row.action_open_deal(), task)

    def test_funnel_rows_open_the_deal(self):
        action = self._row_action(
            "insurance.funnel.report",
            [("lead_id", "=", self.lead.id)],
            "insurance_broker_crm.insurance_funnel_report_view_list",
        )
        self._assertOpens(action, self.lead)

    def test_efficiency_rows_open_the_deal_or_the_policy(self):
        view = "insurance_broker_crm.insurance_efficiency_report_view_list"
        task_row = self._row_action(
            "insurance.efficiency.report",
            [("lead_id", "=", self.lead.id), ("task_count", "=", 1)],
            view,
        )
        self._assertOpens(task_row, self.lead)
        policy_row = self._row_action(
            "insurance.efficiency.report",
            [("policy_id", "=", self.policy.id), ("policy_count", "=", 1)],
            view,
        )
        self._assertOpens(policy_row, self.policy)

    def test_production_and_retention_rows_open_the_policy(self):
        for report in ("production", "retention"):
            action = self._row_action(
                f"insurance.{report}.report",
                [("policy_id", "=", self.policy.id)],
                f"insurance_broker.insurance_{report}_report_view_list",
            )
            self._assertOpens(action, self.policy)

    def test_a_target_row_opens_nothing(self):
        self.env["insurance.sales.target"].create(
            {"user_id": self.salesman.id, "date": "2026-03-01", "target_premium": 1.0}
        )
        [target] = self.env["insurance.production.report"].search(
            [("is_target", "=", True), ("client_manager_id", "=", self.salesman.id)]
        )
        self.assertFalse(target.action_open_policy())
