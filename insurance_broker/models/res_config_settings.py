from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    insurance_licence_number = fields.Char(
        related="company_id.insurance_licence_number", readonly=False
    )
    insurance_supervisory_authority = fields.Char(
        related="company_id.insurance_supervisory_authority", readonly=False
    )
    insurance_remuneration = fields.Selection(
        related="company_id.insurance_remuneration", readonly=False
    )
    insurance_disclose_commission = fields.Boolean(
        related="company_id.insurance_disclose_commission", readonly=False
    )
    insurance_disclosure_note = fields.Text(
        related="company_id.insurance_disclosure_note", readonly=False
    )
