from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang


class InsuranceQuote(models.Model):
    """An insurer's price for the cover a lead asks for; the client chooses one."""

    _name = "insurance.quote"
    _description = "Insurance Quote"
    _inherit = ["insurance.bounded.mixin"]
    _order = "lead_id, premium, id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    insurer_id = fields.Many2one(
        "res.partner",
        required=True,
        domain="[('is_insurer', '=', True)]",
        check_company=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    premium = fields.Monetary(required=True)
    commission = fields.Monetary(
        compute="_compute_commission",
        store=True,
        readonly=False,
        precompute=True,
        help="The broker's commission, from the commission rules; can be changed.",
    )
    deductible = fields.Monetary()
    terms = fields.Text(
        help="Cover, exclusions and conditions as the insurer quoted them."
    )
    chosen = fields.Boolean(copy=False)

    _sql_constraints = [
        ("premium_positive", "CHECK(premium >= 0)", "A premium cannot be negative."),
    ]

    @api.depends("insurer_id", "premium", "lead_id.insurance_product_id")
    def _compute_commission(self):
        Rule = self.env["insurance.commission.rule"]
        keys = [
            (
                quote.insurer_id,
                quote.lead_id.insurance_product_id,
                "new",
                quote.lead_id.insurance_date_start,
                quote.lead_id.company_id or self.env.company,
            )
            for quote in self
        ]
        for quote, rule in zip(self, Rule._find_rules(keys), strict=True):
            quote.commission = (
                rule._compute_commission(quote.premium, quote.currency_id)
                if rule
                else 0.0
            )

    @api.depends(
        "insurer_id.name",
        "lead_id.insurance_product_id.name",
        "premium",
        "currency_id",
    )
    def _compute_display_name(self):
        # "Alpha Insurance · CASCO · 1,200.00 €": how a user tells quotes
        # apart where one is named (the lead's chosen quote, a policy's).
        for quote in self:
            parts = [
                quote.insurer_id.name,
                quote.lead_id.insurance_product_id.name,
                formatLang(self.env, quote.premium, currency_obj=quote.currency_id)
                if quote.currency_id
                else None,
            ]
            quote.display_name = " · ".join(part for part in parts if part) or False

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "premium": "positive_amount",
            "commission": "positive_amount",
            "deductible": "positive_amount",
        }

    @api.constrains("chosen", "lead_id")
    def _check_one_chosen(self):
        for lead in self.filtered("chosen").lead_id:
            if len(lead.quote_ids.filtered("chosen")) > 1:
                raise ValidationError(
                    self.env._(
                        "Only one quote can be chosen for %s: "
                        "unselect the other first.",
                        lead.display_name,
                    )
                )

    def action_choose(self):
        """Choose this quote, unchoosing the lead's other quotes."""
        self.ensure_one()
        (self.lead_id.quote_ids - self).filtered("chosen").chosen = False
        self.chosen = True
        return True
