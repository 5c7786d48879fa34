import base64
import csv
import datetime
import io
import itertools
import math
import os
import re
import unicodedata
import warnings
import zipfile

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import file_open, format_date

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


class InsuranceCommissionStatementImport(models.TransientModel):
    """Read an insurer's statement file into a statement to check and confirm."""

    _name = "insurance.commission.statement.import"
    _description = "Import an Insurer Commission Statement"

    insurer_id = fields.Many2one(
        "res.partner", required=True, domain="[('is_insurer', '=', True)]"
    )
    file = fields.Binary(required=True)
    file_name = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    column_policy = fields.Char(
        string="Policy Number Column",
        compute="_compute_column_policy",
        store=True,
        readonly=False,
        help="The header of the column holding the policy numbers.",
    )
    column_premium = fields.Char(
        string="Premium Column",
        compute="_compute_column_premium",
        store=True,
        readonly=False,
        help="Leave empty when the statement has no premium.",
    )
    column_commission = fields.Char(
        string="Commission Column",
        compute="_compute_column_commission",
        store=True,
        readonly=False,
    )
    column_period = fields.Char(
        string="Period Column",
        compute="_compute_column_period",
        store=True,
        readonly=False,
        help="The month each row reports: a date, 2026-03 or 03/2026.",
    )
    file_columns = fields.Char(
        string="Columns in the File", compute="_compute_file_columns"
    )
    issues = fields.Text(
        string="Unusable Rows",
        readonly=True,
        help="Nothing is imported while the file has rows that cannot be used.",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    # One compute per column: a column given when the wizard is created
    # does not keep the others from being filled in.
    @api.depends("insurer_id", "file")
    def _compute_column_policy(self):
        for wizard in self:
            wizard.column_policy = wizard._column_mapping()["policy"]

    @api.depends("insurer_id", "file")
    def _compute_column_premium(self):
        for wizard in self:
            wizard.column_premium = wizard._column_mapping()["premium"]

    @api.depends("insurer_id", "file")
    def _compute_column_commission(self):
        for wizard in self:
            wizard.column_commission = wizard._column_mapping()["commission"]

    @api.depends("insurer_id", "file")
    def _compute_column_period(self):
        for wizard in self:
            wizard.column_period = wizard._column_mapping()["period"]

    def _column_mapping(self):
        """{column: header}: the insurer's remembered headers when the file
        has them (or when there is no file yet), else the file's headers that
        look like each column."""
        self.ensure_one()
        remembered = {
            column: self.insurer_id[f"insurance_statement_column_{column}"]
            for column in COLUMNS
        }
        headers = self._file_headers(remembered["policy"])
        by_name = {normalize_header(header): header for header in headers}
        mapping = dict.fromkeys(COLUMNS, False)
        for column in COLUMNS:
            name = normalize_header(remembered[column])
            if name and (name in by_name or not headers):
                mapping[column] = by_name.get(name, remembered[column])
        mapping.update(
            self._guess_columns(
                [header for header in headers if header not in mapping.values()],
                [column for column in COLUMNS if not mapping[column]],
            )
        )
        return mapping

    @api.depends("file")
    def _compute_file_columns(self):
        for wizard in self:
            wizard.file_columns = ", ".join(wizard._file_headers(wizard.column_policy))

    @api.model
    def _guess_columns(self, headers, columns):
        """{column: header} for the ``columns`` some of ``headers`` look like:
        a header equal to a hint first, else one containing a hint."""
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

    def _file_headers(self, policy_header=False):
        """The header row of the file, [] when there is no readable file."""
        self.ensure_one()
        if not self.file:
            return []
        try:
            rows = read_rows(base64.b64decode(self.file), limit=HEADER_SEARCH_ROWS)
        except (UnreadableFileError, ValueError):
            return []
        header_row = self._find_header_row(rows, policy_header)
        if header_row is None:
            return []
        return [
            str(value).strip() for value in rows[header_row][1] if not is_blank(value)
        ]

    @api.model
    def _find_header_row(self, rows, policy_header=False):
        """Index in ``rows`` of the header: the row naming the policy number
        column, else the first row of two cells or more, else the first
        non-empty row; None for an empty file."""
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

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_import(self):
        """Create the statement of the file, or list why it cannot be."""
        self.ensure_one()
        content = base64.b64decode(self.file or b"")
        if not content.strip():
            return self._show_issues([self.env._("The file is empty.")])
        rows, issues = self._parse(content)
        if issues:
            return self._show_issues(issues)
        Statement = self.env["insurance.commission.statement"]
        currency = self.company_id.currency_id
        # A statement is known by its rows, not by its file's bytes: the same
        # rows saved again (other line endings, delimiter, encoding, blank
        # lines, XLSX instead of CSV) are the same statement.
        content_hash = Statement._content_hash(rows, currency.decimal_places)
        existing = Statement.search(
            [
                ("insurer_id", "=", self.insurer_id.id),
                ("company_id", "=", self.company_id.id),
                ("content_hash", "=", content_hash),
            ],
            limit=1,
        )
        if existing:
            return self._already_imported(existing)
        results = Statement._match_rows(
            self.insurer_id, self.company_id, currency, rows
        )
        if not any(result["policy_id"] for result in results):
            # Nothing to reconcile: most likely another insurer's file.
            return self._show_issues(
                [
                    self.env._(
                        "None of the %(count)s rows matches a policy of "
                        "%(insurer)s: wrong insurer or wrong file?",
                        count=len(rows),
                        insurer=self.insurer_id.display_name,
                    )
                ]
            )
        statement = Statement.create(
            {
                "name": Statement._statement_name(
                    self.insurer_id, [row["period"] for row in rows]
                ),
                "insurer_id": self.insurer_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.company_id.currency_id.id,
                "file_name": self.file_name,
                "content_hash": content_hash,
                "line_ids": [
                    fields.Command.create(row | result)
                    for row, result in zip(rows, results, strict=True)
                ],
            }
        )
        self._remember_columns()
        self.issues = False
        return statement._get_records_action(
            name=self.env._("Insurer Statement"), context={}
        )

    def _show_issues(self, issues):
        self.issues = "\n".join(issues)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Statement"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _already_imported(self, statement):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "title": self.env._("Already imported"),
                "message": self.env._(
                    "The same rows (policy numbers, periods and commission) "
                    'were imported on %(date)s as "%(statement)s" (file '
                    "%(file)s): nothing was changed.",
                    date=format_date(self.env, statement.create_date),
                    statement=statement.name,
                    file=statement.file_name or "-",
                ),
                "next": statement._get_records_action(
                    name=self.env._("Insurer Statement"), context={}
                ),
            },
        }

    def _remember_columns(self):
        """Remember the columns for the insurer's next statement: only those
        of a file that was imported, never of a refused one."""
        values = {
            f"insurance_statement_column_{column}": self[f"column_{column}"] or False
            for column in COLUMNS
        }
        insurer = self.insurer_id
        if any(insurer[name] != value for name, value in values.items()):
            # sudo: invoicing users may not edit partners; only these four
            # header names of the insurer they imported a statement of are
            # written, and nothing else of the partner.
            insurer.sudo().write(values)

    # ------------------------------------------------------------
    # PARSING
    # ------------------------------------------------------------

    def _parse(self, content):
        """([row values], [issues]) of the file: the rows to import, each a
        dict of ``sequence`` (row number), ``policy_number``, ``premium``,
        ``commission``, ``period`` and ``repeated_row`` (the number of the
        earlier row it repeats cell for cell, else 0); the issues name every
        row that cannot be used, with its number and why."""
        try:
            rows = read_rows(content)
        except UnreadableFileError:
            return [], [
                self.env._(
                    "The file cannot be read: it is neither an Excel workbook "
                    "(XLSX) nor a CSV text file in UTF-8."
                )
            ]
        header_row = self._find_header_row(rows, self.column_policy)
        if header_row is None:
            return [], [self.env._("The file is empty.")]
        header_number, header = rows[header_row]
        indexes, issues = self._column_indexes(header)
        if issues:
            return [], issues
        values, issues = [], []
        seen = {}
        periods = self._period_bounds()
        for number, cells in rows[header_row + 1 :]:
            if all(is_blank(cell) for cell in cells):
                continue
            row, reasons = self._parse_row(cells, indexes, periods)
            # A row repeated cell for cell is imported, and flagged for the
            # accountant to check with the insurer: two instalments of the
            # same amount paid in one month are two rows of their own too.
            verbatim = tuple(cells)
            while verbatim and is_blank(verbatim[-1]):
                verbatim = verbatim[:-1]
            if reasons:
                issues.append(
                    self.env._(
                        "Row %(row)s: %(reasons)s.",
                        row=number,
                        reasons="; ".join(reasons),
                    )
                )
                continue
            values.append(
                dict(row, sequence=number, repeated_row=seen.get(verbatim, 0))
            )
            seen.setdefault(verbatim, number)
        if not values and not issues:
            issues.append(
                self.env._(
                    "The file has no rows below its header (row %(row)s).",
                    row=header_number,
                )
            )
        return values, issues

    def _column_indexes(self, header):
        """({column: index in the row}, [issues]) of the mapped columns."""
        labels = {
            "policy": self.env._("policy number"),
            "premium": self.env._("premium"),
            "commission": self.env._("commission"),
            "period": self.env._("period"),
        }
        position = {}
        for index, value in enumerate(header):
            position.setdefault(normalize_header(value), index)
        found = ", ".join(
            f'"{str(value).strip()}"' for value in header if not is_blank(value)
        )
        indexes, issues = {}, []
        for column in COLUMNS:
            mapped = self[f"column_{column}"]
            if not mapped:
                if column != "premium":
                    issues.append(
                        self.env._(
                            "Give the column of the %(column)s.",
                            column=labels[column],
                        )
                    )
                continue
            if normalize_header(mapped) not in position:
                issues.append(
                    self.env._(
                        'The file has no column "%(header)s" (%(column)s); its '
                        "columns are: %(found)s.",
                        header=mapped,
                        column=labels[column],
                        found=found,
                    )
                )
                continue
            indexes[column] = position[normalize_header(mapped)]
        return indexes, issues

    def _period_bounds(self):
        """(first, last) month a row may report."""
        today = fields.Date.context_today(self)
        return (
            datetime.date(today.year - PERIOD_YEARS_BACK, 1, 1),
            datetime.date(today.year + PERIOD_YEARS_AHEAD, 12, 1),
        )

    def _parse_row(self, cells, indexes, periods):
        """(row values, [reasons it cannot be used]) of one data row."""

        def cell(column):
            index = indexes.get(column)
            return cells[index] if index is not None and index < len(cells) else None

        reasons = []
        formulas = [
            value
            for value in (cell(column) for column in COLUMNS)
            if isinstance(value, FormulaCell)
        ]
        for formula in formulas:
            reasons.append(
                self.env._(
                    "cell %(cell)s holds a formula (%(formula)s) whose result the "
                    "file does not store: open the file in a spreadsheet "
                    "program and save it, or paste the values instead of the "
                    "formulas",
                    cell=formula.coordinate,
                    formula=shown(formula.formula),
                )
            )
        if formulas:
            return {}, reasons
        number = policy_number(cell("policy"))
        if not number:
            reasons.append(self.env._("no policy number"))
        commission, problem = parse_amount(cell("commission"))
        if problem == "blank":
            reasons.append(self.env._("no commission"))
        elif problem:
            reasons.append(
                self._amount_reason(
                    problem, self.env._("commission"), cell("commission")
                )
            )
        premium, problem = parse_amount(cell("premium"))
        if problem and problem != "blank":
            reasons.append(
                self._amount_reason(problem, self.env._("premium"), cell("premium"))
            )
        period = parse_period(cell("period"))
        if is_blank(cell("period")):
            reasons.append(self.env._("no period"))
        elif period is None:
            reasons.append(
                self.env._(
                    'the period "%(value)s" is not a month (2026-03, 03/2026) '
                    "or a date",
                    value=shown(cell("period")),
                )
            )
        elif not periods[0] <= period <= periods[1]:
            reasons.append(
                self.env._(
                    'the period "%(value)s" is not a month a statement reports: '
                    "months from %(first)s to %(last)s are read",
                    value=shown(cell("period")),
                    first=format_date(self.env, periods[0], date_format="MM/yyyy"),
                    last=format_date(self.env, periods[1], date_format="MM/yyyy"),
                )
            )
        currency = self.company_id.currency_id
        return {
            "policy_number": number,
            "premium": currency.round(premium or 0.0) if not reasons else 0.0,
            "commission": currency.round(commission or 0.0) if not reasons else 0.0,
            "period": period,
        }, reasons

    def _amount_reason(self, problem, column, value):
        """Why the amount ``value`` of ``column`` cannot be used."""
        if problem == "too_large":
            return self.env._(
                'the %(column)s "%(value)s" is too large',
                column=column,
                value=shown(value),
            )
        return self.env._(
            'the %(column)s "%(value)s" is not a number',
            column=column,
            value=shown(value),
        )

    # ------------------------------------------------------------
    # DEMO
    # ------------------------------------------------------------

    @api.model
    def _import_demo_file(self, insurer_id, path, confirm=False):
        """Import a sample statement of the addon (demo data); importing it
        again changes nothing. Returns the statement."""
        with file_open(path, "rb") as sample:
            content = sample.read()
        wizard = self.create(
            {
                "insurer_id": insurer_id,
                "file": base64.b64encode(content),
                "file_name": os.path.basename(path),
            }
        )
        action = wizard.action_import()
        if wizard.issues:
            raise UserError(wizard.issues)
        created = action["type"] == "ir.actions.act_window"
        statement = self.env["insurance.commission.statement"].browse(
            action["res_id"] if created else action["params"]["next"]["res_id"]
        )
        if confirm and created:
            statement.action_confirm()
        return statement
