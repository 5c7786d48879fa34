from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    insurance_offer_validity_days = fields.Integer(
        string="Offer Validity (days)",
        default=14,
        help="An offer is valid this many days from its date; the offer prints "
        "the date it is valid until.",
    )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_offer_validity_days": (1, 365),
        }
