from odoo import fields, models


class InsuranceReminderLevel(models.Model):
    """A step of the reminders sent for an overdue premium invoice."""

    _name = "insurance.reminder.level"
    _description = "Debtor Reminder Level"
    _order = "days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="Sent when the invoice is this many days overdue.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'account.move')]",
    )
    create_activity = fields.Boolean(
        string="Task for the Client Manager", default=True
    )
    collector_id = fields.Many2one(
        "res.partner",
        string="Debt Collector",
        check_company=True,
        help="At this level the debt is handed to this collector.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
