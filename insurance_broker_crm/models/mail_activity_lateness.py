from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    """A task done after its deadline is stamped with how late it was and
    why: the user who marks it done gives the reason; the tasks the
    pipeline closes itself (the stage's task when the deal moves on) are
    stamped without one."""

    _inherit = "mail.activity"

    insurance_lateness_reason_id = fields.Many2one(
        "insurance.lateness.reason",
        string="Lateness Reason",
        ondelete="restrict",
        help="Why the task is done after its deadline; asked when a late task "
        "is marked done.",
    )
    insurance_lateness_note = fields.Text(
        string="Lateness Note", help="What delayed the task, in a few words."
    )
    insurance_late = fields.Boolean(
        string="Late",
        compute="_compute_insurance_late",
        help="The task's deadline has passed (done tasks: it was done after it).",
    )
    insurance_done_late = fields.Boolean(
        string="Done Late",
        compute="_compute_insurance_lateness",
        store=True,
        help="The task was done after its deadline.",
    )
    insurance_days_late = fields.Integer(
        string="Days Late",
        compute="_compute_insurance_lateness",
        store=True,
        help="Calendar days between the task's deadline and the day it was done.",
    )

    def _insurance_lateness_at(self, now):
        """(late, calendar days late) of this task done at ``now`` (naive
        UTC): late once its due moment (automatic tasks) or its deadline day
        has passed. Days are calendar days, as the client waits them."""
        self.ensure_one()
        if not self.date_deadline:
            return False, 0
        days = max((now.date() - self.date_deadline).days, 0)
        if self.insurance_due_at:
            return now > self.insurance_due_at, days
        return days > 0, days

    @api.depends("date_done", "date_deadline", "insurance_due_at")
    def _compute_insurance_lateness(self):
        # Recomputed when the task is archived done: now is the done moment.
        now = fields.Datetime.now()
        for activity in self:
            late, days = False, 0
            if activity.date_done:
                done_at = (
                    now
                    if activity.date_done >= now.date()
                    else datetime.combine(activity.date_done, time.max)
                )
                late, days = activity._insurance_lateness_at(done_at)
            activity.insurance_done_late = late
            activity.insurance_days_late = days

    @api.depends_context("uid")
    @api.depends("date_deadline", "insurance_due_at", "active", "insurance_done_late")
    def _compute_insurance_late(self):
        now = fields.Datetime.now()
        for activity in self:
            if activity.active:
                activity.insurance_late = activity._insurance_lateness_at(now)[0]
            else:
                activity.insurance_late = activity.insurance_done_late

    def _action_done(self, feedback=False, attachment_ids=None):
        """A late task is done with a reason, which the done message keeps.
        The pipeline's own closings pass ``insurance_lateness_auto``."""
        now = fields.Datetime.now()
        late = self.filtered(
            lambda activity: activity.active and activity._insurance_lateness_at(now)[0]
        )
        if not self.env.context.get("insurance_lateness_auto"):
            missing = late.filtered(
                lambda activity: not activity.insurance_lateness_reason_id
            )
            if missing:
                activity = missing[0]
                raise UserError(
                    self.env._(
                        "The task “%(task)s” is late (its deadline was %(deadline)s): "
                        "say why before marking it done. Open the task (its pencil "
                        "button in the activities), choose a lateness reason and "
                        "click Mark as Done.",
                        task=activity.summary or activity.activity_type_id.name,
                        deadline=activity.date_deadline,
                    )
                )
        if len(late) == 1 and late.insurance_lateness_reason_id:
            reason = late.insurance_lateness_reason_id.name
            if late.insurance_lateness_note:
                reason = f"{reason}: {late.insurance_lateness_note}"
            late_line = self.env._("Late: %s", reason)
            feedback = f"{feedback}\n{late_line}" if feedback else late_line
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
