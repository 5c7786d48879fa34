from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestCommissionLines(InsuranceAccountCommon):
    """Expected commission per instalment and chargebacks on cancellation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["insurance.commission.line"]
        cls.reader = cls.env["res.users"].create(
            {
                "name": "Rita Reader",
                "login": "acc_reader",
                "company_id": cls.company.id,
                "company_ids": cls.company.ids,
                "groups_id": [
                    (4, cls.env.ref("base.group_user").id),
                    (4, cls.env.ref("insurance_broker.group_insurance_reader").id),
                ],
            }
        )

    def _confirm(self, **values):
        policy = self._create_policy(**values)
        # Recorded by action_confirm; called again to be independent of the
        # wiring (and to check that a second call records nothing more).
        self.Line._record_expected(policy)
        return policy

    def _cancel(self, policy, date):
        policy._cancel("Vehicle sold", date)
        self.Line._record_chargebacks(policy)

    def _expected(self, policy):
        return policy.commission_line_ids.filtered(
            lambda line: line.kind == "expected"
        ).sorted(lambda line: (line.date, line.id))

    def test_split_per_payment_frequency(self):
        """The commission is split over the instalments in proportion to
        their amounts, to the cent, the remainder on the last one."""
        cases = {
            # frequency: premium, commission of each instalment
            "single": (1000.0, [100.0]),
            "semi_annual": (1000.0, [50.0, 50.0]),
            "quarterly": (1000.0, [25.0] * 4),
            # premium 83.33 x 11 + 83.37; 10 % of it: 8.33 x 11 + 8.37
            "monthly": (1000.0, [8.33] * 11 + [8.37]),
        }
        for frequency, (premium, amounts) in cases.items():
            with self.subTest(frequency=frequency):
                policy = self._confirm(payment_frequency=frequency, premium=premium)
                self.assertEqual(policy.commission_amount, 100.0)
                lines = self._expected(policy)
                self.assertEqual(lines.mapped("amount"), amounts)
                self.assertEqual(
                    lines.mapped("date"),
                    policy.installment_ids.sorted("sequence").mapped("date_due"),
                )
                self.assertEqual(
                    lines.installment_id, policy.installment_ids, "one line each"
                )
                self.assertAlmostEqual(sum(lines.mapped("amount")), 100.0, places=2)
                self.assertEqual(lines.insurer_id, self.insurer_broker)
                self.assertEqual(lines.partner_id, self.client)
                self.assertEqual(lines.product_id, self.product_casco)
                self.assertEqual(set(lines.mapped("premium_collection")), {"broker"})
                self.assertFalse(lines.move_line_id)

    def test_split_odd_cents(self):
        """Odd premium and commission: shares in whole cents adding up."""
        policy = self._confirm(
            payment_frequency="monthly",
            premium=999.99,
            insurer_id=self.insurer_direct.id,
        )
        # 15 % of 999.99 = 150.00 (rounded); premium 83.33 x 11 + 83.36
        self.assertEqual(policy.commission_amount, 150.0)
        amounts = self._expected(policy).mapped("amount")
        self.assertEqual(amounts, [12.5] * 11 + [12.5])
        policy = self._confirm(payment_frequency="quarterly", premium=100.0)
        # 10.00 over 25 x 4
        self.assertEqual(self._expected(policy).mapped("amount"), [2.5] * 4)
        policy = self._confirm(payment_frequency="monthly", premium=100.0)
        # 10.00 over 8.33 x 11 + 8.37: 0.83 x 11 + 0.87
        self.assertEqual(self._expected(policy).mapped("amount"), [0.83] * 11 + [0.87])
        self.assertAlmostEqual(sum(self._expected(policy).mapped("amount")), 10.0)

    def test_record_expected_is_idempotent(self):
        policy = self._confirm(payment_frequency="quarterly")
        lines = policy.commission_line_ids
        self.assertEqual(len(lines), 4)
        self.assertFalse(self.Line._record_expected(policy))
        self.assertFalse(self.Line._record_expected(policy | policy))
        policy.invalidate_recordset(["commission_line_ids"])
        self.assertEqual(policy.commission_line_ids, lines)
        # The instalment shows its expected commission.
        self.assertEqual(policy.installment_ids.mapped("commission_amount"), [30.0] * 4)

    def test_record_expected_in_batch(self):
        """Many policies: one insert, every instalment once."""
        policies = self.env["insurance.policy"]
        for index in range(30):
            policies |= self._create_policy(
                confirm=False,
                payment_frequency="monthly",
                premium=1200.0 + index,
            )
        policies.action_confirm()
        # Without reloading anything: the policies' lines and the
        # instalments' expected commission follow the lines just recorded.
        self.assertEqual(len(policies.commission_line_ids), 30 * 12)
        for policy in policies:
            self.assertAlmostEqual(
                sum(policy.installment_ids.mapped("commission_amount")),
                policy.commission_amount,
                places=2,
            )
        self.assertFalse(self.Line._record_expected(policies))
        lines = self.Line.search([("policy_id", "in", policies.ids)])
        self.assertEqual(lines, policies.commission_line_ids)
        self.assertEqual(len(lines), 30 * 12)
        # What the lines copy from their policy, as a report groups them.
        for line in lines[:24]:
            policy = line.policy_id
            self.assertEqual(line.policy_number, policy.name)
            self.assertEqual(line.company_id, policy.company_id)
            self.assertEqual(line.currency_id, policy.currency_id)
            self.assertEqual(line.client_manager_id, policy.client_manager_id)
            self.assertEqual(line.installment_id.policy_id, policy)
            self.assertEqual(line.date, line.installment_id.date_due)
            self.assertEqual(line.received_amount, 0.0)
            self.assertEqual(line.create_uid, self.env.user)
        for policy in policies:
            self.assertAlmostEqual(
                sum(
                    lines.filtered(lambda line, p=policy: line.policy_id == p).mapped(
                        "amount"
                    )
                ),
                policy.commission_amount,
                places=2,
            )

    def test_salesperson_confirms(self):
        """Whoever confirms a policy records its commission, although
        Insurance users cannot write commission lines themselves."""
        policy = self._create_policy(confirm=False, payment_frequency="semi_annual")
        policy = policy.with_user(self.salesperson)
        policy.action_confirm()
        self.Line.with_user(self.salesperson)._record_expected(policy)
        self.assertEqual(self._expected(policy.sudo()).mapped("amount"), [60.0, 60.0])

    def test_draft_policy_has_no_commission(self):
        policy = self._create_policy(confirm=False)
        self.assertFalse(self.Line._record_expected(policy))
        self.assertFalse(policy.commission_line_ids)

    @freeze_time("2026-04-15")
    def test_chargeback_single_payment(self):
        """Cancelled on 31 March (last day covered): the commission of the
        275 days not covered out of 365 is given back."""
        policy = self._confirm(premium=1200.0)
        self.assertEqual(self._expected(policy).mapped("amount"), [120.0])
        self._cancel(policy, "2026-03-31")
        chargeback = policy.commission_line_ids.filtered(
            lambda line: line.kind == "chargeback"
        )
        # 120 x 275 / 365 = 90.41
        self.assertEqual(chargeback.amount, -90.41)
        self.assertEqual(str(chargeback.date), "2026-03-31")
        self.assertFalse(chargeback.installment_id)
        # Earned: 120 x 90 / 365 = 29.59
        self.assertAlmostEqual(sum(policy.commission_line_ids.mapped("amount")), 29.59)
        # Cancelling is recorded once.
        self.assertFalse(self.Line._record_chargebacks(policy))
        self.assertEqual(len(policy.commission_line_ids), 2)

    @freeze_time("2026-04-15")
    def test_chargeback_monthly(self):
        """The commission of the instalments removed by the cancellation goes
        with them; the chargeback gives back the rest of what was not earned."""
        policy = self._confirm(premium=1200.0, payment_frequency="monthly")
        self.assertEqual(len(self._expected(policy)), 12)
        self._cancel(policy, "2026-03-31")
        policy.invalidate_recordset(["commission_line_ids"])
        expected = self._expected(policy)
        self.assertEqual(expected.mapped("amount"), [10.0, 10.0, 10.0])
        self.assertEqual(expected.installment_id, policy.installment_ids)
        chargeback = policy.commission_line_ids - expected
        # Earned 29.59 of the 30.00 recorded for January to March.
        self.assertEqual(chargeback.amount, -0.41)
        self.assertAlmostEqual(sum(policy.commission_line_ids.mapped("amount")), 29.59)

    @freeze_time("2026-04-15")
    def test_chargeback_from_start(self):
        """Cancelled before it started: nothing is earned, nothing remains."""
        policy = self._confirm(premium=1200.0, payment_frequency="quarterly")
        self._cancel(policy, "2025-12-31")
        policy.invalidate_recordset(["commission_line_ids"])
        self.assertFalse(policy.installment_ids)
        self.assertFalse(policy.commission_line_ids)

    @freeze_time("2026-04-15")
    def test_reconfirmed_policy_drops_chargeback(self):
        """Cancelled by mistake, reset and confirmed again: in force again,
        the chargeback goes, the commission is expected in full."""
        policy = self._confirm(premium=1200.0, payment_frequency="quarterly")
        self._cancel(policy, "2026-03-31")
        self.assertTrue(
            policy.commission_line_ids.filtered(lambda ln: ln.kind == "chargeback")
        )
        policy.action_reset_to_draft()
        policy.action_confirm()
        self.Line._record_expected(policy)
        policy.invalidate_recordset(["commission_line_ids"])
        self.assertEqual(set(policy.commission_line_ids.mapped("kind")), {"expected"})
        self.assertEqual(policy.commission_line_ids.mapped("amount"), [30.0] * 4)

    def test_backfill(self):
        """Policies confirmed without commission lines (before the addon was
        installed) get them; running it again records nothing."""
        policy = self._confirm(premium=1200.0, payment_frequency="quarterly")
        cancelled = self._confirm(premium=1200.0)
        with freeze_time("2026-04-15"):
            cancelled._cancel("Vehicle sold", "2026-03-31")
        (policy | cancelled).commission_line_ids.unlink()
        self.Line._backfill_expected()
        (policy | cancelled).invalidate_recordset(["commission_line_ids"])
        self.assertEqual(policy.commission_line_ids.mapped("amount"), [30.0] * 4)
        self.assertEqual(
            sorted(cancelled.commission_line_ids.mapped("amount")), [-90.41, 120.0]
        )
        count = self.Line.search_count([])
        self.assertEqual(self.Line._backfill_expected(), 0)
        self.assertEqual(self.Line.search_count([]), count)

    def test_access_reader(self):
        """Insurance read-only users read commission lines, never change them."""
        policy = self._confirm(payment_frequency="quarterly")
        lines = policy.commission_line_ids.with_user(self.reader)
        self.assertEqual(lines.mapped("amount"), [30.0] * 4)
        with self.assertRaises(AccessError):
            lines[0].amount = 1.0
        with self.assertRaises(AccessError):
            self.Line.with_user(self.reader).create(
                {
                    "policy_id": policy.id,
                    "date": "2026-01-01",
                    "amount": 1.0,
                }
            )
