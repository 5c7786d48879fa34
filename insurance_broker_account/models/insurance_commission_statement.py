from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date
from odoo.tools.sql import (
    column_exists,
    constraint_definition,
    drop_constraint,
    table_exists,
)

from ..tools.statement_hash import rows_hash


class InsuranceCommissionStatement(models.Model):
    """An insurer's commission statement, imported from its XLSX or CSV file."""

    _name = "insurance.commission.statement"
    _description = "Insurer Commission Statement"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    insurer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_insurer', '=', True)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    file_name = fields.Char()
    content_hash = fields.Char(
        copy=False,
        readonly=True,
        help="SHA-256 of the statement's rows (policy number, month, "
        "commission): the same rows cannot be imported twice, whatever the file.",
    )
    state = fields.Selection(
        [("draft", "To confirm"), ("done", "Confirmed")],
        default="draft",
        required=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        "insurance.commission.statement.line", "statement_id", string="Rows"
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    total_commission = fields.Monetary(
        string="Commission Reported", compute="_compute_totals", store=True
    )
    total_expected = fields.Monetary(
        string="Commission Expected", compute="_compute_totals", store=True
    )
    total_difference = fields.Monetary(
        string="Difference", compute="_compute_totals", store=True
    )
    line_count = fields.Integer(
        string="Number of Rows", compute="_compute_totals", store=True
    )
    matched_count = fields.Integer(
        string="Matched", compute="_compute_totals", store=True
    )
    differing_count = fields.Integer(
        string="Differing", compute="_compute_totals", store=True
    )
    unknown_count = fields.Integer(
        string="Unknown", compute="_compute_totals", store=True
    )
    repeated_count = fields.Integer(
        string="Repeated Rows",
        compute="_compute_repeated_count",
        store=True,
        help="Rows that repeat an earlier row of the file cell for cell.",
    )

    _sql_constraints = [
        (
            "content_uniq",
            "UNIQUE(company_id, insurer_id, content_hash)",
            "A statement of the insurer with the same rows has already been imported.",
        ),
    ]

    def _auto_init(self):
        # Statements imported before they were known by their rows get the
        # hash of their rows when the column appears (a module update).
        cr = self.env.cr
        upgrade = table_exists(cr, self._table) and not column_exists(
            cr, self._table, "content_hash"
        )
        result = super()._auto_init()
        if upgrade:
            self._init_content_hash()
        return result

    def _init_content_hash(self):
        """Hash the rows of the statements without a hash; of statements with
        the same rows (imported twice from files that differed in their
        bytes), the first keeps the hash and the others none. The file's
        hash, which they were known by until now, no longer is unique."""
        cr = self.env.cr
        old_constraint = f"{self._table}_file_uniq"
        if constraint_definition(cr, self._table, old_constraint):
            drop_constraint(cr, self._table, old_constraint)
        cr.execute(
            SQL(
                """SELECT statement.id, statement.company_id, statement.insurer_id,
                          currency.decimal_places, line.policy_number,
                          line.period, line.commission
                     FROM insurance_commission_statement statement
                     JOIN res_currency currency ON currency.id = statement.currency_id
                     JOIN insurance_commission_statement_line line
                       ON line.statement_id = statement.id
                    WHERE statement.content_hash IS NULL
                    ORDER BY statement.id, line.id"""
            )
        )
        rows_of = defaultdict(list)
        key_of = {}
        for statement_id, company_id, insurer_id, decimals, *row in cr.fetchall():
            key_of[statement_id] = (company_id, insurer_id, decimals)
            rows_of[statement_id].append(
                dict(zip(("policy_number", "period", "commission"), row, strict=True))
            )
        cr.execute(
            SQL(
                """SELECT company_id, insurer_id, content_hash
                     FROM insurance_commission_statement
                    WHERE content_hash IS NOT NULL"""
            )
        )
        taken = set(cr.fetchall())
        for statement_id, (company_id, insurer_id, decimals) in key_of.items():
            digest = rows_hash(rows_of[statement_id], decimals)
            if (company_id, insurer_id, digest) in taken:
                continue
            taken.add((company_id, insurer_id, digest))
            cr.execute(
                SQL(
                    "UPDATE insurance_commission_statement SET content_hash = %s "
                    "WHERE id = %s",
                    digest,
                    statement_id,
                )
            )
        self.invalidate_model(["content_hash"])

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends(
        "line_ids.commission",
        "line_ids.expected_commission",
        "line_ids.difference",
        "line_ids.match_state",
    )
    def _compute_totals(self):
        for statement in self:
            lines = statement.line_ids
            statement.total_commission = sum(lines.mapped("commission"))
            statement.total_expected = sum(lines.mapped("expected_commission"))
            statement.total_difference = sum(lines.mapped("difference"))
            statement.line_count = len(lines)
            states = lines.mapped("match_state")
            statement.matched_count = states.count("matched")
            statement.differing_count = states.count("differing")
            statement.unknown_count = states.count("unknown")

    @api.depends("line_ids.repeated_row")
    def _compute_repeated_count(self):
        for statement in self:
            statement.repeated_count = len(
                statement.line_ids.filtered(lambda line: line.repeated_row)
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(statement.state == "done" for statement in self):
            raise UserError(
                self.env._(
                    "A confirmed statement cannot be deleted: reset it to draft first."
                )
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_confirm(self):
        """Record what the insurer paid: the rows count as received on the
        commission lines they are matched to (``received_amount``)."""
        if any(statement.state != "draft" for statement in self):
            raise UserError(self.env._("Only statements to confirm can be confirmed."))
        self._check_matches_still_open()
        self.write({"state": "done"})
        for statement in self:
            statement.message_post(body=statement._confirmation_summary())
        return True

    def _check_matches_still_open(self):
        """Refuse to confirm rows matched to commission that another
        statement, confirmed (or reset) since, has changed: two statements
        reporting the same commission would otherwise both count as its
        payment. Matching again shows the rows as they now stand."""
        for statement in self:
            stale = statement.line_ids.filtered(
                lambda row: (
                    row.commission_line_id
                    and row.currency_id.compare_amounts(
                        row.expected_commission,
                        self._open_amount(row.commission_line_id),
                    )
                )
            )
            if stale:
                raise UserError(
                    self.env._(
                        "Since %(statement)s was matched, another statement "
                        "changed what was received on %(policies)s. Click "
                        '"Match Again" and check the rows before confirming.',
                        statement=statement.display_name,
                        policies=", ".join(
                            sorted(set(stale.mapped("policy_id.display_name")))
                        ),
                    )
                )

    def action_draft(self):
        """Undo the confirmation: the rows no longer count as received."""
        if any(statement.state != "done" for statement in self):
            raise UserError(self.env._("Only confirmed statements can be reset."))
        self.write({"state": "draft"})
        return True

    def action_match(self):
        """Match the rows again, e.g. after the missing policies were entered."""
        if any(statement.state != "draft" for statement in self):
            raise UserError(
                self.env._("Only statements to confirm can be matched again.")
            )
        for statement in self:
            lines = statement.line_ids.sorted(lambda line: (line.sequence, line.id))
            rows = [
                {
                    "policy_number": line.policy_number,
                    "commission": line.commission,
                    "period": line.period,
                }
                for line in lines
            ]
            results = self._match_rows(
                statement.insurer_id, statement.company_id, statement.currency_id, rows
            )
            for line, values in zip(lines, results, strict=True):
                line.write(values)
        return True

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _match_rows(self, insurer, company, currency, rows):
        """Match statement rows to the open commission of ``insurer``.

        ``rows`` are dicts with ``policy_number``, ``commission`` and
        ``period`` (first day of a month). A row takes the open commission
        line of its policy dated in its month (the one of the same amount
        first), else the policy's oldest open line; a line is taken by one row
        only. Returns, per row in order, the matching values of a statement
        line (policy, commission line, expected, difference, match state,
        note).
        """
        numbers = {row["policy_number"] for row in rows if row["policy_number"]}
        policies = self.env["insurance.policy"].search(
            [
                ("insurer_id", "=", insurer.id),
                ("company_id", "=", company.id),
                ("name", "in", list(numbers)),
            ]
        )
        policy_of = {policy.name: policy for policy in policies}
        open_lines = defaultdict(list)
        commission_lines = self.env["insurance.commission.line"].search(
            [
                ("policy_id", "in", policies.ids),
                ("kind", "in", ("expected", "chargeback")),
            ],
            order="date, id",
        )
        for line in commission_lines:
            if self._open_amount(line):
                open_lines[line.policy_id.id].append(line)
        taken = set()
        results = []
        for row in rows:
            policy = policy_of.get(row["policy_number"])
            if not policy:
                results.append(
                    {
                        "policy_id": False,
                        "commission_line_id": False,
                        "expected_commission": 0.0,
                        "difference": row["commission"],
                        "match_state": "unknown",
                        "note": self.env._(
                            "No policy with this number from this insurer."
                        ),
                    }
                )
                continue
            line, note = self._pick_line(
                [line for line in open_lines[policy.id] if line.id not in taken],
                row,
                currency,
            )
            taken.add(line.id)
            expected = self._open_amount(line) if line else 0.0
            difference = currency.round(row["commission"] - expected)
            results.append(
                {
                    "policy_id": policy.id,
                    "commission_line_id": line.id,
                    "expected_commission": expected,
                    "difference": difference,
                    "match_state": "matched"
                    if line and currency.is_zero(difference)
                    else "differing",
                    "note": note,
                }
            )
        return results

    @api.model
    def _open_amount(self, line):
        """What is still to be received of a commission line: negative for a
        chargeback, 0 once the statements paid all of it (or more)."""
        currency = line.currency_id
        remaining = currency.round(line.amount - line.received_amount)
        sign = 1 if line.amount >= 0 else -1
        return remaining if currency.compare_amounts(remaining * sign, 0) > 0 else 0.0

    @api.model
    def _pick_line(self, candidates, row, currency):
        """The commission line a row pays, and a note when it is not the
        line of the row's month."""
        period = row["period"]
        period_end = period + relativedelta(months=1, days=-1)
        in_month = [line for line in candidates if period <= line.date <= period_end]
        for line in in_month:
            if (
                currency.compare_amounts(self._open_amount(line), row["commission"])
                == 0
            ):
                return line, False
        if in_month:
            return in_month[0], False
        if candidates:
            return candidates[0], self.env._(
                "No open commission in %(month)s: matched to the oldest open "
                "commission, of %(date)s.",
                month=format_date(self.env, period, date_format="MM/yyyy"),
                date=format_date(self.env, candidates[0].date),
            )
        return self.env["insurance.commission.line"], self.env._(
            "No open commission is expected for this policy."
        )

    def _confirmation_summary(self):
        """The chatter note of a confirmation: what was received, by match."""
        self.ensure_one()

        def total(match_state):
            return format_amount(
                self.env,
                sum(
                    self.line_ids.filtered(
                        lambda line: line.match_state == match_state
                    ).mapped("commission")
                ),
                self.currency_id,
            )

        items = (
            self.env._(
                "%(count)s matched rows: %(amount)s",
                count=self.matched_count,
                amount=total("matched"),
            ),
            self.env._(
                "%(count)s differing rows: %(amount)s (difference from the "
                "expected commission: %(difference)s)",
                count=self.differing_count,
                amount=total("differing"),
                difference=format_amount(
                    self.env,
                    sum(
                        self.line_ids.filtered(
                            lambda line: line.match_state == "differing"
                        ).mapped("difference")
                    ),
                    self.currency_id,
                ),
            ),
            self.env._(
                "%(count)s rows of unknown policies: %(amount)s",
                count=self.unknown_count,
                amount=total("unknown"),
            ),
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Statement confirmed: %(amount)s received.",
                amount=format_amount(self.env, self.total_commission, self.currency_id),
            ),
            Markup().join(Markup("<li>%s</li>") % item for item in items),
        )

    @api.model
    def _content_hash(self, rows, decimal_places):
        """The hash a statement of ``rows`` (dicts of ``policy_number``,
        ``period``, ``commission``) is known by."""
        return rows_hash(rows, decimal_places)

    @api.model
    def _statement_name(self, insurer, periods):
        """The insurer and the months the statement covers."""
        months = sorted(set(periods))
        first, last = (
            format_date(self.env, month, date_format="MM/yyyy")
            for month in (months[0], months[-1])
        )
        return f"{insurer.name} {first}" + (f" – {last}" if last != first else "")
