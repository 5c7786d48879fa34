import base64
import os

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import file_open, format_date

from ..tools.statement_parser import (
    COLUMNS,
    HEADER_SEARCH_ROWS,
    FormulaCell,
    UnreadableFileError,
    find_header_row,
    guess_columns,
    header_positions,
    is_blank,
    normalize_header,
    parse_amount,
    parse_period,
    period_bounds,
    policy_number,
    read_rows,
    row_key,
    shown,
)


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
            guess_columns(
                [header for header in headers if header not in mapping.values()],
                [column for column in COLUMNS if not mapping[column]],
            )
        )
        return mapping

    @api.depends("file")
    def _compute_file_columns(self):
        for wizard in self:
            wizard.file_columns = ", ".join(wizard._file_headers(wizard.column_policy))

    def _file_headers(self, policy_header=False):
        """The header row of the file, [] when there is no readable file."""
        self.ensure_one()
        if not self.file:
            return []
        try:
            rows = read_rows(base64.b64decode(self.file), limit=HEADER_SEARCH_ROWS)
        except (UnreadableFileError, ValueError):
            return []
        header_row = find_header_row(rows, policy_header)
        if header_row is None:
            return []
        return [
            str(value).strip() for value in rows[header_row][1] if not is_blank(value)
        ]

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
        header_row = find_header_row(rows, self.column_policy)
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
            verbatim = row_key(cells)
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
        position = header_positions(header)
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
        return period_bounds(fields.Date.context_today(self))

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
