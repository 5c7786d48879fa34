from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "insurance.bounded.mixin"]

    # Its own label: account's settings have a "Currency" field too, and two
    # fields of a model with the same label are ambiguous in exports/filters.
    insurance_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Card Cost Currency"
    )
    insurance_card_cost = fields.Monetary(
        related="company_id.insurance_card_cost",
        currency_field="insurance_currency_id",
        readonly=False,
    )
    insurance_logistician_id = fields.Many2one(
        related="company_id.insurance_logistician_id", readonly=False
    )
    insurance_pickup_handler_id = fields.Many2one(
        related="company_id.insurance_pickup_handler_id", readonly=False
    )
    insurance_printer_id = fields.Many2one(
        related="company_id.insurance_printer_id", readonly=False
    )
    insurance_retyping_user_id = fields.Many2one(
        related="company_id.insurance_retyping_user_id", readonly=False
    )
    insurance_renewal_weekly_cap = fields.Integer(
        related="company_id.insurance_renewal_weekly_cap", readonly=False
    )
    insurance_admin_user_id = fields.Many2one(
        related="company_id.insurance_admin_user_id", readonly=False
    )
    insurance_renewal_answer_days = fields.Integer(
        related="company_id.insurance_renewal_answer_days", readonly=False
    )
    insurance_offer_validity_days = fields.Integer(
        related="company_id.insurance_offer_validity_days", readonly=False
    )
    insurance_questionnaire_required = fields.Boolean(
        related="company_id.insurance_questionnaire_required", readonly=False
    )
    insurance_call_token = fields.Char(
        related="company_id.insurance_call_token", groups="base.group_system"
    )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_card_cost": "positive_amount",
            "insurance_renewal_weekly_cap": (0, 10000),
            "insurance_renewal_answer_days": (1, 365),
            "insurance_offer_validity_days": (1, 365),
        }

    def action_insurance_create_missing_renewal_deals(self):
        policies = self.env["insurance.policy"]
        return policies.action_insurance_create_missing_renewal_deals()

    def action_insurance_generate_call_token(self):
        self.ensure_one()
        self.company_id._insurance_generate_call_token()
