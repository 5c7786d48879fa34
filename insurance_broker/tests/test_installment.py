from datetime import date

from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestInstallment(InsuranceCommon):
    def test_counts_and_due_dates_by_frequency(self):
        cases = {
            "single": [date(2026, 1, 31)],
            "semi_annual": [date(2026, 1, 31), date(2026, 7, 31)],
            "quarterly": [
                date(2026, 1, 31),
                date(2026, 4, 30),
                date(2026, 7, 31),
                date(2026, 10, 31),
            ],
        }
        for frequency, dates in cases.items():
            with self.subTest(frequency=frequency):
                policy = self._create_policy(
                    confirm=True, date_start="2026-01-31", payment_frequency=frequency
                )
                self.assertEqual(policy.installment_ids.mapped("date_due"), dates)
                self.assertEqual(
                    policy.installment_ids.mapped("sequence"),
                    list(range(1, len(dates) + 1)),
                )

    def test_monthly_steps_whole_calendar_months(self):
        policy = self._create_policy(
            confirm=True, date_start="2028-01-31", payment_frequency="monthly"
        )
        dates = policy.installment_ids.mapped("date_due")
        self.assertEqual(len(dates), 12)
        # 31 Jan + 1 month = 29 Feb in a leap year, and back to the 31st after.
        self.assertEqual(
            dates[:4],
            [
                date(2028, 1, 31),
                date(2028, 2, 29),
                date(2028, 3, 31),
                date(2028, 4, 30),
            ],
        )
        self.assertEqual(dates[-1], date(2028, 12, 31))
        policy = self._create_policy(
            confirm=True, date_start="2027-01-31", payment_frequency="monthly"
        )
        self.assertEqual(policy.installment_ids[1].date_due, date(2027, 2, 28))

    def test_amounts_add_up_to_the_premium_remainder_on_last(self):
        cases = [
            ("monthly", 1000.0, [83.33] * 11 + [83.37]),
            ("quarterly", 100.0, [25.0] * 4),
            ("quarterly", 100.01, [25.0, 25.0, 25.0, 25.01]),
            ("semi_annual", 0.01, [0.0, 0.01]),
            ("single", 1234.56, [1234.56]),
        ]
        for frequency, premium, amounts in cases:
            with self.subTest(frequency=frequency, premium=premium):
                policy = self._create_policy(
                    confirm=True, premium=premium, payment_frequency=frequency
                )
                self.assertEqual(policy.installment_ids.mapped("amount"), amounts)
                total = sum(policy.installment_ids.mapped("amount"))
                self.assertEqual(policy.currency_id.compare_amounts(total, premium), 0)

    def test_short_term_and_odd_terms(self):
        # A 4-month policy paid quarterly has two instalments: months 1 and 4.
        policy = self._create_policy(
            confirm=True,
            date_start="2026-01-01",
            term_months=4,
            payment_frequency="quarterly",
        )
        self.assertEqual(
            policy.installment_ids.mapped("date_due"),
            [date(2026, 1, 1), date(2026, 4, 1)],
        )
        self.assertEqual(policy.installment_ids.mapped("amount"), [600.0, 600.0])
        # Two-year policy paid semi-annually: four instalments.
        policy = self._create_policy(
            confirm=True, term_months=24, payment_frequency="semi_annual"
        )
        self.assertEqual(len(policy.installment_ids), 4)

    def test_display_name_tells_n_of_m(self):
        policy = self._create_policy(
            confirm=True, name="P-77", payment_frequency="quarterly"
        )
        self.assertEqual(
            policy.installment_ids[1].display_name, "P-77: instalment 2 of 4"
        )
