from datetime import datetime, time

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    insurance_due_at = fields.Datetime(
        string="Due At",
        readonly=True,
        help="The moment an automatic task is due, from its type's time standard.",
    )
    insurance_stage_id = fields.Many2one(
        "crm.stage",
        string="Given in Stage",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The pipeline stage the deal was in when this automatic task was "
        "given: it is marked done when the deal moves on from that stage, and "
        "cancelled when the deal goes back or is lost.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Automatic tasks of a type with a time standard are due when the
        standard says; tasks scheduled by hand keep the date their author chose."""
        self._insurance_stamp_stage(vals_list)
        now = fields.Datetime.now()
        for vals in vals_list:
            activity_type = self.env["mail.activity.type"].browse(
                vals.get("activity_type_id")
            )
            if not vals.get("automated") or vals.get("insurance_due_at"):
                continue
            if not activity_type or activity_type.insurance_time_standard <= 0:
                continue
            user = self.env["res.users"].browse(vals.get("user_id")) or self.env.user
            due_at = activity_type._insurance_due_at(now, user)
            tz = pytz.timezone(user.tz or self.env.user.tz or "UTC")
            vals["insurance_due_at"] = due_at
            vals["date_deadline"] = pytz.utc.localize(due_at).astimezone(tz).date()
        return super().create(vals_list)

    def write(self, vals):
        # Archived as done: the moment, which mail's done date (a day) does
        # not keep; the lateness of a task due at an hour is measured at it.
        if vals.get("active") is False and "insurance_done_at" not in vals:
            vals = dict(vals, insurance_done_at=fields.Datetime.now())
        return super().write(vals)

    @api.model
    def _insurance_stamp_stage(self, vals_list):
        """Note on each automatic task of a deal in one of the broker's
        pipelines the stage it is given in: the task of that stage, closed
        when the deal leaves it (``crm.lead._insurance_close_stage_tasks``).
        Tasks scheduled by hand are never stamped, and stay open."""
        lead_model = self.env["ir.model"]._get_id("crm.lead")
        todo = [
            vals
            for vals in vals_list
            if vals.get("automated")
            and vals.get("res_id")
            and "insurance_stage_id" not in vals
            and (
                vals.get("res_model") == "crm.lead"
                or vals.get("res_model_id") == lead_model
            )
        ]
        if not todo:
            return
        # sudo: only the stage of the deals the tasks are given on is read;
        # an automation may give a task on a deal it has just handed to
        # someone else, which the user who moved it may no longer read.
        leads = self.env["crm.lead"].sudo().browse({vals["res_id"] for vals in todo})
        stages = {lead.id: lead.stage_id for lead in leads.exists()}
        for vals in todo:
            stage = stages.get(vals["res_id"])
            if stage and stage.insurance_stage_code:
                vals["insurance_stage_id"] = stage.id

    def _check_required_to_mark_done(self):
        """A task whose type lists required fields is done only once its
        record has them (e.g. "set the next contact date")."""
        for activity in self:
            # sudo: field definitions (ir.model.fields) are readable by
            # administrators only; they are read here to know what to check.
            required = activity.activity_type_id.sudo().insurance_required_field_ids
            if not required or not activity.res_model or not activity.res_id:
                continue
            record = self.env[activity.res_model].browse(activity.res_id)
            missing = [
                field.with_context(lang=self.env.lang).field_description
                for field in required
                if field.model == activity.res_model and not record[field.name]
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "The task “%(task)s” cannot be marked done before %(record)s "
                        "has: %(fields)s.",
                        task=activity.summary or activity.activity_type_id.name,
                        record=record.display_name,
                        fields=", ".join(missing),
                    )
                )

    # ------------------------------------------------------------
    # LATENESS: how late a task was done, and why
    # ------------------------------------------------------------

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
    insurance_done_at = fields.Datetime(
        string="Done At",
        readonly=True,
        copy=False,
        help="When the task was marked done; the done date keeps only the day.",
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

    @api.depends("date_done", "insurance_done_at", "date_deadline", "insurance_due_at")
    def _compute_insurance_lateness(self):
        # Computed when the task is archived done (now is the done moment),
        # and again whenever its dates change: at the moment it was done if
        # known; else, for a task done before today, at the end of its done
        # day (tasks done before the moment was kept).
        now = fields.Datetime.now()
        for activity in self:
            late, days = False, 0
            if activity.date_done:
                done_at = activity.insurance_done_at
                if not done_at or done_at.date() != activity.date_done:
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
        """A late task is done with a reason, which the done message keeps
        (the pipeline's own closings pass ``insurance_lateness_auto``), and
        only once the fields its type requires are filled in."""
        now = fields.Datetime.now()
        # The deals' tasks only: a late task of another application (an
        # invoice's, a contact's) is done as Odoo does it.
        late = self.filtered(
            lambda activity: (
                activity.active
                and activity.res_model == "crm.lead"
                and activity._insurance_lateness_at(now)[0]
            )
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
        self._check_required_to_mark_done()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
