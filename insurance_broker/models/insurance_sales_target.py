from odoo import api, fields, models


class InsuranceSalesTarget(models.Model):
    """What a salesperson is expected to sell in a month: policies, premium
    and commission. The production analysis shows it beside what was sold."""

    _name = "insurance.sales.target"
    _description = "Sales Target"
    _order = "date desc, user_id"
    _check_company_auto = True
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    date = fields.Date(
        string="Month",
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The first day of the month of the target.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    target_policy_count = fields.Integer(string="Target Policies")
    target_premium = fields.Monetary()
    target_commission = fields.Monetary()

    _sql_constraints = [
        (
            "user_month_company_uniq",
            "unique(user_id, date, company_id)",
            "A salesperson has one target per month and company.",
        ),
        (
            "target_positive",
            "CHECK(target_policy_count >= 0 AND target_premium >= 0 "
            "AND target_commission >= 0)",
            "A target cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._first_of_month(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._first_of_month(vals))

    @api.model
    def _first_of_month(self, vals):
        """A target is for a month: its date is the month's first day."""
        if vals.get("date"):
            vals = dict(vals, date=fields.Date.to_date(vals["date"]).replace(day=1))
        return vals
