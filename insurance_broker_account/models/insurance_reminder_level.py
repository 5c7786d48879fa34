from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# The levels a company starts with: (days after the due date, name, template);
# the same as data/insurance_reminder_level_data.xml gives the main company.
DEFAULT_LEVELS = [
    (3, _lt("First reminder"), "insurance_broker_account.mail_template_reminder_first"),
    (
        10,
        _lt("Second reminder"),
        "insurance_broker_account.mail_template_reminder_second",
    ),
    (30, _lt("Final notice"), "insurance_broker_account.mail_template_reminder_final"),
]


class InsuranceReminderLevel(models.Model):
    """A step of the reminders sent for an overdue premium invoice.

    Levels belong to a company: the reminder run uses the levels of each
    invoice's company, so a company without levels sends no reminder. Each
    day an overdue invoice gets the highest level it has reached, once:
    levels it passed while the run did not run are skipped, not sent late.
    """

    _name = "insurance.reminder.level"
    _description = "Debtor Reminder Level"
    _inherit = ["insurance.bounded.mixin"]
    _order = "company_id, days, id"
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
        help="E-mailed to the client, in the client's language, and kept in the "
        "invoice's chatter. Without a template, no e-mail is sent at this level.",
    )
    create_activity = fields.Boolean(
        string="Task for the Client Manager",
        default=True,
        help="Schedule a 'Debtor reminder' activity on the invoice's policy for "
        "the client's manager (the policy's client manager, else the client's, else "
        "the invoice's salesperson, else the activity type's default user).",
    )
    collector_id = fields.Many2one(
        "res.partner",
        string="Debt Collector",
        check_company=True,
        help="At this level the debt is handed to this collector: a message on "
        "the invoice informs the collector, who follows the invoice from then "
        "on, and the client manager gets the task to hand the file over. Leave "
        "empty to keep collecting the debt yourself.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    reminder_count = fields.Integer(
        compute="_compute_reminder_count", string="Reminders"
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    def _compute_reminder_count(self):
        counts = dict(
            self.env["insurance.reminder"]._read_group(
                [("level_id", "in", self.ids)], ["level_id"], ["__count"]
            )
        )
        for level in self:
            level.reminder_count = counts.get(level._origin, 0)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "days": (1, 3650),
        }

    @api.constrains("days", "company_id", "active")
    def _check_days(self):
        for level in self:
            if level.days < 1:
                raise ValidationError(
                    self.env._(
                        "A reminder is sent at least one day after the due date "
                        "(level %(level)s).",
                        level=level.name,
                    )
                )
        # Two active levels on the same day of the same company would be sent
        # in an arbitrary order: only one of them would ever go out.
        groups = self._read_group(
            [
                ("company_id", "in", self.company_id.ids),
                ("days", "in", self.mapped("days")),
            ],
            ["company_id", "days"],
            ["__count"],
        )
        for company, days, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has a reminder level %(days)s days "
                        "after the due date.",
                        company=company.name,
                        days=days,
                    )
                )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "insurance_broker_account.insurance_reminder_action"
        )
        action["domain"] = [("level_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def action_create_default_levels(self):
        """Give the current company the default levels (3, 10 and 30 days)
        if it has none; the button on the empty levels list of a new company."""
        self._create_default_levels(self.env.company)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _create_default_levels(self, companies):
        """Create the default levels of each of ``companies`` without active
        levels; return the levels created."""
        with_levels = {
            company.id
            for [company] in self.with_context(active_test=True)._read_group(
                [("company_id", "in", companies.ids)], ["company_id"]
            )
        }
        values = []
        for company in companies.filtered(lambda c: c.id not in with_levels):
            for days, name, template_xmlid in DEFAULT_LEVELS:
                template = self.env.ref(template_xmlid, raise_if_not_found=False)
                values.append(
                    {
                        "name": self.env._(name),
                        "days": days,
                        "mail_template_id": template.id if template else False,
                        "company_id": company.id,
                    }
                )
        return self.create(values)
