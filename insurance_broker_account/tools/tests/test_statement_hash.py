import datetime
import unittest

from ..statement_hash import rows_hash

MARCH = datetime.date(2026, 3, 1)
FEBRUARY = datetime.date(2026, 2, 1)


def row(policy_number, period, commission):
    return {"policy_number": policy_number, "period": period, "commission": commission}


class TestRowsHash(unittest.TestCase):
    rows = [
        row("CASCO-2026-0001", MARCH, 150.0),
        row("mtpl 2026 0002", FEBRUARY, -14.5),
        row("", None, 0.0),
    ]

    def test_stable(self):
        """The hash of the statements imported so far: a change of this
        function makes a file imported before importable a second time."""
        self.assertEqual(
            rows_hash(self.rows, 2),
            "ad7a39b3f085536f56c0c61ee3d1dd12ab14f42397b671b0f0bb6183c6f3b3c3",
        )

    def test_what_the_file_looks_like_does_not_count(self):
        same = [
            row("  MTPL2026 0002 ", FEBRUARY.replace(day=28), -14.5000001),
            row(False, None, None),
            row("casco-2026-0001", MARCH, 150),
        ]
        self.assertEqual(rows_hash(same, 2), rows_hash(self.rows, 2))

    def test_what_the_rows_say_counts(self):
        digest = rows_hash(self.rows, 2)
        changes = (
            [row("CASCO-2026-0001", MARCH, 150.01), *self.rows[1:]],
            [row("CASCO-2026-0001", FEBRUARY, 150.0), *self.rows[1:]],
            [row("CASCO-2026-0002", MARCH, 150.0), *self.rows[1:]],
            # A row listed twice counts twice.
            [*self.rows, self.rows[0]],
            self.rows[1:],
        )
        for rows in changes:
            with self.subTest(rows=rows):
                self.assertNotEqual(rows_hash(rows, 2), digest)

    def test_negative_zero_is_zero(self):
        self.assertEqual(
            rows_hash([row("A", MARCH, -0.0)], 2), rows_hash([row("A", MARCH, 0)], 2)
        )
        self.assertEqual(
            rows_hash([row("A", MARCH, -0.001)], 2), rows_hash([row("A", MARCH, 0)], 2)
        )

    def test_no_rows(self):
        self.assertEqual(
            rows_hash([], 2),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        )
