import datetime
import random
import unittest

from ..money import amount_repr, pro_rata_units, split_in_proportion


class TestSplitInProportion(unittest.TestCase):
    def test_shares_add_up_to_the_total_to_the_cent(self):
        generator = random.Random(18)
        for _case in range(2000):
            total = generator.randint(-(10**9), 10**9)
            weights = [
                generator.choice((0, 1, generator.randint(0, 10**7)))
                for _weight in range(generator.randint(1, 13))
            ]
            with self.subTest(total=total, weights=weights):
                shares = split_in_proportion(total, weights)
                self.assertEqual(len(shares), len(weights))
                self.assertEqual(sum(shares), total)

    def test_proportions_rounded_half_up_remainder_last(self):
        # 100.00 over three equal instalments: 33.33, 33.33, 33.34
        self.assertEqual(split_in_proportion(10000, [1, 1, 1]), [3333, 3333, 3334])
        # 0.05 over two equal halves: the first half (2.5) rounds up.
        self.assertEqual(split_in_proportion(5, [50, 50]), [3, 2])
        self.assertEqual(split_in_proportion(18000, [100, 300]), [4500, 13500])
        # A share never takes more than what is left.
        self.assertEqual(split_in_proportion(1, [1, 1, 1]), [0, 0, 1])

    def test_zero_weights_split_equally(self):
        self.assertEqual(split_in_proportion(9, [0, 0, 0]), [3, 3, 3])
        self.assertEqual(split_in_proportion(10, [0, 0, 0]), [3, 3, 4])

    def test_a_zero_weight_gets_nothing(self):
        self.assertEqual(split_in_proportion(999, [0, 1, 0]), [0, 999, 0])

    def test_no_weights(self):
        self.assertEqual(split_in_proportion(100, []), [])

    def test_single_weight_takes_everything(self):
        self.assertEqual(split_in_proportion(12345, [7]), [12345])


class TestProRataUnits(unittest.TestCase):
    start = datetime.date(2026, 1, 1)
    end = datetime.date(2026, 12, 31)

    def test_days_covered(self):
        # 365 days; 31 covered: 36500 x 31 / 365 = 3100
        self.assertEqual(
            pro_rata_units(36500, self.start, self.end, datetime.date(2026, 1, 31)),
            3100,
        )

    def test_rounded_half_up(self):
        # 1 unit over a two-day term, one day covered: 0.5 rounds to 1.
        day = datetime.date(2026, 1, 1)
        self.assertEqual(pro_rata_units(1, day, day.replace(day=2), day), 1)
        self.assertEqual(pro_rata_units(3, day, day.replace(day=2), day), 2)

    def test_outside_the_term(self):
        before = datetime.date(2025, 12, 1)
        after = datetime.date(2027, 6, 1)
        self.assertEqual(pro_rata_units(18000, self.start, self.end, before), 0)
        self.assertEqual(pro_rata_units(18000, self.start, self.end, after), 18000)
        self.assertEqual(pro_rata_units(18000, self.start, self.end, self.end), 18000)


class TestAmountRepr(unittest.TestCase):
    def test_decimals(self):
        self.assertEqual(amount_repr(12.5, 2), "12.50")
        self.assertEqual(amount_repr(-3.456, 2), "-3.46")
        self.assertEqual(amount_repr(1234567.891, 0), "1234568")
        self.assertEqual(amount_repr(0.1 + 0.2, 3), "0.300")

    def test_never_a_negative_zero(self):
        self.assertEqual(amount_repr(-0.0, 2), "0.00")
        self.assertEqual(amount_repr(-0.001, 2), "0.00")
        self.assertEqual(amount_repr(-0.4, 0), "0")
