from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    """The demo data's twelve months of history (insurance.demo.history)
    give every analysis meaningful figures over the last twelve months,
    which agree with the records themselves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["crm.lead"])
        cls.since = cls.today - relativedelta(months=12)
        cls.sellers = (
            cls.env.ref("insurance_broker_crm.user_salesperson_lukas")
            | cls.env.ref("insurance_broker_crm.user_salesperson_emma")
            | cls.env.ref("insurance_broker_crm.user_salesperson_all")
        )

    def _sum(self, model, domain, fnames, groupby=()):
        return self.env[model]._read_group(
            domain, list(groupby), [f"{fname}:sum" for fname in fnames]
        )

    def test_tasks(self):
        done = [("state", "=", "done"), ("date", ">=", self.since)]
        [(on_time, late, days_late)] = self._sum(
            "insurance.task.report", done, ["done_on_time", "done_late", "days_late"]
        )
        self.assertGreater(on_time, late, "most tasks are done on time")
        self.assertGreater(late, 0)
        self.assertGreater(days_late, 0)
        Activity = self.env["mail.activity"].with_context(active_test=False)
        done_tasks = [
            ("res_model", "=", "crm.lead"),
            ("active", "=", False),
            ("date_done", ">=", self.since),
        ]
        self.assertEqual(
            Activity.search_count(done_tasks + [("insurance_done_late", "=", True)]),
            late,
        )
        self.assertEqual(
            Activity.search_count(done_tasks + [("insurance_done_late", "=", False)]),
            on_time,
        )
        # Late ones closed by their assignee say why.
        self.assertTrue(
            Activity.search_count(
                done_tasks
                + [
                    ("insurance_done_late", "=", True),
                    ("insurance_lateness_reason_id", "!=", False),
                ]
            )
        )
        # Done on time means done before the deadline: a few days at most.
        [(days_to_done,)] = self.env["insurance.task.report"]._read_group(
            done, [], ["days_to_done:avg"]
        )
        self.assertTrue(0 <= days_to_done < 5, days_to_done)
        overdue = self.env["insurance.task.report"].search_count(
            [("state", "=", "open"), ("date_deadline", "<", self.today)]
        )
        self.assertGreater(overdue, 0, "some tasks are late now")
        self.assertEqual(
            Activity.search_count(
                [
                    ("res_model", "=", "crm.lead"),
                    ("active", "=", True),
                    ("date_deadline", "<", self.today),
                ]
            ),
            overdue,
        )
        self.assertTrue(
            Activity.search_count(
                [("res_model", "=", "crm.lead"), ("date_deadline", ">=", self.today)]
            ),
            "some tasks are still to do",
        )

    def test_funnel(self):
        Funnel = self.env["insurance.funnel.report"]
        for code in (
            "sales_gathering",
            "sales_waiting",
            "sales_deciding",
            "sales_documents",
            "fulfilment_typing",
            "fulfilment_issued",
            "renewal_take",
        ):
            rows = [
                ("stage_id.insurance_stage_code", "=", code),
                ("date_entered", ">=", self.since),
            ]
            [(entries, moved_on)] = self._sum(
                "insurance.funnel.report", rows, ["entry_count", "moved_on_count"]
            )
            self.assertGreater(moved_on, 0, code)
            self.assertGreater(entries, moved_on, f"{code}: some deals stop there")
            [(days,)] = Funnel._read_group(rows, [], ["days_in_stage:avg"])
            self.assertTrue(0 < days < 15, f"{code}: {days} days in the stage")
        lost = Funnel.search([("lost_reason_id", "!=", False)])
        self.assertTrue(lost)
        Lead = self.env["crm.lead"].with_context(active_test=False)
        refused = Lead.search(
            [
                ("stage_id.insurance_stage_code", "=", "sales_refused"),
                ("lost_reason_id", "!=", False),
                # the history's (the crm demo's deals are created today)
                ("create_date", ">=", self.since),
                ("create_date", "<", self.today - relativedelta(days=2)),
            ]
        )
        self.assertGreater(len(refused), 5)
        self.assertLessEqual(refused, lost.lead_id)
        # Each refused deal went on in Lost, to be won back.
        self.assertEqual(
            Lead.search_count(
                [
                    ("origin_lead_id", "in", refused.ids),
                    ("stage_id.insurance_stage_code", "=", "lost_win_back"),
                ]
            ),
            len(refused),
        )

    def test_production(self):
        produced = [
            ("is_target", "=", False),
            ("date", ">=", self.since.replace(day=1) + relativedelta(months=1)),
            ("date", "<=", self.today),
        ]
        months = self._sum(
            "insurance.production.report",
            produced,
            ["policy_count", "premium", "new_client_count"],
            ["date:month"],
        )
        busy = [month for month, count, premium, __ in months if count and premium]
        self.assertGreaterEqual(len(busy), 10, months)
        self.assertGreater(sum(new for *__, new in months), 5)
        policies = (
            self.env["insurance.policy"]
            .search(
                [
                    ("state", "!=", "draft"),
                    (
                        "date_start",
                        ">=",
                        self.since.replace(day=1) + relativedelta(months=1),
                    ),
                    ("date_start", "<=", self.today),
                ]
            )
            .filtered(
                lambda policy: (
                    not (
                        policy.state == "cancelled"
                        and policy.cancel_date
                        and policy.cancel_date <= policy.date_start
                    )
                )
            )
        )
        self.assertEqual(sum(count for __, count, *___ in months), len(policies))
        types = set(policies.mapped("business_type"))
        self.assertIn("new", types)
        self.assertIn("renewal", types)

    def test_retention(self):
        due = [("date", ">=", self.since), ("date", "<", self.today)]
        [(due_count, renewed)] = self._sum(
            "insurance.retention.report", due, ["due_count", "renewed_count"]
        )
        self.assertGreater(renewed, 0)
        self.assertGreater(due_count, renewed, "some policies were not renewed")
        Policy = self.env["insurance.policy"]
        ended = [("date_end", ">=", self.since), ("date_end", "<", self.today)]
        self.assertEqual(
            Policy.search_count(ended + [("state", "=", "renewed")]), renewed
        )
        self.assertTrue(Policy.search_count(ended + [("state", "=", "expired")]))
        # Some renewed with another insurer.
        self.assertTrue(
            self.env["insurance.retention.report"].search_count(
                due + [("renewed", "=", True), ("same_insurer", "=", False)]
            )
        )

    def test_efficiency(self):
        rows = self._sum(
            "insurance.efficiency.report",
            [("date", ">=", self.since), ("user_id", "in", self.sellers.ids)],
            ["commission", "task_cost"],
            ["user_id"],
        )
        self.assertEqual(
            self.env["res.users"].union(*(user for user, *__ in rows)), self.sellers
        )
        for user, commission, task_cost in rows:
            self.assertGreater(commission, 0, user.name)
            self.assertGreater(task_cost, 0, user.name)
            self.assertTrue(
                self.env["mail.activity"]
                .with_context(active_test=False)
                .search_count(
                    [
                        ("user_id", "=", user.id),
                        ("active", "=", False),
                        ("date_done", ">=", self.since),
                    ]
                ),
                user.name,
            )

    def test_targets(self):
        Target = self.env["insurance.sales.target"]
        this_month = self.today.replace(day=1)
        for seller in self.sellers:
            months = Target.search([("user_id", "=", seller.id)]).mapped("date")
            self.assertIn(this_month, months)
            self.assertIn(this_month + relativedelta(months=1), months)
            self.assertIn(this_month - relativedelta(months=11), months)
        rows = self._sum(
            "insurance.production.report",
            [
                ("client_manager_id", "in", self.sellers.ids),
                ("date", ">=", this_month - relativedelta(months=11)),
                ("date", "<", this_month),
            ],
            [
                "policy_count",
                "target_policy_count",
                "commission_amount",
                "target_commission",
            ],
            ["client_manager_id"],
        )
        self.assertEqual(len(rows), 3)
        for seller, count, target, commission, target_commission in rows:
            # Completion near what they are asked to sell.
            self.assertTrue(0.5 < count / target < 2, (seller.name, count, target))
            self.assertTrue(
                0.4 < commission / target_commission < 2.5,
                (seller.name, commission, target_commission),
            )
