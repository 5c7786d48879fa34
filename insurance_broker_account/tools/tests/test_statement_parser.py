import datetime
import io
import math
import unittest
import zipfile

from .. import statement_parser as parser
from ..statement_parser import (
    MAX_AMOUNT,
    FormulaCell,
    UnreadableFileError,
    find_header_row,
    guess_columns,
    header_positions,
    normalize_header,
    parse_amount,
    parse_number,
    parse_period,
    period_bounds,
    policy_number,
    read_rows,
    row_key,
    shown,
)

MARCH = datetime.date(2026, 3, 1)


class TestNumbers(unittest.TestCase):
    def test_formats_insurers_write(self):
        cases = {
            "150": 150.0,
            "150,5": 150.5,
            "150.5": 150.5,
            "1.234,56": 1234.56,
            "1,234.56": 1234.56,
            "1 234,56": 1234.56,
            "1\u00a0234,56 €": 1234.56,
            "1\u202f234.56": 1234.56,
            "€ 1'234.56": 1234.56,
            "$1,234,567.89": 1234567.89,
            "1.234.567": 1234567.0,
            "1,234,567": 1234567.0,
            "+12,50": 12.5,
            "-12,50": -12.5,
            "(12,50)": -12.5,
            "( 1.234,50 €)": -1234.5,
            "12.50-": -12.5,
            "0": 0.0,
            12: 12.0,
            12.25: 12.25,
            -7: -7.0,
        }
        for value, number in cases.items():
            with self.subTest(value=value):
                self.assertEqual(parse_number(value), number)

    def test_not_numbers(self):
        for value in (
            "abc",
            "12 EUR",
            "1,2,3.4.5",
            "1e5",
            "nan",
            "NaN",
            "inf",
            "-",
            "()",
            ".5",
            "5.",
            "--5",
            "",
            True,
            False,
            float("nan"),
        ):
            with self.subTest(value=value):
                self.assertIsNone(parse_number(value))

    def test_huge_numbers(self):
        self.assertEqual(parse_number(10**400), math.inf)
        self.assertEqual(parse_number(-(10**400)), -math.inf)
        self.assertEqual(parse_number(float("inf")), math.inf)
        self.assertEqual(parse_number("9" * 400), math.inf)

    def test_amounts(self):
        cases = {
            "1.234,56": (1234.56, None),
            None: (None, "blank"),
            "": (None, "blank"),
            "   ": (None, "blank"),
            "n/a": (None, "not_number"),
            "NaN": (None, "not_number"),
            float("nan"): (None, "not_number"),
            float("inf"): (None, "too_large"),
            float("-inf"): (None, "too_large"),
            10**400: (None, "too_large"),
            "9" * 400: (None, "too_large"),
            MAX_AMOUNT: (None, "too_large"),
            -MAX_AMOUNT: (None, "too_large"),
            MAX_AMOUNT - 1: (float(MAX_AMOUNT - 1), None),
        }
        for value, expected in cases.items():
            with self.subTest(value=value):
                self.assertEqual(parse_amount(value), expected)


class TestPeriods(unittest.TestCase):
    def test_months_and_dates(self):
        cases = {
            "2026-03": MARCH,
            "2026/3": MARCH,
            "2026.03": MARCH,
            "2026-03-31": MARCH,
            "2026-03-31 00:00:00": MARCH,
            "2026-03-31T10:00": MARCH,
            "03/2026": MARCH,
            "3.2026": MARCH,
            "31.03.2026": MARCH,
            "15/03/2026": MARCH,
            # Day first, unless the second number cannot be a month.
            "03/15/2026": MARCH,
            "01/03/2026": MARCH,
            "202603": MARCH,
            " 2026-03 ": MARCH,
            202603: MARCH,
            # A date cell that lost its format: Excel's serial day number.
            46082: MARCH,
            46096.0: MARCH,
            datetime.date(2026, 3, 17): MARCH,
            datetime.datetime(2026, 3, 17, 10, 0): MARCH,
        }
        for value, period in cases.items():
            with self.subTest(value=value):
                self.assertEqual(parse_period(value), period)
        # A float key would replace the int key above.
        self.assertEqual(parse_period(202603.0), MARCH)

    def test_not_months(self):
        for value in (
            "13/2026",
            "2026-13",
            "2026-00",
            "0000-03",
            "202613",
            "soon",
            "",
            "March 2026",
            202613,
            46082.5,
            0,
            -3,
            10**9,
            float("nan"),
            float("inf"),
            True,
        ):
            with self.subTest(value=value):
                self.assertIsNone(parse_period(value))

    def test_period_bounds(self):
        self.assertEqual(
            period_bounds(datetime.date(2026, 7, 14)),
            (datetime.date(2006, 1, 1), datetime.date(2031, 12, 1)),
        )


class TestCells(unittest.TestCase):
    def test_policy_number(self):
        self.assertEqual(policy_number(" CASCO-1 "), "CASCO-1")
        self.assertEqual(policy_number(123456.0), "123456")
        self.assertEqual(policy_number(123456), "123456")
        self.assertEqual(policy_number(12.5), "12.5")
        self.assertEqual(policy_number(None), "")
        self.assertEqual(policy_number("  "), "")

    def test_shown(self):
        self.assertEqual(shown("  short "), "short")
        long_value = shown("x" * 100)
        self.assertEqual(len(long_value), parser.SHOWN_LENGTH)
        self.assertTrue(long_value.endswith("…"))

    def test_row_key(self):
        self.assertEqual(row_key(["A", 1, "", None, " "]), ("A", 1))
        self.assertEqual(row_key(["A", "", 1]), ("A", "", 1))
        self.assertEqual(row_key([]), ())


class TestHeader(unittest.TestCase):
    def test_normalize_header(self):
        self.assertEqual(normalize_header("  Apólice  Nº "), "apolice no")
        self.assertEqual(normalize_header("Prämie (EUR)"), "pramie eur")
        self.assertEqual(normalize_header(None), "")
        self.assertEqual(normalize_header(False), "")

    def test_header_below_a_title(self):
        rows = [
            (1, ["Baltic Shield statement", None, None]),
            (2, [None, "", None]),
            (3, ["Policy", "Premium", "Commission", "Month"]),
            (4, ["CASCO-1", "1000", "150", "2026-03"]),
        ]
        self.assertEqual(find_header_row(rows), 2)
        self.assertEqual(find_header_row(rows, "  policy "), 2)

    def test_header_named_by_the_remembered_policy_column(self):
        rows = [
            (1, ["Insurer", "Baltic Shield"]),
            (2, ["Contract", "Commission"]),
        ]
        self.assertEqual(find_header_row(rows), 0)
        self.assertEqual(find_header_row(rows, "Contract"), 1)
        self.assertEqual(find_header_row(rows, "Unknown"), 0)

    def test_single_cell_rows_and_empty_files(self):
        self.assertEqual(find_header_row([(1, [None]), (2, ["Policy"])]), 1)
        self.assertIsNone(find_header_row([]))
        self.assertIsNone(find_header_row([(1, [None, " "])]))

    def test_header_searched_in_the_first_rows_only(self):
        rows = [(number, [None]) for number in range(1, 30)]
        rows.append((30, ["Policy", "Commission"]))
        self.assertIsNone(find_header_row(rows))

    def test_guess_columns(self):
        headers = ["Nr.", "Policy Number", "Gross Premium", "Commission", "Month"]
        self.assertEqual(
            guess_columns(headers, ["policy", "commission", "premium", "period"]),
            {
                "policy": "Policy Number",
                "commission": "Commission",
                "premium": "Gross Premium",
                "period": "Month",
            },
        )

    def test_guess_columns_equal_wins_over_containing(self):
        headers = ["Policy holder", "Policy"]
        self.assertEqual(guess_columns(headers, ["policy"]), {"policy": "Policy"})

    def test_guess_columns_foreign_and_missing(self):
        headers = ["Apólice", "Comissão", "Período"]
        self.assertEqual(
            guess_columns(headers, ["policy", "commission", "premium", "period"]),
            {"policy": "Apólice", "commission": "Comissão", "period": "Período"},
        )

    def test_header_positions(self):
        self.assertEqual(
            header_positions(["Policy", "Premium", " policy ", None]),
            {"policy": 0, "premium": 1, "": 3},
        )


class TestReadRows(unittest.TestCase):
    def test_csv_delimiters_and_bom(self):
        for delimiter in (";", "\t", ",", "|"):
            with self.subTest(delimiter=delimiter):
                text = delimiter.join(["Policy", "Commission"]) + "\r\n"
                text += delimiter.join(["CASCO-1", "150"]) + "\r\n"
                content = "\ufeff".encode() + text.encode()
                self.assertEqual(
                    read_rows(content),
                    [(1, ["Policy", "Commission"]), (2, ["CASCO-1", "150"])],
                )

    def test_csv_decimal_commas_kept_in_their_cells(self):
        content = b'Policy;Commission\nCASCO-1;"1.234,50"\n'
        self.assertEqual(read_rows(content)[1], (2, ["CASCO-1", "1.234,50"]))

    def test_limit(self):
        content = "\n".join(f"row {number},{number}" for number in range(50)).encode()
        self.assertEqual(len(read_rows(content, limit=5)), 5)

    def test_unreadable(self):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as not_a_workbook:
            not_a_workbook.writestr("statement.csv", "Policy;Commission\n")
        for content in (
            "Policy;Comissão\n".encode("latin-1"),
            b"Policy\x00;Commission",
            archive.getvalue(),
        ):
            with self.subTest(content=content), self.assertRaises(UnreadableFileError):
                read_rows(content)

    @unittest.skipUnless(parser.openpyxl, "openpyxl is not installed")
    def test_xlsx(self):
        workbook = parser.openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Statement March 2026"])
        sheet.append(["Policy", "Premium", "Commission", "Period"])
        sheet.append(["CASCO-1", 1000, 150.5, datetime.datetime(2026, 3, 31)])
        sheet.append(["CASCO-2", 500, "=B4*0.15", "2026-03"])
        data = io.BytesIO()
        workbook.save(data)
        rows = read_rows(data.getvalue())
        self.assertEqual([number for number, _cells in rows], [1, 2, 3, 4])
        self.assertEqual(find_header_row(rows), 1)
        self.assertEqual(
            rows[2][1], ["CASCO-1", 1000, 150.5, datetime.datetime(2026, 3, 31)]
        )
        # A formula whose result the file does not hold is never read as 0.
        formula = rows[3][1][2]
        self.assertIsInstance(formula, FormulaCell)
        self.assertEqual(formula.coordinate, "C4")
        self.assertEqual(str(formula), "=B4*0.15")
