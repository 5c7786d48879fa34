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

    def _action_done(self, feedback=False, attachment_ids=None):
        self._check_required_to_mark_done()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

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
