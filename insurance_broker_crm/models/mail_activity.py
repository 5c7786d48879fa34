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

    @api.model_create_multi
    def create(self, vals_list):
        """Automatic tasks of a type with a time standard are due when the
        standard says; tasks scheduled by hand keep the date their author chose."""
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
