from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import InsuranceCommon
from .common_report import ReportCommon

FIELDS = [
    "policy_count:sum",
    "premium:sum",
    "commission_amount:sum",
    "new_client_count:sum",
    "target_policy_count:sum",
    "target_premium:sum",
]
# "Last 12 Months" on 15 June 2026.
LAST_12_MONTHS = [("date", ">=", "2025-07-01"), ("date", "<", "2026-07-01")]


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestProductionReport(ReportCommon):
    """The production analysis, as the pivot reads it, on a small book whose
    figures are worked out by hand below.

    Commission: Alpha 10 % on everything, 15 % on new CASCO, 12.5 % on
    renewed CASCO; Beta has no rule (no commission).

    ==  ======  =======  ======  ==========  ======  =======  ==========
        client  insurer  prod.   type        start   premium  commission
    ==  ======  =======  ======  ==========  ======  =======  ==========
    P0  Jonas2  Alpha    CASCO   new         2025-05   800    120 (out)
    P1  Jonas   Alpha    CASCO   new         2026-04  1000    150
    P7  Vida    Beta     CASCO   new         2026-04   500      0 cancelled 05-01
    P3  Jonas2  Alpha    MTPL    new         2026-04   600     60
    P2  Jonas   Beta     MTPL    cross-sell  2026-05   400      0
    P4  Jonas2  Alpha    CASCO   renewal P0  2026-05   900    112.5
    P5  Vida    Alpha    MTPL    draft       2026-05   (not produced)
    P6  Vida    Alpha    MTPL    cancelled on its start date (never in force)
    ==  ======  =======  ======  ==========  ======  =======  ==========

    Jonas and Vida are Olga's clients, Jonas2 is Otto's.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-06-15"):
            cls._create_book()

    @classmethod
    def _create_book(cls):
        mtpl = cls.product_mtpl.id
        beta = cls.insurer_b.id
        cls.p0 = cls._create_policy(
            confirm=True,
            partner_id=cls.client_otto.id,
            date_start="2025-05-01",
            premium=800.0,
        )
        cls.p1 = cls._create_policy(
            confirm=True, date_start="2026-04-10", premium=1000.0
        )
        cls.p7 = cls._create_policy(
            confirm=True,
            partner_id=cls.client_vida.id,
            insurer_id=beta,
            date_start="2026-04-01",
            premium=500.0,
        )
        cls.p7._cancel("Car sold", "2026-05-01")
        cls.p3 = cls._create_policy(
            confirm=True,
            partner_id=cls.client_otto.id,
            product_id=mtpl,
            date_start="2026-04-20",
            premium=600.0,
        )
        cls.p2 = cls._create_policy(
            confirm=True,
            insurer_id=beta,
            product_id=mtpl,
            business_type="cross_sale",
            date_start="2026-05-05",
            premium=400.0,
        )
        cls.p4 = cls.p0._create_successors({"premium": 900.0})
        cls.p4.name = "POL-RENEWED-P0"
        cls.p4.action_confirm()
        cls.p5 = cls._create_policy(
            partner_id=cls.client_vida.id,
            product_id=mtpl,
            date_start="2026-05-10",
        )
        cls.p6 = cls._create_policy(
            confirm=True,
            partner_id=cls.client_vida.id,
            product_id=mtpl,
            date_start="2026-05-10",
        )
        cls.p6._cancel("Mistake", "2026-05-10")
        cls.env["insurance.sales.target"].create(
            [
                {
                    "user_id": cls.user_own.id,
                    "date": "2026-04-01",
                    "target_policy_count": 3,
                    "target_premium": 2000.0,
                },
                {
                    # Any day of the month is the month's target.
                    "user_id": cls.user_own.id,
                    "date": "2026-05-17",
                    "target_policy_count": 2,
                    "target_premium": 1000.0,
                },
                {
                    "user_id": cls.user_own_2.id,
                    "date": "2026-05-01",
                    "target_policy_count": 1,
                    "target_premium": 500.0,
                },
            ]
        )

    def _pivot(self, user=None, domain=(), groupby=("client_manager_id", "date:month")):
        groups = self._read_pivot(
            "insurance.production.report",
            LAST_12_MONTHS + list(domain),
            FIELDS,
            groupby,
            user=user,
        )
        return {
            key: tuple(measures[name.split(":")[0]] for name in FIELDS)
            for key, measures in groups.items()
        }

    def test_policies_premium_commission_and_targets_by_manager_and_month(self):
        olga, otto = self.user_own.id, self.user_own_2.id
        # policies, premium, commission, new clients, target policies, target premium
        self.assertEqual(
            self._pivot(),
            {
                # P1 and P7 (cancelled later, but sold); both new clients.
                (olga, "2026-04-01"): (2, 1500.0, 150.0, 2, 3, 2000.0),
                (olga, "2026-05-01"): (1, 400.0, 0.0, 0, 2, 1000.0),
                (otto, "2026-04-01"): (1, 600.0, 60.0, 0, 0, 0.0),
                (otto, "2026-05-01"): (1, 900.0, 112.5, 0, 1, 500.0),
            },
        )

    def test_new_client_is_the_first_policy_of_the_client(self):
        # Jonas2's first policy (P0) is out of the period: P3 is not new.
        self.assertEqual(
            self._pivot(domain=[("is_new_client", "=", True)], groupby=["policy_id"]),
            {
                (self.p1.id,): (1, 1000.0, 150.0, 1, 0, 0.0),
                (self.p7.id,): (1, 500.0, 0.0, 1, 0, 0.0),
            },
        )
        everything = self.env["insurance.production.report"].search(
            [("policy_id", "=", self.p0.id)]
        )
        self.assertTrue(everything.is_new_client)
        self.assertEqual(everything.date.isoformat(), "2025-05-01")

    def test_draft_and_voided_policies_are_not_production(self):
        policies = (
            self.env["insurance.production.report"]
            .search([("is_target", "=", False)])
            .policy_id
        )
        self.assertNotIn(self.p5, policies)
        self.assertNotIn(self.p6, policies)
        self.assertIn(self.p7, policies)

    def test_by_business_type(self):
        self.assertEqual(
            self._pivot(groupby=["business_type"]),
            {
                ("new",): (3, 2100.0, 210.0, 2, 0, 0.0),
                ("cross_sale",): (1, 400.0, 0.0, 0, 0, 0.0),
                ("renewal",): (1, 900.0, 112.5, 0, 0, 0.0),
                # The targets: no business type.
                (False,): (0, 0.0, 0.0, 0, 6, 3500.0),
            },
        )

    def test_by_insurer_and_product(self):
        self.assertEqual(
            self._pivot(
                domain=[("is_target", "=", False)],
                groupby=["insurer_id", "product_id"],
            ),
            {
                (self.insurer_a.id, self.product_casco.id): (
                    2,
                    1900.0,
                    262.5,
                    1,
                    0,
                    0.0,
                ),
                (self.insurer_a.id, self.product_mtpl.id): (1, 600.0, 60.0, 0, 0, 0.0),
                (self.insurer_b.id, self.product_casco.id): (1, 500.0, 0.0, 1, 0, 0.0),
                (self.insurer_b.id, self.product_mtpl.id): (1, 400.0, 0.0, 0, 0, 0.0),
            },
        )

    def test_own_clients_user_sees_only_own_figures(self):
        olga = self.user_own.id
        self.assertEqual(
            self._pivot(user=self.user_own),
            {
                (olga, "2026-04-01"): (2, 1500.0, 150.0, 2, 3, 2000.0),
                (olga, "2026-05-01"): (1, 400.0, 0.0, 0, 2, 1000.0),
            },
        )
        # The reader sees the whole book.
        self.assertEqual(len(self._pivot(user=self.reader)), 4)

    def test_employee_without_insurance_group_is_refused(self):
        employee = new_test_user(
            self.env, login="prod_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.env["insurance.production.report"].with_user(employee).read_group(
                LAST_12_MONTHS, FIELDS, ["client_manager_id"]
            )

    def test_default_filter_opens_on_the_last_12_months(self):
        action = self.env.ref("insurance_broker.insurance_production_report_action")
        self.assertEqual(
            safe_eval(action.context), {"search_default_last_12_months": 1}
        )
        search = etree.fromstring(
            self.env["insurance.production.report"].get_view(
                action.search_view_id.id, view_type="search"
            )["arch"]
        )
        (last_12,) = search.xpath("//filter[@name='last_12_months']")
        domain = safe_eval(
            last_12.get("domain"),
            {
                "context_today": lambda: date(2026, 6, 15),
                "relativedelta": relativedelta,
            },
        )
        self.assertEqual(domain, LAST_12_MONTHS)


@tagged("post_install", "-at_install")
class TestSalesTarget(InsuranceCommon):
    """Targets: set by managers, read by their salesperson."""

    def test_one_target_per_salesperson_and_month(self):
        Target = self.env["insurance.sales.target"].with_user(self.manager)
        target = Target.create({"user_id": self.user_own.id, "date": "2026-03-20"})
        self.assertEqual(target.date.isoformat(), "2026-03-01")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            Target.create({"user_id": self.user_own.id, "date": "2026-03-05"})
            self.env.flush_all()

    def test_salesperson_reads_own_targets_and_cannot_set_them(self):
        Target = self.env["insurance.sales.target"]
        own, other = Target.create(
            [
                {"user_id": self.user_own.id, "date": "2026-03-01"},
                {"user_id": self.user_own_2.id, "date": "2026-03-01"},
            ]
        )
        self.assertEqual(
            Target.with_user(self.user_own).search([("id", "in", (own | other).ids)]),
            own,
        )
        with self.assertRaises(AccessError):
            own.with_user(self.user_own).write({"target_policy_count": 99})
        with self.assertRaises(AccessError):
            Target.with_user(self.user_own).create(
                {"user_id": self.user_own.id, "date": "2026-04-01"}
            )
