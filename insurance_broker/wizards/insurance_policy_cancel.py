from odoo import api, fields, models

from ..models.insurance_bounded_mixin import DATE


class InsurancePolicyCancel(models.TransientModel):
    """Asks why and from when a policy is cancelled."""

    _name = "insurance.policy.cancel"
    _description = "Cancel Insurance Policies"
    _inherit = ["insurance.bounded.mixin"]

    policy_ids = fields.Many2many("insurance.policy", string="Policies", required=True)
    reason = fields.Text(required=True)
    date = fields.Date(
        string="Cancellation Date", required=True, default=fields.Date.context_today
    )

    def _insurance_bounds(self):
        return {**super()._insurance_bounds(), "date": DATE}

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            self.env.context.get("active_model") == "insurance.policy"
            and "policy_ids" in fields_list
        ):
            values["policy_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_cancel(self):
        self.ensure_one()
        self.policy_ids._cancel(self.reason, self.date)
        return {"type": "ir.actions.act_window_close"}
