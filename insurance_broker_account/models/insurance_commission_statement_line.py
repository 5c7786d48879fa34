from odoo import fields, models


class InsuranceCommissionStatementLine(models.Model):
    """One row of an insurer's statement and what it was matched to."""

    _name = "insurance.commission.statement.line"
    _description = "Insurer Commission Statement Row"
    _order = "statement_id, sequence, id"
    _check_company_auto = True

    statement_id = fields.Many2one(
        "insurance.commission.statement",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    sequence = fields.Integer(string="Row", help="The row's number in the file.")
    policy_number = fields.Char()
    premium = fields.Monetary()
    commission = fields.Monetary(aggregator="sum")
    period = fields.Date(help="First day of the month the row reports.")
    policy_id = fields.Many2one(
        "insurance.policy", index="btree_not_null", check_company=True
    )
    commission_line_id = fields.Many2one(
        "insurance.commission.line",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    commission_date = fields.Date(
        related="commission_line_id.date", string="Expected On"
    )
    expected_commission = fields.Monetary(aggregator="sum")
    difference = fields.Monetary(aggregator="sum")
    match_state = fields.Selection(
        [
            ("matched", "Matched"),
            ("differing", "Differing"),
            ("unknown", "Unknown policy"),
        ],
        string="Match",
    )
    note = fields.Char(help="Why the row was matched the way it was.")
    repeated_row = fields.Integer(
        string="Repeats Row",
        help="The earlier row of the file that this row repeats cell for cell: "
        "check with the insurer that it is a payment of its own (two "
        "instalments of one month) and not a row listed twice.",
    )
    state = fields.Selection(related="statement_id.state", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id", store=True)
    insurer_id = fields.Many2one(related="statement_id.insurer_id", store=True)
    company_id = fields.Many2one(
        related="statement_id.company_id", store=True, index=True
    )
