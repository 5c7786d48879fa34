import secrets

from odoo import api, fields, models

# The people the automations hand a company's deals to.
PIPELINE_USER_FIELDS = (
    "insurance_logistician_id",
    "insurance_pickup_handler_id",
    "insurance_printer_id",
    "insurance_retyping_user_id",
    "insurance_admin_user_id",
)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "insurance.bounded.mixin"]

    insurance_card_cost = fields.Monetary(
        string="Card Cost",
        currency_field="currency_id",
        default=190.0,
        help="Fixed cost of the client card subtracted from every deal budget.",
    )

    # Who the automations hand a deal to (the head of sales and the renewal
    # department are the Renewal team's leader and members).
    insurance_logistician_id = fields.Many2one(
        "res.users", string="Logistician", check_company=True
    )
    insurance_pickup_handler_id = fields.Many2one(
        "res.users", string="Pick-up Handler", check_company=True
    )
    insurance_printer_id = fields.Many2one(
        "res.users", string="Printer", check_company=True
    )
    insurance_retyping_user_id = fields.Many2one(
        "res.users", string="Re-typing Group Account", check_company=True
    )
    insurance_admin_user_id = fields.Many2one(
        "res.users", string="Fulfilment Administrator", check_company=True
    )
    insurance_renewal_weekly_cap = fields.Integer(
        string="Renewals per Manager per Week",
        default=50,
        help="At most this many renewal deals are given to one renewal manager in a "
        "week; beyond, the head of sales assigns them.",
    )
    insurance_renewal_answer_days = fields.Integer(
        string="Days to Answer a Renewal Notice",
        default=14,
        help="The renewal notice asks the client to answer this many days before "
        "their policy ends.",
    )
    insurance_offer_validity_days = fields.Integer(
        string="Offer Validity (days)",
        default=14,
        help="An offer is valid this many days from its date; the offer prints "
        "the date it is valid until.",
    )
    insurance_questionnaire_required = fields.Boolean(
        string="Offer Requires Complete Demands and Needs",
        help="An offer is sent only when every required question of the "
        "product's demands and needs questionnaire is answered on the deal.",
    )
    insurance_call_token = fields.Char(
        string="Telephony Token",
        groups="base.group_system",
        copy=False,
        help="The secret the telephony system sends with each incoming call.",
    )

    @api.constrains(*PIPELINE_USER_FIELDS)
    def _check_pipeline_users_company(self):
        """The people the automations hand the company's deals to work in
        it (res.company does not check its relations by itself)."""
        self._check_company(list(PIPELINE_USER_FIELDS))

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_card_cost": "positive_amount",
            "insurance_renewal_weekly_cap": (0, 10000),
            "insurance_renewal_answer_days": (1, 365),
            "insurance_offer_validity_days": (1, 365),
        }

    def _insurance_generate_call_token(self):
        """A new telephony token for each company: the previous one stops
        working at once."""
        for company in self:
            company.insurance_call_token = secrets.token_urlsafe(32)
