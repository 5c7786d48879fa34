from dateutil.relativedelta import relativedelta

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
        string="Deal",
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

    @api.depends(
        "insurer_id",
        "premium",
        "lead_id.insurance_product_id",
        "lead_id.insurance_business_type",
    )
    def _compute_commission(self):
        # A renewal deal's quotes earn the renewal rates: the policy it
        # issues is a renewal, whichever insurer takes it.
        Rule = self.env["insurance.commission.rule"]
        keys = [
            (
                quote.insurer_id,
                quote.lead_id.insurance_product_id,
                quote.lead_id.insurance_business_type or "new",
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

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _insurance_successor_terms(self, policy):
        """The values the renewal of ``policy`` takes from this chosen quote
        (``insurance.policy._create_successors``): the quote's insurer,
        premium and currency, the deal's product and term, and the
        commission rule they call for. The dates follow on from ``policy``.
        A commission changed on the quote is kept, with the reason the
        policy asks for. Empty without a quote: the policy's own terms."""
        if not self:
            return {}
        self.ensure_one()
        lead = self.lead_id
        product = lead.insurance_product_id or policy.product_id
        date_start = policy.date_end + relativedelta(days=1)
        terms = {
            "insurer_id": self.insurer_id.id,
            "product_id": product.id,
            "currency_id": self.currency_id.id,
            "premium": self.premium,
        }
        if lead.insurance_term_months:
            terms["term_months"] = lead.insurance_term_months
        # The rule the successor gets, read in the environment the policy
        # is renewed in (crm.lead._insurance_pipeline_policy: the head of
        # sales need not read commission rules).
        rule = policy.env["insurance.commission.rule"].find_rule(
            self.insurer_id, product, "renewal", date_start, policy.company_id
        )
        given = (
            rule._compute_commission(self.premium, self.currency_id, date_start)
            if rule
            else 0.0
        )
        if self.currency_id.compare_amounts(given, self.commission):
            terms["commission_amount"] = self.commission
            if rule:
                terms["commission_override_reason"] = self.env._(
                    "As quoted on %s", lead.display_name
                )
        return terms

    @api.model
    def _insurance_expected_revenues(self, leads):
        """The broker's revenue from each of ``leads`` (their pipeline value,
        crm's expected revenue), by lead, in the company's currency:

        - a quote chosen: the deal's commission, the chosen quote's (or what
          the deal's Commission was corrected to);
        - quotes, none chosen yet: the commission of the cheapest, the one a
          client most often takes (a cautious estimate);
        - no quote yet, a policy to renew or issue and a premium: the
          commission its insurer's rule gives on that premium, at the
          deal's business type (a renewal: what renewing on the current
          terms earns);
        - else the deal's Commission, if entered.

        A lead left out has nothing to estimate from (not an insurance deal):
        it keeps the expected revenue entered on it."""
        revenues = {}
        estimated = []
        for lead in leads:
            company = lead.company_id or self.env.company
            quotes = lead.quote_ids
            if lead.chosen_quote_id:
                revenues[lead] = lead.deal_commission
            elif quotes:
                cheapest = quotes.sorted("premium")[:1]
                currency = cheapest.currency_id or company.currency_id
                revenues[lead] = currency._convert(
                    cheapest.commission,
                    lead.company_currency or company.currency_id,
                    company,
                    lead.insurance_date_start or fields.Date.context_today(self),
                )
            elif lead.policy_id and lead.deal_premium:
                estimated.append(lead)
            elif lead.deal_commission:
                revenues[lead] = lead.deal_commission
        rules = self.env["insurance.commission.rule"]._find_rules(
            [
                (
                    lead.policy_id.insurer_id,
                    lead.insurance_product_id or lead.policy_id.product_id,
                    lead.insurance_business_type or "new",
                    lead.insurance_date_start,
                    lead.company_id or self.env.company,
                )
                for lead in estimated
            ]
        )
        for lead, rule in zip(estimated, rules, strict=True):
            if rule:
                revenues[lead] = rule._compute_commission(
                    lead.deal_premium,
                    lead.company_currency or self.env.company.currency_id,
                    lead.insurance_date_start,
                )
            elif lead.deal_commission:
                revenues[lead] = lead.deal_commission
        return revenues
