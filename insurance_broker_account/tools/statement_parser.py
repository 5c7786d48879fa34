"""Reading an insurer's commission statement file: its rows (XLSX or CSV),
its header, and the policy numbers, amounts and months of its cells.

Pure Python: nothing here is translated. What cannot be read is told by an
exception (``UnreadableFileError``), a problem code (``parse_amount``) or
None, and the wizard says it to the user in their language.
"""

import csv
import datetime
import io
import itertools
import math
import re
import unicodedata
import warnings
import zipfile

try:
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import from_excel
    from openpyxl.utils.exceptions import InvalidFileException
except ImportError:  # pragma: no cover - declared in external_dependencies
    openpyxl = None

# The statement's columns, in the order they are looked for in the headers.
COLUMNS = ("policy", "commission", "premium", "period")
# Header words insurers use for each column (lower case, without accents):
# a header equal to one of them wins over a header containing one.
HEADER_HINTS = {
    "policy": (
        "policy number",
        "policy no",
        "policy",
        "police",
        "polis",
        "apolice",
        "polizza",
        "contract",
        "vertrag",
        "certificate",
    ),
    "commission": (
        "commission",
        "commission amount",
        "comissao",
        "comision",
        "commissione",
        "provvigione",
        "provision",
        "courtage",
        "brokerage",
        "kommission",
    ),
    "premium": ("premium", "premio", "prime", "pramie", "praemie", "beitrag"),
    "period": (
        "period",
        "month",
        "periodo",
        "periode",
        "mes",
        "mois",
        "monat",
        "zeitraum",
        "date",
        "datum",
        "data",
    ),
}
# How many rows may come before the header (title, insurer's address...).
HEADER_SEARCH_ROWS = 20
CSV_DELIMITERS = (";", "\t", ",", "|")
# No commission or premium of a statement row reaches ten trillion; beyond,
# a float no longer holds the cents either: such a cell is a mistake (the
# bound of the amounts users type, insurance.bounded.mixin's "amount").
MAX_AMOUNT = 10**13
# The months a row may report, around today: a statement pays commission of
# recent instalments, and a period decades away is a mistyped year.
PERIOD_YEARS_BACK = 20
PERIOD_YEARS_AHEAD = 5
# A cell's value in a message: the beginning of a very long one.
SHOWN_LENGTH = 40


class UnreadableFileError(Exception):
    """The file is neither an XLSX workbook nor UTF-8 CSV text."""


class FormulaCell:
    """A formula cell of a workbook whose result cannot be trusted: the file
    holds none (written by a program, never opened in a spreadsheet), or
    asks to recompute every formula on opening (its stored results are
    placeholders, e.g. the 0 that xlsxwriter writes)."""

    __slots__ = ("coordinate", "formula")

    def __init__(self, coordinate, formula):
        self.coordinate = coordinate
        self.formula = formula

    def __str__(self):
        return self.formula


def shown(value):
    """A cell's value as a message shows it: at most SHOWN_LENGTH characters."""
    text = str(value).strip()
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def normalize_header(value):
    """Lower case, no accents, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(value):
    """A float from a cell: numbers as they are, text with a comma or a dot
    as decimal separator (thousands separators, spaces, currency signs,
    parentheses or a trailing minus for negatives allowed); None when the
    cell is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            # Hundreds of digits: a number, infinitely too large.
            return math.inf if value > 0 else -math.inf
    text = re.sub(r"[\s\u00a0\u202f'’€$£]", "", str(value))
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    elif text.endswith("-"):
        negative, text = True, text[:-1]
    if not re.fullmatch(r"[+-]?(\d|\d[\d.,]*\d)", text):
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text:
        text = text.replace(",", "." if text.count(",") == 1 else "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return -number if negative else number


def parse_amount(value):
    """(amount, problem) of a cell: problem is None, "blank", "not_number",
    or "too_large" (infinite, or ten trillion and more); the amount is None
    unless there is no problem."""
    if is_blank(value):
        return None, "blank"
    amount = parse_number(value)
    if amount is None:
        return None, "not_number"
    if not math.isfinite(amount) or abs(amount) >= MAX_AMOUNT:
        return None, "too_large"
    return amount, None


def _month(year, month):
    """The first day of the month; None when there is no such month (whether
    the month is plausible is the statement's business, not the parser's)."""
    if datetime.MINYEAR <= year <= datetime.MAXYEAR and 1 <= month <= 12:
        return datetime.date(year, month, 1)
    return None


def parse_period(value):
    """The first day of the month a cell names: a date, 2026-03, 2026-03-15,
    03/2026, 15.03.2026 (day first unless that cannot be), 202603; None
    when the cell names no month."""
    if isinstance(value, datetime.datetime | datetime.date):
        return _month(value.year, value.month)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        number = int(value)
        if number != value:
            return None
        if 190001 <= number <= 220012:
            return _month(number // 100, number % 100)
        if 1 <= number < 100000 and openpyxl:
            # A date cell of a workbook that lost its date format.
            serial = from_excel(number)
            return _month(serial.year, serial.month)
        return None
    text = str(value).strip()
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text):
        return _month(int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})([ T].*)?", text):
        return _month(int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text):
        return _month(int(match[2]), int(match[1]))
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})( .*)?", text):
        first, second = int(match[1]), int(match[2])
        month = first if second > 12 else second
        return _month(int(match[3]), month)
    if match := re.fullmatch(r"(\d{4})(\d{2})", text):
        return _month(int(match[1]), int(match[2]))
    return None


def policy_number(value):
    """The policy number of a cell; whole numbers without a decimal part."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if not is_blank(value) else ""


def read_rows(content, limit=None):
    """[(row number, [cell values])] of the first sheet of an XLSX workbook,
    or of a CSV file in UTF-8 (with or without BOM) whose delimiter is the
    one its first line uses most; at most ``limit`` rows."""
    if zipfile.is_zipfile(io.BytesIO(content)):
        return _read_xlsx_rows(content, limit)
    return _read_csv_rows(content, limit)


# What openpyxl raises on a damaged workbook: not a zip, missing parts,
# malformed XML (lxml's and ElementTree's errors are SyntaxErrors).
XLSX_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    SyntaxError,
    OverflowError,
)


def _read_xlsx_rows(content, limit):
    """The values the spreadsheet program computed: a formula cell is read as
    its stored result, or as a FormulaCell when that result is missing or a
    placeholder, never as 0."""
    try:
        # openpyxl warns of what it skips (data validation, odd dates read as
        # errors...): nothing the rows are read without.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values_book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
            formulas_book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=False
            )
            try:
                if not values_book.worksheets:
                    return []
                placeholders = _recalculated_on_load(content)
                rows = zip(
                    values_book.worksheets[0].iter_rows(),
                    formulas_book.worksheets[0].iter_rows(),
                    strict=False,
                )
                return [
                    (number, _row_values(number, cells, formula_cells, placeholders))
                    for number, (cells, formula_cells) in itertools.islice(
                        enumerate(rows, start=1), limit
                    )
                ]
            finally:
                values_book.close()
                formulas_book.close()
    except XLSX_ERRORS as e:
        raise UnreadableFileError() from e


def _recalculated_on_load(content):
    """Whether the workbook asks the spreadsheet program to recompute every
    formula on opening (``<calcPr fullCalcOnLoad="1"/>``), as the libraries
    that write workbooks without computing them do: its stored results are
    placeholders. (openpyxl reads a missing attribute as true.)"""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [
            name
            for name in archive.namelist()
            if re.fullmatch(r"(.*/)?workbook\d*\.xml", name)
        ]
        if not names:
            return True
        workbook = archive.read(names[0])
    calculation = re.search(rb"<(?:\w+:)?calcPr\b[^>]*>", workbook)
    return bool(
        calculation
        and re.search(rb"""\bfullCalcOnLoad\s*=\s*["'](1|true)["']""", calculation[0])
    )


def _row_values(number, cells, formula_cells, placeholders):
    values = [cell.value for cell in cells]
    for index, cell in enumerate(formula_cells[: len(values)]):
        if cell.data_type == "f" and (values[index] is None or placeholders):
            values[index] = FormulaCell(
                f"{get_column_letter(index + 1)}{number}", str(cell.value)
            )
    return values


def _read_csv_rows(content, limit):
    if b"\x00" in content:
        raise UnreadableFileError()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnreadableFileError() from e
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [
            (number, values)
            for number, values in itertools.islice(enumerate(reader, start=1), limit)
        ]
    except csv.Error as e:
        raise UnreadableFileError() from e


def find_header_row(rows, policy_header=False):
    """Index in ``rows`` (as ``read_rows`` gives them) of the header: the
    row naming the policy number column ``policy_header``, else the first
    row of two cells or more, else the first non-empty row, among the first
    HEADER_SEARCH_ROWS rows; None for an empty file."""
    wanted = normalize_header(policy_header)
    filled = [
        (index, [value for value in values if not is_blank(value)])
        for index, (__, values) in enumerate(rows[:HEADER_SEARCH_ROWS])
    ]
    filled = [(index, values) for index, values in filled if values]
    if wanted:
        for index, values in filled:
            if wanted in {normalize_header(value) for value in values}:
                return index
    for index, values in filled:
        if len(values) >= 2:
            return index
    return filled[0][0] if filled else None


def guess_columns(headers, columns):
    """{column: header} for the ``columns`` some of ``headers`` look like:
    a header equal to a hint (HEADER_HINTS) first, else one containing a
    hint; a header is given to one column at most."""
    guessed = {}
    names = [(header, normalize_header(header)) for header in headers]
    for column in columns:
        hints = HEADER_HINTS[column]
        used = set(guessed.values())
        candidates = [(h, n) for h, n in names if h not in used]
        header = next((h for h, n in candidates if n in hints), None) or next(
            (
                h
                for hint in hints
                for h, n in candidates
                if re.search(r"\b" + re.escape(hint), n)
            ),
            None,
        )
        if header:
            guessed[column] = header
    return guessed


def period_bounds(today):
    """(first, last) month a statement row may report, around ``today``."""
    return (
        datetime.date(today.year - PERIOD_YEARS_BACK, 1, 1),
        datetime.date(today.year + PERIOD_YEARS_AHEAD, 12, 1),
    )


def header_positions(header):
    """{normalized header: index of its first cell} of the header row."""
    positions = {}
    for index, value in enumerate(header):
        positions.setdefault(normalize_header(value), index)
    return positions


def row_key(cells):
    """A data row as a key to find the rows repeated cell for cell: its
    cells without the blank ones that end it (a CSV line may end with a
    delimiter, a worksheet row with an empty formatted cell)."""
    key = tuple(cells)
    while key and is_blank(key[-1]):
        key = key[:-1]
    return key
