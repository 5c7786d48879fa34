from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    insurance_card_cost = fields.Monetary(
        string="Card Cost",
        currency_field="currency_id",
        default=190.0,
        help="Fixed cost of the client card subtracted from every deal budget.",
    )
