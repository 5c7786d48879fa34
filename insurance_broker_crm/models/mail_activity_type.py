from datetime import timedelta

from odoo import fields, models


class MailActivityType(models.Model):
    """Task types with the broker's standards: how long a task may take
    (its deadline follows from it) and what it costs the office."""

    _name = "mail.activity.type"
    _inherit = ["mail.activity.type", "insurance.bounded.mixin"]

    insurance_time_standard = fields.Float(
        string="Time Standard",
        help="How long the task may take. Tasks the automations create are due "
        "this many working hours or working days after they are created "
        "(the assignee's company working schedule).",
    )
    insurance_time_unit = fields.Selection(
        [("hours", "Working Hours"), ("days", "Working Days")],
        string="Time Standard Unit",
        default="hours",
    )
    insurance_cost_standard = fields.Float(
        string="Cost Standard",
        digits="Product Price",
        help="What doing the task costs, in the company's currency; summed over "
        "the done tasks in the activity reports.",
    )
    insurance_required_field_ids = fields.Many2many(
        "ir.model.fields",
        string="Required to Mark Done",
        domain="[('model', '=', res_model), ('store', '=', True)]",
        help="The task cannot be marked done while one of these fields of its "
        "record is empty.",
    )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_time_standard": (0.0, 10000.0),
            "insurance_cost_standard": "positive_amount",
        }

    def _insurance_due_at(self, start, user):
        """When a task of this type created at ``start`` (naive UTC) for
        ``user`` is due, by the working schedule of the user's company;
        False when the type has no time standard."""
        self.ensure_one()
        if self.insurance_time_standard <= 0:
            return False
        calendar = (user.company_id or self.env.company).resource_calendar_id
        if self.insurance_time_unit == "days":
            # plan_days counts whole days: the day of creation is the first.
            days = max(round(self.insurance_time_standard), 1)
            due = calendar and calendar.plan_days(days, start, compute_leaves=True)
            return due or start + timedelta(days=days)
        due = calendar and calendar.plan_hours(
            self.insurance_time_standard, start, compute_leaves=True
        )
        return due or start + timedelta(hours=self.insurance_time_standard)
