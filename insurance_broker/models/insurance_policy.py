import logging
import math
from collections import defaultdict

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index

from ..tools.chatter import log_tracked_change
from ..tools.cron import cron_batches
from .insurance_bounded_mixin import (
    DATE,
    MAX_TERM_MONTHS,
    PERCENT,
    POSITIVE_AMOUNT,
    TERM_MONTHS,
)

_logger = logging.getLogger(__name__)

# Months between two instalments for each payment frequency.
# The context key the state-changing methods set (see _write_state). Its value
# is this object, which no RPC or web client context can carry: a state can
# be changed only by the code of the actions, never by a write sent over RPC.
_STATE_CHANGE_KEY = "insurance_policy_state_change"
_STATE_CHANGE_TOKEN = object()
FREQUENCY_STEP_MONTHS = {"single": None, "semi_annual": 6, "quarterly": 3, "monthly": 1}


def policy_number_key(number):
    """A policy number as its insurer tells it from another: without case
    and spaces ("ab 123" is "AB123"); False for no number."""
    return "".join((number or "").split()).upper() or False


def installment_plan(date_start, term_months, frequency, premium, decimal_places):
    """[(due date, amount)] of a premium paid at a frequency.

    Due dates step whole calendar months from the start date (31 Jan + 1
    month = 28/29 Feb); amounts add up to the premium to the cent, the
    rounding remainder going on the last instalment.
    """
    step = FREQUENCY_STEP_MONTHS[frequency]
    count = max(1, math.ceil(term_months / step)) if step else 1
    factor = 10**decimal_places
    total_units = round(premium * factor)
    unit = total_units // count
    amounts = [unit] * (count - 1) + [total_units - unit * (count - 1)]
    return [
        (date_start + relativedelta(months=(step or 0) * index), amount / factor)
        for index, amount in enumerate(amounts)
    ]


class InsurancePolicy(models.Model):
    """A contract between a client and an insurer, arranged by the broker."""

    _name = "insurance.policy"
    _description = "Insurance Policy"
    _inherit = ["mail.thread", "mail.activity.mixin", "insurance.bounded.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.name", "vehicle_plate"]

    _EXPIRY_BATCH_SIZE = 10_000

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(
        string="Policy Number",
        copy=False,
        index="trigram",
        tracking=True,
        help="The number the insurer gave the policy; required to confirm it.",
    )
    name_key = fields.Char(
        string="Normalised Policy Number",
        compute="_compute_name_key",
        store=True,
        precompute=True,
        copy=False,
        help="The policy number without case and spaces: unique per insurer.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Client Entity",
    )
    insurer_id = fields.Many2one(
        "res.partner",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_insurer', '=', True)]",
    )
    product_id = fields.Many2one(
        "insurance.product",
        string="Insurance Product",
        index=True,
        tracking=True,
        check_company=True,
    )
    product_category = fields.Selection(related="product_id.category", store=True)
    is_motor = fields.Boolean(related="product_id.is_motor")

    # Insured object
    object_description = fields.Text(string="Insured Object")
    vehicle_plate = fields.Char(string="Plate Number", index="btree_not_null")
    vehicle_vin = fields.Char(string="VIN")
    vehicle_make = fields.Char(string="Make")
    vehicle_model = fields.Char(string="Model")
    vehicle_year = fields.Integer(string="Year")

    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    sum_insured = fields.Monetary()
    premium = fields.Monetary(tracking=True, aggregator="sum")

    date_start = fields.Date(
        string="Start Date",
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    term_months = fields.Integer(
        string="Term (months)",
        compute="_compute_term_months",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    date_end = fields.Date(
        string="End Date",
        compute="_compute_date_end",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
        tracking=True,
        help="Start date plus the term, less one day; can be changed by hand.",
    )
    payment_frequency = fields.Selection(
        [
            ("single", "Single payment"),
            ("semi_annual", "Semi-annual"),
            ("quarterly", "Quarterly"),
            ("monthly", "Monthly"),
        ],
        required=True,
        default="single",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "In Force"),
            ("expired", "Expired"),
            ("renewed", "Renewed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
    )
    business_type = fields.Selection(
        [
            ("new", "New business"),
            ("renewal", "Renewal"),
            ("cross_sale", "Cross-sell"),
            ("up_sale", "Up-sell"),
        ],
        required=True,
        default="new",
        tracking=True,
    )
    predecessor_id = fields.Many2one(
        "insurance.policy",
        string="Renews Policy",
        copy=False,
        index="btree_not_null",
        readonly=True,
        check_company=True,
    )
    successor_id = fields.Many2one(
        "insurance.policy",
        string="Renewed By",
        copy=False,
        index="btree_not_null",
        readonly=True,
        check_company=True,
    )
    client_manager_id = fields.Many2one(
        "res.users",
        compute="_compute_client_manager_id",
        store=True,
        precompute=True,
        readonly=False,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )

    # Commission
    commission_rule_id = fields.Many2one(
        "insurance.commission.rule",
        compute="_compute_commission_rule_id",
        store=True,
        precompute=True,
        readonly=True,
        check_company=True,
    )
    commission_rate = fields.Float(
        string="Commission Rate (%)",
        digits=(5, 2),
        compute="_compute_commission_rate",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
    )
    commission_amount = fields.Monetary(
        string="Commission",
        compute="_compute_commission_amount",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        aggregator="sum",
    )
    commission_override_reason = fields.Char(
        tracking=True,
        help="Why the commission differs from the commission rule.",
    )
    # The analyses sum the company's money: each policy's premium and
    # commission in the company's currency, converted once at the rate of
    # its start date and kept, as an invoice keeps its company-currency
    # amounts (a rate entered later does not change them).
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    premium_company_currency = fields.Monetary(
        string="Premium in Company Currency",
        currency_field="company_currency_id",
        compute="_compute_company_currency_amounts",
        store=True,
        precompute=True,
        aggregator="sum",
        help="The premium in the company's currency, at the rate of the start date.",
    )
    commission_company_currency = fields.Monetary(
        string="Commission in Company Currency",
        currency_field="company_currency_id",
        compute="_compute_company_currency_amounts",
        store=True,
        precompute=True,
        aggregator="sum",
        help="The commission in the company's currency, at the rate of the start date.",
    )

    cancel_reason = fields.Text(copy=False, readonly=True)
    cancel_date = fields.Date(copy=False, readonly=True)

    installment_ids = fields.One2many(
        "insurance.policy.installment", "policy_id", string="Instalments", copy=False
    )
    installment_count = fields.Integer(
        compute="_compute_installment_count", string="Instalment Count"
    )
    note = fields.Html()

    _sql_constraints = [
        (
            "number_insurer_uniq",
            "unique(insurer_id, name_key)",
            "This insurer already has a policy with this number.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("name", "partner_id", "product_id")
    def _compute_display_name(self):
        for policy in self:
            if policy.name:
                policy.display_name = policy.name
            else:
                policy.display_name = self.env._(
                    "Draft %(product)s policy of %(client)s",
                    product=policy.product_id.name or "",
                    client=policy.partner_id.name or "",
                ).replace("  ", " ")

    @api.depends("name")
    def _compute_name_key(self):
        for policy in self:
            policy.name_key = policy_number_key(policy.name)

    @api.depends("product_id")
    def _compute_term_months(self):
        for policy in self:
            policy.term_months = (
                policy.product_id.default_term_months or policy.term_months or 12
            )

    @api.depends("date_start", "term_months")
    def _compute_date_end(self):
        for policy in self:
            # A start or term out of bounds (refused on save) gives no end.
            end = policy.date_start and self.end_date_for(
                policy.date_start, policy.term_months
            )
            if end:
                policy.date_end = end
            elif not policy.date_end:
                policy.date_end = policy.date_start

    @api.model
    def end_date_for(self, date_start, term_months):
        """The last day of cover of a term starting on ``date_start``: the
        start plus the term, less one day (the renewal starts the day after).
        None for a term out of bounds, or an end out of the calendar (a start in
        year 9999): the bounds constraints then refuse the input."""
        if not 0 < term_months <= MAX_TERM_MONTHS:
            return None
        try:
            return date_start + relativedelta(months=term_months, days=-1)
        except (ValueError, OverflowError):
            return None

    @api.depends("partner_id")
    def _compute_client_manager_id(self):
        for policy in self:
            policy.client_manager_id = (
                policy.partner_id.commercial_partner_id.client_manager_id
                or policy.partner_id.client_manager_id
                or policy.client_manager_id
                or self.env.user
            )

    @api.depends(
        "insurer_id", "product_id", "business_type", "date_start", "company_id"
    )
    def _compute_commission_rule_id(self):
        rules = self.env["insurance.commission.rule"]._find_rules(
            [
                (
                    policy.insurer_id,
                    policy.product_id,
                    policy.business_type,
                    policy.date_start,
                    policy.company_id or self.env.company,
                )
                for policy in self
            ]
        )
        for policy, rule in zip(self, rules, strict=True):
            policy.commission_rule_id = rule

    @api.depends("commission_rule_id")
    def _compute_commission_rate(self):
        for policy in self:
            rule = policy.commission_rule_id
            policy.commission_rate = (
                rule.rate if rule.commission_type == "percent" else 0.0
            )

    @api.depends("premium", "commission_rate", "commission_rule_id", "currency_id")
    def _compute_commission_amount(self):
        for policy in self:
            rule = policy.commission_rule_id
            currency = policy.currency_id or self.env.company.currency_id
            if rule.commission_type == "fixed":
                policy.commission_amount = rule._compute_commission(
                    policy.premium, currency, policy.date_start
                )
            else:
                policy.commission_amount = currency.round(
                    policy.premium * policy.commission_rate / 100.0
                )

    @api.depends(
        "premium", "commission_amount", "currency_id", "company_id", "date_start"
    )
    def _compute_company_currency_amounts(self):
        rates = {}  # one rate per currency, company and day of the batch
        for policy in self:
            company = policy.company_id or self.env.company
            to_currency = company.currency_id
            currency = policy.currency_id or to_currency
            if currency == to_currency:
                rate = 1.0
            else:
                day = policy.date_start or fields.Date.context_today(self)
                key = (currency, company, day)
                if key not in rates:
                    rates[key] = currency._get_conversion_rate(
                        currency, to_currency, company, day
                    )
                rate = rates[key]
            policy.premium_company_currency = to_currency.round(policy.premium * rate)
            policy.commission_company_currency = to_currency.round(
                policy.commission_amount * rate
            )

    def _compute_installment_count(self):
        counts = dict(
            self.env["insurance.policy.installment"]._read_group(
                [("policy_id", "in", self.ids)], ["policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.installment_count = counts.get(policy._origin, 0)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("premium", "sum_insured")
    def _check_amounts(self):
        for policy in self:
            if policy.premium < 0:
                raise ValidationError(self.env._("The premium cannot be negative."))
            if policy.sum_insured < 0:
                raise ValidationError(self.env._("The sum insured cannot be negative."))

    @api.constrains("date_start", "date_end", "term_months")
    def _check_dates(self):
        for policy in self:
            if policy.term_months <= 0:
                raise ValidationError(
                    self.env._("The term must be at least one month.")
                )
            if (
                policy.date_end
                and policy.date_start
                and policy.date_end < policy.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "The policy %(policy)s cannot end (%(end)s) "
                        "before it starts (%(start)s).",
                        policy=policy.display_name,
                        end=policy.date_end,
                        start=policy.date_start,
                    )
                )

    @api.constrains(
        "commission_rate", "commission_amount", "commission_override_reason"
    )
    def _check_commission_override(self):
        for policy in self:
            if not 0 <= policy.commission_rate <= 100:
                raise ValidationError(
                    self.env._("The commission rate must be between 0 and 100 percent.")
                )
            if policy.commission_amount < 0:
                raise ValidationError(self.env._("The commission cannot be negative."))
            if (
                policy._is_commission_overridden()
                and not policy.commission_override_reason
            ):
                raise ValidationError(
                    self.env._(
                        "The commission of %(policy)s differs from the commission rule "
                        "%(rule)s: give the reason for the change.",
                        policy=policy.display_name,
                        rule=policy.commission_rule_id.display_name,
                    )
                )

    def _is_commission_overridden(self):
        """Whether the commission differs from what the rule gives."""
        self.ensure_one()
        rule = self.commission_rule_id
        if not rule:
            return False
        expected = rule._compute_commission(
            self.premium, self.currency_id, self.date_start
        )
        return self.currency_id.compare_amounts(expected, self.commission_amount) != 0

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "sum_insured": POSITIVE_AMOUNT,
            "premium": POSITIVE_AMOUNT,
            "commission_rate": PERCENT,
            "commission_amount": POSITIVE_AMOUNT,
            "date_start": DATE,
            "date_end": DATE,
            "term_months": TERM_MONTHS,
            "cancel_date": DATE,
            "vehicle_year": (0, DATE[1].year),
        }

    @api.constrains("date_start", "date_end")
    def _check_cover_length(self):
        for policy in self:
            if (
                policy.date_start
                and policy.date_end
                and policy.date_end
                > policy.date_start + relativedelta(months=MAX_TERM_MONTHS)
            ):
                raise ValidationError(
                    self.env._(
                        "The policy %(policy)s cannot run from %(start)s to %(end)s: "
                        "a cover lasts at most %(years)s years.",
                        policy=policy.display_name,
                        start=policy.date_start,
                        end=policy.date_end,
                        years=MAX_TERM_MONTHS // 12,
                    )
                )

    def _insurance_check_values(self, vals, names=None):
        result = super()._insurance_check_values(vals, names)
        if self and names is None and {"name", "insurer_id"} & set(vals):
            self._check_numbers_free(
                [
                    (
                        vals.get("insurer_id", policy.insurer_id.id),
                        vals.get("name", policy.name),
                    )
                    for policy in self
                ]
            )
        return result

    @api.model
    def _insurance_check_create(self, vals_list):
        result = super()._insurance_check_create(vals_list)
        self._check_numbers_free(
            [(vals.get("insurer_id"), vals.get("name")) for vals in vals_list]
        )
        return result

    def _check_numbers_free(self, wanted):
        """Refuse, before they are written, policy numbers (``wanted``:
        [(insurer id, number)], for ``self`` or new policies) an insurer
        already gave another policy, or that are given twice at once,
        comparing numbers without case and spaces; one query for them all.
        The unique index on the normalised number stays the guard against
        two transactions racing."""
        wanted = [
            (insurer_id, policy_number_key(number), number)
            for insurer_id, number in wanted
            if insurer_id and policy_number_key(number)
        ]
        if not wanted:
            return
        given = {}
        for insurer_id, key, number in wanted:
            if (insurer_id, key) in given:
                raise ValidationError(
                    self.env._(
                        "The policy numbers %(number)s and %(other)s are the same "
                        "for the insurer %(insurer)s: an insurer's policy numbers "
                        "are unique, whatever their case and spaces.",
                        number=given[insurer_id, key],
                        other=number,
                        insurer=self.env["res.partner"].browse(insurer_id).display_name,
                    )
                )
            given[insurer_id, key] = number
        # sudo: the policy holding the number may be another manager's or
        # another company's; only its existence is told, and its client only
        # to a user who may read it.
        clashes = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("name_key", "in", list({key for __, key, __ in wanted})),
                    ("insurer_id", "in", list({insurer for insurer, __, __ in wanted})),
                    ("id", "not in", self.ids),
                ]
            )
        )
        clash_of = {(clash.insurer_id.id, clash.name_key): clash for clash in clashes}
        for insurer_id, key, __ in wanted:
            if (insurer_id, key) in clash_of:
                raise ValidationError(
                    self._number_clash_message(clash_of[insurer_id, key])
                )

    def _number_clash_message(self, clash):
        clash = clash.sudo(False)
        if clash.has_access("read"):
            return self.env._(
                "%(insurer)s already has the policy %(number)s of %(client)s: an "
                "insurer's policy numbers are unique, whatever their case and "
                "spaces.",
                insurer=clash.insurer_id.display_name,
                number=clash.name,
                client=clash.partner_id.display_name,
            )
        return self.env._(
            "%(insurer)s already has a policy numbered %(number)s: an insurer's "
            "policy numbers are unique, whatever their case and spaces.",
            insurer=clash.sudo().insurer_id.display_name,
            number=clash.sudo().name,
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_confirm(self):
        """Draft -> active: the policy is in force; instalments are planned."""
        if not self:
            return True
        if any(policy.state != "draft" for policy in self):
            raise UserError(self.env._("Only draft policies can be confirmed."))
        problems = []
        # A policy is renewed once: by its linked successor, else by the first
        # of the policies confirmed together that name it as predecessor.
        renewals_of = defaultdict(list)
        for policy in self.filtered("predecessor_id"):
            renewals_of[policy.predecessor_id].append(policy)
        for policy in self:
            missing = [
                label
                for field_name, label in (
                    ("name", self.env._("policy number")),
                    ("insurer_id", self.env._("insurer")),
                    ("product_id", self.env._("insurance product")),
                )
                if not policy[field_name]
            ]
            if missing:
                problems.append(
                    self.env._(
                        "%(policy)s: missing %(fields)s",
                        policy=policy.display_name,
                        fields=", ".join(missing),
                    )
                )
            predecessor = policy.predecessor_id
            rival = predecessor and (
                predecessor.successor_id or renewals_of[predecessor][0]
            )
            if predecessor and rival != policy:
                problems.append(
                    self.env._(
                        "%(old)s is already renewed by %(new)s.",
                        old=predecessor.display_name,
                        new=rival.display_name,
                    )
                )
        if problems:
            raise UserError(
                self.env._(
                    "These policies cannot be confirmed:\n%s", "\n".join(problems)
                )
            )
        # One batched chatter note per policy instead of mail's one-by-one
        # tracking: confirming thousands of policies stays a few queries.
        self.with_context(mail_notrack=True)._write_state({"state": "active"})
        log_tracked_change(self, "state", dict.fromkeys(self.ids, "draft"))
        self._generate_installments()
        self._mark_clients()
        for policy in self.filtered("predecessor_id"):
            predecessor = policy.predecessor_id
            predecessor.successor_id = policy
            if predecessor.state in ("active", "expired"):
                predecessor._write_state({"state": "renewed"})
        return True

    def action_open_cancel_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Policy"),
            "res_model": "insurance.policy.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_reset_to_draft(self):
        if any(policy.state != "cancelled" for policy in self):
            raise UserError(
                self.env._("Only cancelled policies can be reset to draft.")
            )
        self._write_state(
            {"state": "draft", "cancel_reason": False, "cancel_date": False}
        )
        return True

    def action_renew(self):
        """Create the successor draft, starting the day after this one ends."""
        successors = self._create_successors()
        if len(successors) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": self._name,
                "res_id": successors.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Renewals"),
            "res_model": self._name,
            "domain": [("id", "in", successors.ids)],
            "view_mode": "list,form",
        }

    def action_view_installments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Instalments"),
            "res_model": "insurance.policy.installment",
            "domain": [("policy_id", "=", self.id)],
            "context": {"default_policy_id": self.id},
            "view_mode": "list,form",
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _cancel(self, reason, date):
        """Cancel the policies from ``date``; instalments due after it go."""
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the cancellation."))
        try:
            date = fields.Date.to_date(date)
        except (TypeError, ValueError):
            date = None
        if not date:
            raise UserError(self.env._("Give the date the cancellation takes effect."))
        wrong = self.filtered(lambda p: p.state not in ("draft", "active"))
        if wrong:
            raise UserError(
                self.env._(
                    "Only draft policies and policies in force can be cancelled: %s",
                    ", ".join(wrong.mapped("display_name")),
                )
            )
        self._check_cancel_date(date)
        self._write_state(
            {"state": "cancelled", "cancel_reason": reason, "cancel_date": date}
        )
        self._drop_installments_after(date)
        # A cancelled renewal no longer renews its predecessor: the predecessor
        # is again in force (or expired) and can be renewed anew.
        predecessors = self.predecessor_id.filtered(lambda p: p.successor_id in self)
        predecessors.successor_id = False
        today = fields.Date.context_today(self)
        for predecessor in predecessors.filtered(lambda p: p.state == "renewed"):
            predecessor._write_state(
                {"state": "active" if predecessor.date_end >= today else "expired"}
            )
        return True

    def _check_cancel_date(self, date):
        """A cancellation takes effect before the cover ends: at the earliest
        a year before it starts (a renewal is prepared up to a year ahead and
        may be cancelled before it starts: nothing is then owed)."""
        for policy in self:
            first = policy.date_start - relativedelta(years=1)
            if not first <= date <= policy.date_end:
                raise UserError(
                    self.env._(
                        "The cancellation of %(policy)s takes effect between "
                        "%(first)s (a year before it starts) and %(end)s (the end "
                        "of its cover); %(date)s is outside.",
                        policy=policy.display_name,
                        first=first,
                        end=policy.date_end,
                        date=date,
                    )
                )

    def _drop_installments_after(self, date):
        """Remove the instalments of the cancelled policies due after ``date``:
        nothing is owed for the cover that no longer runs."""
        self.installment_ids.filtered(lambda i: i.date_due > date).unlink()

    def _create_successors(self, terms=None):
        """Create the draft renewal of each of these policies, starting the
        day after it ends, on its terms; ``terms``: values the successors
        take instead of their predecessors' (a renewal placed with another
        insurer, at another premium)."""
        cancelled = self.filtered(lambda p: p.state == "cancelled")
        if cancelled:
            raise UserError(
                self.env._(
                    "A cancelled policy cannot be renewed: %s",
                    ", ".join(cancelled.mapped("display_name")),
                )
            )
        drafts = self.filtered(lambda p: p.state == "draft")
        if drafts:
            raise UserError(
                self.env._(
                    "Confirm the policy before renewing it: %s",
                    ", ".join(drafts.mapped("display_name")),
                )
            )
        already = self.filtered(lambda p: p.successor_id)
        if already:
            raise UserError(
                self.env._(
                    "These policies are already renewed by %s.",
                    ", ".join(already.successor_id.mapped("display_name")),
                )
            )
        successors = self.create(
            [
                dict(policy._prepare_successor_values(), **(terms or {}))
                for policy in self
            ]
        )
        for policy, successor in zip(self, successors, strict=True):
            policy.successor_id = successor
        return successors

    def _prepare_successor_values(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "insurer_id": self.insurer_id.id,
            "product_id": self.product_id.id,
            "object_description": self.object_description,
            "vehicle_plate": self.vehicle_plate,
            "vehicle_vin": self.vehicle_vin,
            "vehicle_make": self.vehicle_make,
            "vehicle_model": self.vehicle_model,
            "vehicle_year": self.vehicle_year,
            "sum_insured": self.sum_insured,
            "premium": self.premium,
            "currency_id": self.currency_id.id,
            "date_start": self.date_end + relativedelta(days=1),
            "term_months": self.term_months,
            "payment_frequency": self.payment_frequency,
            "business_type": "renewal",
            "predecessor_id": self.id,
            "client_manager_id": self.client_manager_id.id,
            "company_id": self.company_id.id,
        }

    def _mark_clients(self):
        """A partner holding a policy is a client: give it a type and a manager.

        Writes are grouped by value, so that confirming many policies costs a
        few writes, not one per client."""
        clients = self.partner_id.commercial_partner_id
        untyped = clients.filtered(lambda client: not client.client_type)
        untyped.filtered("is_company").client_type = "company"
        untyped.filtered(
            lambda client: not client.is_company
        ).client_type = "individual"
        manager_of = {}
        for policy in self:
            client = policy.partner_id.commercial_partner_id
            if not client.client_manager_id and policy.client_manager_id:
                manager_of.setdefault(client, policy.client_manager_id)
        for manager in set(manager_of.values()):
            clients = self.env["res.partner"].union(
                *(client for client, user in manager_of.items() if user == manager)
            )
            # sudo: an "Own Clients" user may not assign client managers
            # (res.partner.write); here a client without a manager only gets
            # the manager of the policy just confirmed, which the user may
            # write, as the business rule says, and nothing else.
            clients.sudo().client_manager_id = manager

    def _installment_plan(self):
        """[(due date, amount)] of this policy, see ``installment_plan``."""
        self.ensure_one()
        return installment_plan(
            self.date_start,
            self.term_months,
            self.payment_frequency,
            self.premium,
            self.currency_id.decimal_places,
        )

    def _generate_installments(self):
        self.installment_ids.unlink()
        values = []
        for policy in self:
            plan = policy._installment_plan()
            values += [
                {
                    "policy_id": policy.id,
                    "sequence": index,
                    "date_due": date_due,
                    "amount": amount,
                }
                for index, (date_due, amount) in enumerate(plan, start=1)
            ]
        return self.env["insurance.policy.installment"].create(values)

    @api.model
    def _cron_expire_policies(self, batch_size=None, today=None):
        """Mark active policies whose end date has passed (before ``today``,
        by default the day in the user's time zone) as expired.

        In batches (``cron_batches``: committed under ir.cron, reported, a
        run interrupted half-way resumes where it stopped): each batch is
        locked (only policies still active, so an overlapping run changes
        nothing twice), written by the ORM's ``write`` with mail's tracking
        off, and given its chatter notes in one batched create
        (``log_tracked_change``), where mail would post them one by one.
        """
        batch_size = batch_size or self._EXPIRY_BATCH_SIZE
        today = today or fields.Date.context_today(self)
        # One query selects every policy to expire (ids only; it uses the
        # partial index on the end date of active policies).
        to_expire = self.search(
            [("state", "=", "active"), ("date_end", "<", today)], order="id"
        )
        done = 0
        for batch in cron_batches(self.env, to_expire, batch_size):
            done += len(batch._expire())
        _logger.info("Policy expiry: %s policies marked expired", done)
        return done

    def _expire(self):
        """Mark the policies of ``self`` still active as expired, as the
        expiry cron does: locked (a policy a user holds is left for the next
        run, not waited for), written with mail's tracking off, their notes
        logged in one batch. Returns the policies expired."""
        locked = self._lock_in_state("active")
        locked.with_context(mail_notrack=True)._write_state({"state": "expired"})
        log_tracked_change(locked, "state", dict.fromkeys(locked.ids, "active"))
        return locked

    def _lock_in_state(self, state):
        """The policies of ``self`` still in ``state``, locked until the
        transaction ends, in one query. Those another transaction holds (a
        user saving one) are skipped, not waited for. Those changed by a
        transaction that committed after this one began cannot be locked in
        its snapshot (a serialization failure): then the policies are locked
        one by one, and those are skipped too."""
        query = """SELECT id FROM insurance_policy
                    WHERE id = ANY(%s) AND state = %s
                 ORDER BY id
                      FOR NO KEY UPDATE SKIP LOCKED"""
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL(query, self.ids, state), log_exceptions=False)
                return self.browse([row[0] for row in cr.fetchall()])
        except psycopg2.errors.SerializationFailure:
            _logger.info("Policies changed since this run began: locked one by one")
        locked = []
        for policy_id in self.ids:
            try:
                with cr.savepoint(flush=False):
                    cr.execute(SQL(query, [policy_id], state), log_exceptions=False)
                    locked += [row[0] for row in cr.fetchall()]
            except psycopg2.errors.SerializationFailure:
                _logger.info("Policy %s changed meanwhile: left as it is", policy_id)
        return self.browse(locked)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):
        # The expiry cron and the "expiring in N days" filters look for active
        # policies by end date: a partial index keeps them off the rest of
        # the book.
        create_index(
            self.env.cr,
            "insurance_policy_active_date_end_index",
            self._table,
            ["date_end"],
            where="state = 'active'",
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._may_change_state():
            for vals in vals_list:
                if vals.get("state", "draft") != "draft":
                    raise UserError(
                        self.env._(
                            "A policy is registered as a draft and put in force "
                            "with its Confirm action (also available on a "
                            "selection of policies in the list); it cannot be "
                            "created in the state %(state)s.",
                            state=vals["state"],
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not self._may_change_state():
            changed = self.filtered(lambda policy: policy.state != vals["state"])
            if changed:
                raise UserError(
                    self.env._(
                        "The state of a policy changes only through its actions "
                        "(Confirm, Renew, Cancel, Reset to Draft): %(policies)s.",
                        policies=", ".join(changed.mapped("display_name")),
                    )
                )
        return super().write(vals)

    def _may_change_state(self):
        return self.env.context.get(_STATE_CHANGE_KEY) is _STATE_CHANGE_TOKEN

    def _write_state(self, vals):
        """Write ``vals``, a state among them: for the methods that move
        policies from one state to another, the only ones allowed to."""
        return self.with_context(**{_STATE_CHANGE_KEY: _STATE_CHANGE_TOKEN}).write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(policy.state not in ("draft", "cancelled") for policy in self):
            raise UserError(
                self.env._(
                    "Only draft or cancelled policies can be deleted; cancel it first."
                )
            )
