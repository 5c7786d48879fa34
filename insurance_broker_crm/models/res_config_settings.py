from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    insurance_currency_id = fields.Many2one(related="company_id.currency_id")
    insurance_card_cost = fields.Monetary(
        related="company_id.insurance_card_cost",
        currency_field="insurance_currency_id",
        readonly=False,
    )
