from collections import defaultdict
from datetime import date as date_type

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .insurance_bounded_mixin import DATE, PERCENT, POSITIVE_AMOUNT


class InsuranceCommissionRule(models.Model):
    """The broker's commission by insurer x product x business type.

    The rule applying to a policy is the most specific one valid on the
    policy's start date: a rule naming the product beats one for every
    product of the insurer, a rule for the exact business type beats one for
    any business type.
    """

    _name = "insurance.commission.rule"
    _description = "Insurance Commission Rule"
    _inherit = ["insurance.bounded.mixin"]
    _order = "insurer_id, product_id, business_type, date_from desc, id"
    _check_company_auto = True

    insurer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_insurer', '=', True)]",
        check_company=True,
    )
    product_id = fields.Many2one(
        "insurance.product",
        index=True,
        ondelete="cascade",
        check_company=True,
        help="Leave empty for every product of the insurer.",
    )
    business_type = fields.Selection(
        [("new", "New business"), ("renewal", "Renewal"), ("any", "Any")],
        required=True,
        default="any",
    )
    commission_type = fields.Selection(
        [("percent", "Rate of the premium"), ("fixed", "Fixed amount")],
        required=True,
        default="percent",
    )
    rate = fields.Float(string="Rate (%)", digits=(5, 2))
    fixed_amount = fields.Monetary()
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    date_from = fields.Date(string="Valid From")
    date_to = fields.Date(string="Valid To")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)
    note = fields.Char()

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("insurer_id", "product_id", "business_type", "commission_type")
    @api.depends_context("lang")
    def _compute_display_name(self):
        types = dict(self._fields["business_type"]._description_selection(self.env))
        for rule in self:
            if rule.commission_type == "fixed":
                amount = (
                    rule.currency_id.format(rule.fixed_amount)
                    if rule.currency_id
                    else ""
                )
            else:
                amount = f"{rule.rate:g} %"
            rule.display_name = " / ".join(
                part
                for part in (
                    rule.insurer_id.name,
                    rule.product_id.name or self.env._("All products"),
                    types.get(rule.business_type),
                    amount,
                )
                if part
            )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains(
        "insurer_id",
        "product_id",
        "business_type",
        "date_from",
        "date_to",
        "company_id",
        "active",
    )
    def _check_overlap(self):
        for rule in self.filtered("active"):
            domain = [
                ("id", "!=", rule.id),
                ("insurer_id", "=", rule.insurer_id.id),
                ("product_id", "=", rule.product_id.id),
                ("business_type", "=", rule.business_type),
                ("company_id", "=", rule.company_id.id),
            ]
            # Two ranges overlap when each starts before the other ends;
            # an empty bound is open.
            if rule.date_to:
                domain += [
                    "|",
                    ("date_from", "=", False),
                    ("date_from", "<=", rule.date_to),
                ]
            if rule.date_from:
                domain += [
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", rule.date_from),
                ]
            clash = self.sudo().search(
                domain, limit=1
            )  # sudo: the clash may be in a rule the user cannot read
            if clash:
                raise ValidationError(
                    self.env._(
                        "The commission rule %(rule)s overlaps the existing rule "
                        "%(clash)s: rules for the same insurer, product and business "
                        "type must not have overlapping validity dates.",
                        rule=rule.display_name,
                        clash=clash.display_name,
                    )
                )

    @api.constrains("commission_type", "rate", "fixed_amount", "date_from", "date_to")
    def _check_amount(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
                raise ValidationError(
                    self.env._("A commission rule cannot end before it starts.")
                )
            if rule.commission_type == "percent" and not 0 <= rule.rate <= 100:
                raise ValidationError(
                    self.env._("The commission rate must be between 0 and 100 percent.")
                )
            if rule.commission_type == "fixed" and rule.fixed_amount < 0:
                raise ValidationError(
                    self.env._("The fixed commission cannot be negative.")
                )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "rate": PERCENT,
            "fixed_amount": POSITIVE_AMOUNT,
            "date_from": DATE,
            "date_to": DATE,
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def find_rule(self, insurer, product, business_type, date, company=None):
        """Return the commission rule for a policy, or an empty recordset.

        :param insurer: res.partner record (the insurer)
        :param product: insurance.product record (may be empty)
        :param business_type: 'new' or 'renewal'; cross-sale and up-sale
            contracts are new business for the insurer
        :param date: the date the rule must be valid on (policy start)
        :param company: res.company, the current company by default
        """
        key = (insurer, product, business_type, date, company or self.env.company)
        return self._find_rules([key])[0]

    @api.model
    def _find_rules(self, keys):
        """``find_rule`` for many (insurer, product, business type, date,
        company) keys at once, with one query: a list of rules, in order."""
        insurer_ids = {insurer.id for insurer, *__ in keys if insurer}
        company_ids = {company.id for *__, company in keys}
        candidates = defaultdict(list)
        if insurer_ids:
            rules = self.search(
                [
                    ("insurer_id", "in", list(insurer_ids)),
                    ("company_id", "in", list(company_ids)),
                ]
            )
            for rule in rules:
                candidates[rule.insurer_id.id, rule.company_id.id].append(rule)
        return [
            self._best_rule(
                candidates[insurer.id, company.id], product, business_type, date
            )
            if insurer
            else self.browse()
            for insurer, product, business_type, date, company in keys
        ]

    @api.model
    def _best_rule(self, rules, product, business_type, date):
        rule_business_type = "renewal" if business_type == "renewal" else "new"
        valid = [
            rule
            for rule in rules
            if rule.product_id in (product, self.env["insurance.product"])
            and rule.business_type in (rule_business_type, "any")
            and not (date and rule.date_from and rule.date_from > date)
            and not (date and rule.date_to and rule.date_to < date)
        ]
        if not valid:
            return self.browse()
        # The most specific rule wins: a named product, then an exact business
        # type, then the latest start.
        return max(
            valid,
            key=lambda rule: (
                bool(rule.product_id),
                rule.business_type != "any",
                rule.date_from or date_type.min,
            ),
        )

    def _compute_commission(self, premium, currency, date=None):
        """Commission in ``currency`` this rule gives on ``premium``."""
        self.ensure_one()
        if self.commission_type == "fixed":
            return self.currency_id._convert(
                self.fixed_amount,
                currency,
                self.company_id,
                date or fields.Date.context_today(self),
            )
        return currency.round(premium * self.rate / 100.0)
