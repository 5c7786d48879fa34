from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class InsuranceProducerShare(models.Model):
    """The part of the commission a client manager (producer) earns."""

    _name = "insurance.producer.share"
    _description = "Producer Commission Share"
    _inherit = ["insurance.bounded.mixin"]
    _order = "user_id, date_from desc"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Producer",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    percent = fields.Float(string="Share (%)", digits=(5, 2), required=True)
    date_from = fields.Date(string="Valid From", required=True)
    date_to = fields.Date(string="Valid To")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("user_id", "percent", "date_from", "date_to")
    def _compute_display_name(self):
        for share in self:
            # Computed before the call: Babel cannot read an f-string
            # argument of _() and would drop the message from the .pot.
            percent = f"{share.percent:g}"
            if share.date_to:
                share.display_name = self.env._(
                    "%(user)s: %(percent)s%% from %(start)s to %(end)s",
                    user=share.user_id.name or "",
                    percent=percent,
                    start=format_date(self.env, share.date_from),
                    end=format_date(self.env, share.date_to),
                )
            else:
                share.display_name = self.env._(
                    "%(user)s: %(percent)s%% from %(start)s",
                    user=share.user_id.name or "",
                    percent=percent,
                    start=format_date(self.env, share.date_from),
                )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "percent": "percent",
            "date_from": "date",
            "date_to": "date",
        }

    @api.constrains("percent")
    def _check_percent(self):
        for share in self:
            if not 0 <= share.percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The share of %(user)s must be between 0 and 100 percent.",
                        user=share.user_id.name,
                    )
                )

    @api.constrains("user_id", "date_from", "date_to", "company_id")
    def _check_overlap(self):
        for share in self:
            if share.date_to and share.date_to < share.date_from:
                raise ValidationError(
                    self.env._("A producer's share cannot end before it starts.")
                )
            domain = [
                ("id", "!=", share.id),
                ("user_id", "=", share.user_id.id),
                ("company_id", "=", share.company_id.id),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", share.date_from),
            ]
            if share.date_to:
                domain.append(("date_from", "<=", share.date_to))
            other = self.search(domain, limit=1)
            if other:
                raise ValidationError(
                    self.env._(
                        "%(user)s already has a share in this period (%(other)s): "
                        "end it before the new one starts.",
                        user=share.user_id.name,
                        other=other.display_name,
                    )
                )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _shares_of(self, users, company):
        """{user id: shares of ``company``, latest first}, for ``_percent_at``."""
        shares_of = defaultdict(lambda: self.browse())
        for share in self.search(
            [("user_id", "in", users.ids), ("company_id", "=", company.id)],
            order="date_from desc",
        ):
            shares_of[share.user_id.id] |= share
        return shares_of

    @api.model
    def _percent_at(self, shares, date):
        """The percent of the share among ``shares`` in force on ``date``, or
        None when none is."""
        for share in shares:
            if share.date_from <= date and (not share.date_to or date <= share.date_to):
                return share.percent
        return None
