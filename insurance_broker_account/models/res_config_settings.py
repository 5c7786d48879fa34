from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "insurance.bounded.mixin"]

    insurance_invoice_lead_days = fields.Integer(
        related="company_id.insurance_invoice_lead_days", readonly=False
    )
    insurance_invoice_grace_days = fields.Integer(
        related="company_id.insurance_invoice_grace_days", readonly=False
    )
    insurance_insurer_bill_grouping = fields.Selection(
        related="company_id.insurance_insurer_bill_grouping", readonly=False
    )
    insurance_commission_tax_id = fields.Many2one(
        related="company_id.insurance_commission_tax_id", readonly=False
    )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_invoice_lead_days": (0, 366),
            "insurance_invoice_grace_days": (0, 366),
        }
