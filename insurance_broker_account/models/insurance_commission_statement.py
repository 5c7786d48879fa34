from odoo import fields, models


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
    file_hash = fields.Char(
        index=True, copy=False, help="SHA-256 of the imported file's content."
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
