from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_report import ReportCommon

FIELDS = ["due_count:sum", "renewed_count:sum", "renewal_rate:avg"]
MAY_2026 = (("date", ">=", "2026-05-01"), ("date", "<", "2026-06-01"))


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestRetentionReport(ReportCommon):
    """The retention analysis on a small book, its figures worked out by hand.

    Policies ending in May 2026 (due for renewal then):

    - R1, Jonas (Olga), Alpha CASCO: renewed with Alpha;
    - R2, Jonas2 (Otto), Alpha MTPL: renewed with Beta;
    - R3, Vida (Olga), Beta CASCO: not renewed;
    - R4, Jonas, Beta MTPL: cancelled in December, not due.

    3 due, 2 renewed: 66.67 %. R5 (Vida, ends in April) has a renewal still
    in draft: due, not renewed.
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
        cls.r1 = cls._create_policy(confirm=True, date_start="2025-06-01")
        cls.r2 = cls._create_policy(
            confirm=True,
            partner_id=cls.client_otto.id,
            product_id=mtpl,
            date_start="2025-06-01",
        )
        cls.r3 = cls._create_policy(
            confirm=True,
            partner_id=cls.client_vida.id,
            insurer_id=beta,
            date_start="2025-05-15",
        )
        cls.r4 = cls._create_policy(
            confirm=True, insurer_id=beta, product_id=mtpl, date_start="2025-06-01"
        )
        cls.r4._cancel("Car sold", "2025-12-01")
        cls.r5 = cls._create_policy(
            confirm=True,
            partner_id=cls.client_vida.id,
            product_id=mtpl,
            date_start="2025-05-01",
        )
        cls.s1 = cls.r1._create_successors()
        cls.s2 = cls.r2._create_successors({"insurer_id": beta})
        cls.s5 = cls.r5._create_successors()
        cls.s1.name, cls.s2.name = "POL-S1", "POL-S2"
        (cls.s1 | cls.s2).action_confirm()

    def _pivot(self, groupby, user=None, domain=MAY_2026):
        groups = self._read_pivot(
            "insurance.retention.report", domain, FIELDS, groupby, user=user
        )
        return {
            key: (
                measures["due_count"],
                measures["renewed_count"],
                round(measures["renewal_rate"], 2),
            )
            for key, measures in groups.items()
        }

    def test_renewal_rate_of_the_month(self):
        self.assertEqual(self._pivot(["date:month"]), {("2026-05-01",): (3, 2, 66.67)})
        # A renewal still in draft is not won yet.
        self.assertEqual(
            self._pivot(
                ["date:month"],
                domain=[("date", ">=", "2026-04-01"), ("date", "<", "2026-05-01")],
            ),
            {("2026-04-01",): (1, 0, 0.0)},
        )

    def test_by_insurer_and_renewed_with(self):
        alpha, beta = self.insurer_a.id, self.insurer_b.id
        self.assertEqual(
            self._pivot(["insurer_id"]),
            {(alpha,): (2, 2, 100.0), (beta,): (1, 0, 0.0)},
        )
        self.assertEqual(
            self._pivot(["insurer_id", "successor_insurer_id"]),
            {
                (alpha, alpha): (1, 1, 100.0),
                (alpha, beta): (1, 1, 100.0),
                (beta, False): (1, 0, 0.0),
            },
        )
        rows = self.env["insurance.retention.report"].search(
            [
                *MAY_2026,
                ("policy_id", "in", (self.r1 | self.r2 | self.r3 | self.r4).ids),
            ]
        )
        self.assertEqual(rows.policy_id, self.r1 | self.r2 | self.r3)
        by_policy = {row.policy_id: row for row in rows}
        self.assertTrue(by_policy[self.r1].same_insurer)
        self.assertEqual(by_policy[self.r2].successor_id, self.s2)
        self.assertFalse(by_policy[self.r2].same_insurer)
        self.assertFalse(by_policy[self.r3].renewed)

    def test_by_client_manager_and_product(self):
        olga, otto = self.user_own.id, self.user_own_2.id
        self.assertEqual(
            self._pivot(["client_manager_id"]),
            {(olga,): (2, 1, 50.0), (otto,): (1, 1, 100.0)},
        )
        self.assertEqual(
            self._pivot(["product_id"]),
            {
                (self.product_casco.id,): (2, 1, 50.0),
                (self.product_mtpl.id,): (1, 1, 100.0),
            },
        )

    def test_cancelled_policies_are_not_due(self):
        rows = self.env["insurance.retention.report"].search([])
        self.assertNotIn(self.r4, rows.policy_id)

    def test_own_clients_user_sees_only_own_figures(self):
        olga = self.user_own.id
        self.assertEqual(
            self._pivot(["client_manager_id"], user=self.user_own),
            {(olga,): (2, 1, 50.0)},
        )
        self.assertEqual(
            self._pivot(["date:month"], user=self.reader),
            {("2026-05-01",): (3, 2, 66.67)},
        )

    def test_employee_without_insurance_group_is_refused(self):
        employee = new_test_user(
            self.env, login="retention_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.env["insurance.retention.report"].with_user(employee).read_group(
                list(MAY_2026), FIELDS, ["insurer_id"]
            )
