from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    insurance_offer_validity_days = fields.Integer(
        related="company_id.insurance_offer_validity_days", readonly=False
    )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_offer_validity_days": (1, 365),
        }
