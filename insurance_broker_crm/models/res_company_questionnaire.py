from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    insurance_questionnaire_required = fields.Boolean(
        string="Offer Requires Complete Demands and Needs",
        help="An offer is sent only when every required question of the "
        "product's demands and needs questionnaire is answered on the deal.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    insurance_questionnaire_required = fields.Boolean(
        related="company_id.insurance_questionnaire_required", readonly=False
    )
