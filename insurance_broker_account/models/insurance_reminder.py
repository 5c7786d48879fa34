from odoo import fields, models


class InsuranceReminder(models.Model):
    """A reminder sent for an invoice at a level; never twice."""

    _name = "insurance.reminder"
    _description = "Debtor Reminder Sent"
    _order = "date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    level_id = fields.Many2one(
        "insurance.reminder.level",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    partner_id = fields.Many2one(related="move_id.partner_id", store=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "move_level_uniq",
            "UNIQUE(move_id, level_id)",
            "A reminder is sent once per invoice and level.",
        ),
    ]
