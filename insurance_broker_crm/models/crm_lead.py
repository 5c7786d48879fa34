import logging
from collections import defaultdict
from datetime import datetime, time

import psycopg2
import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.phone_validation.tools import phone_validation

_logger = logging.getLogger(__name__)

REFUSAL_CODES = ("sales_refused", "fulfilment_delivery_refused", "renewal_refused")
# Stage reached -> method continuing the lead in the next pipeline.
FORWARDERS = {
    "sales_handed": "_continue_in_fulfilment",
    "fulfilment_delivered": "_continue_in_renewal",
    "renewal_renewed": "_continue_in_sales",
}
# Stages whose work is to send the deal back (redo the documents, then type
# or issue again): leaving them for an earlier stage finishes their task.
REWORK_CODES = ("fulfilment_retyping", "fulfilment_refused")
# The Renewal pipeline's buckets, earliest first: (months left until the
# renewal, the day after the policy ends, when a deal enters the bucket; its
# stage code). A deal enters "6–3 months" the day six months remain and stays
# there until three months remain; the first bucket holds all the deals
# further away.
RENEWAL_BUCKETS = [
    (None, "renewal_year"),
    (6, "renewal_6_months"),
    (3, "renewal_3_months"),
    (1, "renewal_month"),
]
# The stages of an open renewal deal: its buckets and Take into work.
RENEWAL_OPEN_CODES = [code for __, code in RENEWAL_BUCKETS] + ["renewal_take"]


def renewal_bucket_code(date_end, today):
    """The bucket (stage code) of the renewal of a policy ending on
    ``date_end``, on ``today``: the last one whose months have begun."""
    renewal = date_end + relativedelta(days=1)
    code = RENEWAL_BUCKETS[0][1]
    for months, bucket in RENEWAL_BUCKETS[1:]:
        if renewal <= today + relativedelta(months=months):
            code = bucket
    return code


# Leads moved (and committed) together by the renewal-bucket cron: each batch
# costs a few fixed queries and cache reloads, about 70 ms, which at 1,000
# leads a batch made a fifth of the run (measured on 13,828 moves); a batch of
# 5,000 moves in about a second, locking its leads no longer than that.
BUCKET_BATCH_SIZE = 5000


class CrmLead(models.Model):
    """Insurance data on the lead: what to insure, the quotes, the deal's
    payment section and delivery, and the pipeline chain it belongs to."""

    _name = "crm.lead"
    # The bounds first: crm's write compares the probability it is given
    # before writing it.
    _inherit = ["insurance.bounded.mixin", "crm.lead"]

    # The stage a new lead gets from its team is known before it is inserted,
    # as its team is: computed after the insert, the stage's automation rules
    # (a task for the salesperson, who then follows the lead) ran in the
    # middle of the creation, before mail subscribes the creator without
    # looking for existing followers ("a partner cannot follow twice").
    stage_id = fields.Many2one(
        compute="_compute_stage_id", store=True, readonly=False, precompute=True
    )

    # What to insure
    insurance_product_id = fields.Many2one(
        "insurance.product", index="btree_not_null", check_company=True
    )
    is_motor = fields.Boolean(related="insurance_product_id.is_motor")
    insured_object = fields.Text()
    vehicle_owner = fields.Char()
    driver_ids = fields.One2many("insurance.lead.driver", "lead_id", string="Drivers")
    insurance_date_start = fields.Date(string="Desired Start Date")
    insurance_term_months = fields.Integer(
        string="Term (months)",
        compute="_compute_insurance_term_months",
        store=True,
        readonly=False,
        precompute=True,
    )
    insurance_date_end = fields.Date(
        string="Cover End Date",
        compute="_compute_insurance_date_end",
        store=True,
        readonly=False,
        precompute=True,
        help="Start date plus the term, less one day.",
    )
    insurance_business_type = fields.Selection(
        [
            ("new", "New business"),
            ("renewal", "Renewal"),
            ("cross_sale", "Cross-sell"),
            ("up_sale", "Up-sell"),
        ],
        string="Business Type",
        compute="_compute_insurance_business_type",
        store=True,
        readonly=False,
        precompute=True,
        help="Renewal for a deal renewing a policy: its quotes earn the renewal "
        "commission rates, and so does the policy it issues.",
    )

    # Quotes
    quote_ids = fields.One2many("insurance.quote", "lead_id")
    chosen_quote_id = fields.Many2one(
        "insurance.quote",
        compute="_compute_chosen_quote_id",
        store=True,
        check_company=True,
    )

    # The pipeline's value: the broker's commission on the deal
    # (insurance.quote._insurance_expected_revenues), editable as crm's.
    expected_revenue = fields.Monetary(
        compute="_compute_expected_revenue",
        store=True,
        readonly=False,
        default=None,
        help="The broker's commission: the chosen quote's; before one is "
        "chosen, the cheapest quote's, or the commission rule's on the premium "
        "of the policy to renew.",
    )

    # Payment section
    deal_premium = fields.Monetary(
        string="Insurance Premium",
        currency_field="company_currency",
        compute="_compute_from_chosen_quote",
        store=True,
        readonly=False,
    )
    deal_commission = fields.Monetary(
        string="Commission",
        currency_field="company_currency",
        compute="_compute_from_chosen_quote",
        store=True,
        readonly=False,
    )
    delivery_cost = fields.Monetary(currency_field="company_currency")
    diagnostic_card_cost = fields.Monetary(
        string="Diagnostic Card", currency_field="company_currency"
    )
    cross_product_amount = fields.Monetary(
        string="Cross-Product", currency_field="company_currency"
    )
    discount = fields.Monetary(currency_field="company_currency")
    card_cost = fields.Monetary(
        currency_field="company_currency",
        compute="_compute_deal_amounts",
        store=True,
        help="The company's fixed card cost (Settings), subtracted from the budget.",
    )
    amount_client_pays = fields.Monetary(
        string="Amount to Collect",
        currency_field="company_currency",
        compute="_compute_deal_amounts",
        store=True,
        help="Premium + delivery + diagnostic card + cross-product - discount.",
    )
    deal_budget = fields.Monetary(
        currency_field="company_currency",
        compute="_compute_deal_amounts",
        store=True,
        help="Delivery + diagnostic card + commission - cross-product - card cost "
        "- discount.",
    )

    # Delivery and fulfilment
    delivery_type = fields.Selection([("courier", "Courier"), ("pickup", "Pick-up")])
    delivery_date = fields.Datetime()
    delivery_address = fields.Text()
    courier_name = fields.Char()
    courier_phone = fields.Char()
    courier_assigned_at = fields.Datetime(
        compute="_compute_courier_assigned_at",
        store=True,
        copy=False,
        help="When the courier was last set or changed: the client's SMS leaves "
        "30 minutes later.",
    )
    delivery_day_start = fields.Datetime(
        compute="_compute_delivery_day_start",
        store=True,
        help="Midnight of the delivery date in the responsible's time zone: the "
        "delivery-day checks are due 18 hours later, at 18:00.",
    )
    document_photos = fields.Boolean(
        help="The client's documents are photographed at delivery."
    )
    document_folder_url = fields.Char(string="Document Folder")
    typist_id = fields.Many2one(
        "res.users", domain="[('share', '=', False)]", check_company=True
    )
    insurance_client_manager_id = fields.Many2one(
        "res.users",
        string="Client Manager",
        domain="[('share', '=', False)]",
        check_company=True,
        help="The salesperson who owns the client, kept when the lead moves on.",
    )
    next_contact_date = fields.Date()
    waiting_reason = fields.Char(string="Reason for Waiting")

    # The chain of pipelines
    policy_number = fields.Char(
        copy=False, help="The number the insurer gave the policy issued for this deal."
    )
    policy_id = fields.Many2one(
        "insurance.policy",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="The policy this deal issues or renews. You can link only a policy "
        "you may read, of the deal's company.",
    )
    insurance_policy_trusted = fields.Boolean(
        string="Policy Given by the Pipeline",
        copy=False,
        readonly=True,
        help="The policy was issued from this deal, came with it from the "
        "previous pipeline, or was linked by someone allowed to change it: the "
        "pipeline confirms and renews it whoever moves the deal. Otherwise "
        "only a user allowed to change the policy can move the deal to where "
        "it is confirmed or renewed.",
    )
    origin_lead_id = fields.Many2one(
        "crm.lead",
        string="Continues Lead",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
    continued_lead_ids = fields.One2many(
        "crm.lead",
        "origin_lead_id",
        string="Continuations",
        context={"active_test": False},
    )
    # What the form shows of continued_lead_ids: the next pipeline's deal is
    # given to other people (the logistician, the head of sales), whom a
    # salesperson limited to their own deals may not read; the form reading
    # it back after the hand-over would roll the hand-over back.
    insurance_continuation_ids = fields.Many2many(
        "crm.lead",
        string="Continued As",
        compute="_compute_insurance_continuation_ids",
        help="The deals continuing this one in the next pipelines, those you may see.",
    )

    # What a renewal card shows of the policy it renews. Related fields are
    # read with superuser rights: whoever works the deal (a renewal manager
    # need not be an insurance user) sees the terms to renew, nothing more.
    is_insurance_renewal = fields.Boolean(
        string="Renewal Deal", compute="_compute_is_insurance_renewal"
    )
    # Offers are made in Sales and Renewal; Fulfilment and Lost work on a
    # deal whose offer is behind it.
    insurance_makes_offers = fields.Boolean(
        string="Makes Offers", compute="_compute_is_insurance_renewal"
    )
    insurance_policy_date_end = fields.Date(
        related="policy_id.date_end", string="Policy End Date"
    )
    insurance_policy_insurer_id = fields.Many2one(
        related="policy_id.insurer_id", string="Policy Insurer"
    )
    insurance_policy_currency_id = fields.Many2one(
        related="policy_id.currency_id", string="Policy Currency"
    )
    insurance_policy_premium = fields.Monetary(
        related="policy_id.premium",
        string="Policy Premium",
        currency_field="insurance_policy_currency_id",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("stage_id.insurance_stage_code")
    def _compute_is_insurance_renewal(self):
        for lead in self:
            code = lead.stage_id.insurance_stage_code or ""
            lead.is_insurance_renewal = code.startswith("renewal_")
            # A stage that is not the broker's: crm's own pipelines offer.
            lead.insurance_makes_offers = not code or code.startswith(
                ("sales_", "renewal_")
            )

    @api.depends("continued_lead_ids")
    @api.depends_context("uid")
    def _compute_insurance_continuation_ids(self):
        for lead in self:
            lead.insurance_continuation_ids = lead.continued_lead_ids._filtered_access(
                "read"
            )

    @api.depends("insurance_product_id")
    def _compute_insurance_term_months(self):
        for lead in self:
            lead.insurance_term_months = (
                lead.insurance_product_id.default_term_months
                or lead.insurance_term_months
                or 12
            )

    @api.depends("insurance_date_start", "insurance_term_months")
    def _compute_insurance_date_end(self):
        for lead in self:
            if lead.insurance_date_start and lead.insurance_term_months > 0:
                lead.insurance_date_end = self.env["insurance.policy"].end_date_for(
                    lead.insurance_date_start, lead.insurance_term_months
                )
            else:
                lead.insurance_date_end = False

    # No dependencies: set when the deal is created, from where it starts.
    # A stage change (the bucket cron moves thousands of deals at once) or a
    # policy linked on delivery must not recompute its quotes' commissions.
    @api.depends()
    def _compute_insurance_business_type(self):
        for lead in self:
            code = lead.stage_id.insurance_stage_code or ""
            renews = code.startswith("renewal_") or (
                lead.policy_id.business_type == "renewal"
            )
            lead.insurance_business_type = lead.insurance_business_type or (
                "renewal" if renews else "new"
            )

    def _compute_team_id(self):
        """A deal in one of the broker's pipelines stays in it when the
        automations hand it to someone of another team (the printer, the
        logistician...): the pipeline is the process, not the person's team."""
        in_pipeline = self.filtered(
            lambda lead: lead.team_id and lead.stage_id.insurance_stage_code
        )
        return super(CrmLead, self - in_pipeline)._compute_team_id()

    @api.depends("courier_name", "courier_phone")
    def _compute_courier_assigned_at(self):
        now = fields.Datetime.now()
        for lead in self:
            lead.courier_assigned_at = now if lead.courier_name else False

    @api.depends("delivery_date", "user_id.tz")
    def _compute_delivery_day_start(self):
        for lead in self:
            if not lead.delivery_date:
                lead.delivery_day_start = False
                continue
            tz = pytz.timezone(
                lead.user_id.tz
                or (lead.company_id or self.env.company).partner_id.tz
                or "UTC"
            )
            local_day = pytz.utc.localize(lead.delivery_date).astimezone(tz).date()
            midnight = tz.localize(datetime.combine(local_day, time.min))
            lead.delivery_day_start = midnight.astimezone(pytz.utc).replace(tzinfo=None)

    @api.depends("quote_ids.chosen")
    def _compute_chosen_quote_id(self):
        for lead in self:
            lead.chosen_quote_id = lead.quote_ids.filtered("chosen")[:1]

    @api.depends("chosen_quote_id.premium", "chosen_quote_id.commission")
    def _compute_from_chosen_quote(self):
        for lead in self:
            quote = lead.chosen_quote_id
            lead.deal_premium = quote.premium if quote else lead.deal_premium
            lead.deal_commission = quote.commission if quote else lead.deal_commission

    @api.depends(
        "chosen_quote_id",
        "deal_commission",
        "quote_ids.premium",
        "quote_ids.commission",
        "quote_ids.currency_id",
        "policy_id.insurer_id",
        "policy_id.product_id",
        "deal_premium",
        "insurance_product_id",
        "insurance_business_type",
        "insurance_date_start",
        "company_id",
    )
    def _compute_expected_revenue(self):
        revenues = self.env["insurance.quote"]._insurance_expected_revenues(self)
        for lead in self:
            # Not an insurance deal: the revenue entered stays.
            lead.expected_revenue = revenues.get(lead, lead.expected_revenue)

    @api.depends(
        "deal_premium",
        "deal_commission",
        "delivery_cost",
        "diagnostic_card_cost",
        "cross_product_amount",
        "discount",
        "company_id.insurance_card_cost",
    )
    def _compute_deal_amounts(self):
        for lead in self:
            company = lead.company_id or self.env.company
            lead.card_cost = company.insurance_card_cost
            lead.amount_client_pays = (
                lead.deal_premium
                + lead.delivery_cost
                + lead.diagnostic_card_cost
                + lead.cross_product_amount
                - lead.discount
            )
            lead.deal_budget = (
                lead.delivery_cost
                + lead.diagnostic_card_cost
                + lead.deal_commission
                - lead.cross_product_amount
                - lead.card_cost
                - lead.discount
            )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_date_start": "date",
            "insurance_date_end": "date",
            "insurance_term_months": "term_months",
            "expected_revenue": "positive_amount",
            "probability": "percent",
            "date_deadline": "date",
            "deal_premium": "positive_amount",
            "deal_commission": "positive_amount",
            "delivery_cost": "positive_amount",
            "diagnostic_card_cost": "positive_amount",
            "cross_product_amount": "positive_amount",
            "discount": "positive_amount",
            "card_cost": "amount",
            "amount_client_pays": "amount",
            "deal_budget": "amount",
            "delivery_date": "date",
            "next_contact_date": "date",
        }

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._insurance_policy_link_values(vals) for vals in vals_list]
        leads = super().create(vals_list)
        for lead in leads.filtered("stage_id"):
            lead._check_stage_requirements(lead.stage_id)
        return leads

    def write(self, vals):
        vals = self._insurance_policy_link_values(vals)
        if vals.get("stage_id"):
            stage = self.env["crm.stage"].browse(vals["stage_id"])
            for lead in self.filtered(lambda lead: lead.stage_id != stage):
                lead._check_stage_requirements(stage, vals)
                lead._check_stage_leave_requirements(stage, vals)
        before = {}
        # Odoo's "Lost" archives first, then writes the reason: watch both.
        # A new team recomputes the stage.
        if {"stage_id", "active", "lost_reason_id", "team_id"} & set(vals):
            before = {lead.id: lead.stage_id for lead in self}
        result = super().write(vals)
        if before:
            self._insurance_close_stage_tasks(before)
            self._continue_in_next_pipeline(before)
        return result

    # ------------------------------------------------------------
    # THE DEAL'S POLICY
    # ------------------------------------------------------------

    def _insurance_policy_link_values(self, vals):
        """``vals`` of a create or write of these leads, checked for the
        policy they link, with whether the pipeline may act on it.

        A user links only a policy they may read (and of the lead's company:
        ``check_company``). The pipeline confirms and renews it with superuser
        rights (``insurance_policy_trusted``) only if that user may also change
        it; a user never sets that flag themselves. The superuser (the
        pipeline's own code) links what it means to, trusted unless it says
        otherwise."""
        trusted = "insurance_policy_trusted"
        if self.env.su:
            if vals.get("policy_id") and trusted not in vals:
                vals = dict(vals, **{trusted: True})
            return vals
        if trusted in vals:
            vals = {key: value for key, value in vals.items() if key != trusted}
        if "policy_id" not in vals:
            return vals
        policy = self.env["insurance.policy"].browse(vals["policy_id"] or [])
        if not policy:
            return dict(vals, **{trusted: False})
        if self and all(lead.policy_id == policy for lead in self):
            return vals  # the same policy again: nothing to check or change
        try:
            policy.check_access("read")
        except AccessError as error:
            raise AccessError(
                self.env._(
                    "You cannot link this policy to a deal: you are not allowed "
                    "to read it. Link a policy of your own clients, of the deal's "
                    "company."
                )
            ) from error
        try:
            policy.check_access("write")
        except AccessError:
            return dict(vals, **{trusted: False})
        return dict(vals, **{trusted: True})

    def _insurance_pipeline_policy(self):
        """The deal's policy as the pipeline confirms or renews it: with
        superuser rights when the deal may (``insurance_policy_trusted``),
        else with the rights of the user moving the deal, who must be
        allowed to change it."""
        self.ensure_one()
        policy = self.policy_id
        if not policy or self.insurance_policy_trusted:
            # sudo: this policy was issued from this deal, came with it from
            # the previous pipeline, or was linked by a user allowed to change
            # it (_insurance_policy_link_values); the pipeline confirms and
            # renews it whoever moves the deal on (fulfilment staff and the
            # head of sales need not be insurance users).
            return policy.sudo()
        try:
            policy.check_access("write")
        except AccessError as error:
            raise AccessError(
                self.env._(
                    "%s: its policy was neither issued from this deal nor linked "
                    "by someone allowed to change it. Only a user allowed to "
                    "change that policy can move the deal on to confirm or renew "
                    "it.",
                    self.display_name,
                )
            ) from error
        return policy

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _check_stage_requirements(self, stage, vals=None):
        """Refuse to enter ``stage`` while one of its required fields is empty."""
        self.ensure_one()
        # sudo: field definitions (ir.model.fields) are readable by
        # administrators only; they are read here to know what to check.
        missing = self._missing_field_labels(stage.sudo().required_field_ids, vals)
        if missing:
            raise UserError(
                self.env._(
                    "%(lead)s cannot enter the stage %(stage)s without: %(fields)s.",
                    lead=self.display_name,
                    stage=stage.name,
                    fields=", ".join(missing),
                )
            )

    def _missing_field_labels(self, required_fields, vals=None):
        """The labels, in the user's language, of the ``required_fields``
        (ir.model.fields) that are empty once ``vals`` is written."""
        vals = vals or {}
        return [
            field.with_context(lang=self.env.lang).field_description
            for field in required_fields
            if not (vals[field.name] if field.name in vals else self[field.name])
        ]

    def _check_stage_leave_requirements(self, new_stage, vals):
        """Refuse to leave the current stage for ``new_stage`` while one of
        the fields the current stage requires to leave it is empty (e.g. the
        next contact date in Deciding). Refusing the deal is always allowed."""
        self.ensure_one()
        if new_stage.insurance_stage_code in REFUSAL_CODES:
            return
        # sudo: field definitions are readable by administrators only.
        missing = self._missing_field_labels(
            self.stage_id.sudo().leave_required_field_ids, vals
        )
        if missing:
            raise UserError(
                self.env._(
                    "%(lead)s cannot leave the stage %(stage)s without: %(fields)s.",
                    lead=self.display_name,
                    stage=self.stage_id.name,
                    fields=", ".join(missing),
                )
            )

    # ------------------------------------------------------------
    # PIPELINE CHAIN
    # ------------------------------------------------------------

    def _continue_in_next_pipeline(self, before):
        """After a stage, active or lost reason change (``before``: the stage
        of each lead before it): a lead that reached a won stage goes on in
        the next pipeline, a refused or lost one in Lost. With the context
        key ``insurance_no_forward`` a won lead is not continued: a renewal
        closed because its policy was renewed outside the pipeline has no
        sale left to start."""
        forward = not self.env.context.get("insurance_no_forward")
        for lead in self:
            old_stage = before[lead.id]
            code = lead.stage_id.insurance_stage_code
            if lead.stage_id != old_stage and code in REFUSAL_CODES and lead.active:
                lead.action_set_lost()  # archiving continues it in Lost, below
                continue
            if (
                forward
                and lead.stage_id != old_stage
                and code in FORWARDERS
                and lead.active
            ):
                getattr(lead, FORWARDERS[code])()
            if not lead.active and lead.lost_reason_id:
                lead._continue_in_lost()  # once: it finds an existing one

    def _insurance_close_stage_tasks(self, before):
        """Close the automatic tasks of the stages these leads left
        (``before``: the stage of each lead before the change): the task of
        a stage is its work, done when the deal moves on. Marked done, it is
        kept with its done date for the task reports (the broker's task
        types keep done tasks). Cancelled (deleted, as the chatter's Cancel
        and Odoo's Lost do) when the deal went back to an earlier stage or
        was refused or lost: that work was not done, and counting it done
        would flatter the statistics of tasks done and late. Tasks a user
        scheduled by hand stay open. One search for all the leads."""
        moved = self.filtered(lambda lead: lead.stage_id != before[lead.id])
        if not moved:
            return
        # sudo: the tasks of the stage a user was allowed to move the deal
        # out of are the pipeline's, assigned to others (the typist, the
        # printer), and the automations may have given the deal to someone
        # whom the user may not change it for; only those tasks are closed.
        tasks = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", moved.ids),
                    ("insurance_stage_id", "!=", False),
                ]
            )
        )
        leads = {lead.id: lead for lead in moved}
        cancelled = tasks.browse()
        done = defaultdict(lambda: tasks.browse())
        for task in tasks:
            lead = leads[task.res_id]
            if task.insurance_stage_id == lead.stage_id:
                continue  # the new stage's own task
            if lead._insurance_moved_back(before[lead.id]):
                cancelled |= task
            else:
                done[lead.stage_id] |= task
        cancelled.unlink()
        for stage, stage_tasks in done.items():
            # Closed by the pipeline: no lateness reason is asked (days late
            # are still counted).
            stage_tasks.with_context(insurance_lateness_auto=True)._action_done(
                feedback=self.env._("The deal moved on to %s.", stage.name)
            )

    def _insurance_moved_back(self, old_stage):
        """Whether the lead, which was in ``old_stage``, went back to an
        earlier stage, or was refused or lost, rather than moving on."""
        self.ensure_one()
        new_stage = self.stage_id
        if not self.active or new_stage.insurance_stage_code in REFUSAL_CODES:
            return True
        if old_stage.insurance_stage_code in REWORK_CODES:
            return False
        return new_stage.sequence < old_stage.sequence

    def _insurance_stage(self, code):
        stage = self.env["crm.stage"].search(
            [("insurance_stage_code", "=", code)], limit=1
        )
        if not stage:
            raise UserError(
                self.env._(
                    "No stage has the insurance role %s: restore it in CRM › "
                    "Configuration › Stages.",
                    dict(
                        self.env["crm.stage"]._fields["insurance_stage_code"].selection
                    )[code],
                )
            )
        return stage

    def _continuation_in(self, stage):
        """The lead already continuing this one in the stage's pipeline."""
        # sudo: whether the deal went on already is the pipeline's to know,
        # whoever moves it: a salesperson limited to their own deals does not
        # see the Fulfilment deal given to the logistician, and would hand
        # the deal over twice. Only the team is read; the lead is returned
        # without sudo.
        return (
            self.sudo()
            .with_context(active_test=False)
            .continued_lead_ids.filtered(lambda lead: lead.team_id == stage.team_id)[:1]
            .sudo(False)
        )

    def _continue(self, stage_code, **values):
        """Create the lead continuing this one at ``stage_code`` with all its
        insurance data, once: forwarding twice returns the first one."""
        self.ensure_one()
        stage = self._insurance_stage(stage_code)
        existing = self._continuation_in(stage)
        if existing:
            return existing
        vals = self._prepare_continuation_values(stage)
        vals.update(values)
        # sudo: the automation hands the deal to another team and person (the
        # logistician, the head of sales), whom a salesperson limited to their
        # own leads may not create leads for; the values are those of a lead
        # the user was allowed to move. The new lead is returned without sudo.
        lead = self.sudo().create(vals).sudo(False)
        lead.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": lead, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return lead

    def _prepare_continuation_values(self, stage):
        self.ensure_one()
        copied = [
            "name",
            "partner_id",
            "contact_name",
            "partner_name",
            "email_from",
            "phone",
            "mobile",
            "street",
            "city",
            "zip",
            "country_id",
            "company_id",
            "source_id",
            "medium_id",
            "campaign_id",
            "insurance_product_id",
            "insured_object",
            "vehicle_owner",
            "insurance_date_start",
            "insurance_term_months",
            "insurance_date_end",
            "insurance_business_type",
            "deal_premium",
            "deal_commission",
            "delivery_cost",
            "diagnostic_card_cost",
            "cross_product_amount",
            "discount",
            "delivery_type",
            "delivery_date",
            "delivery_address",
            "courier_name",
            "courier_phone",
            "document_photos",
            "document_folder_url",
            "insurance_client_manager_id",
            "policy_number",
            "policy_id",
            "insurance_policy_trusted",
        ]
        vals = self._convert_to_write({name: self[name] for name in copied})
        vals.update(
            {
                "type": "opportunity",
                "team_id": stage.team_id.id,
                "stage_id": stage.id,
                "origin_lead_id": self.id,
                "quote_ids": [
                    Command.create(
                        quote.copy_data({"lead_id": False})[0]
                        | {"chosen": quote.chosen}
                    )
                    for quote in self.quote_ids
                ],
                "driver_ids": [
                    Command.create(driver.copy_data({"lead_id": False})[0])
                    for driver in self.driver_ids
                ],
            }
        )
        return vals

    def _continue_in_fulfilment(self):
        """Won in Sales: the logistician (or the pick-up handler) takes it
        over; the salesperson stays the client manager."""
        company = self.company_id or self.env.company
        handler = (
            company.insurance_pickup_handler_id
            if self.delivery_type == "pickup"
            else company.insurance_logistician_id
        )
        return self._continue(
            "fulfilment_new",
            user_id=handler.id or self.user_id.id,
            insurance_client_manager_id=(
                self.insurance_client_manager_id or self.user_id
            ).id,
        )

    def _continue_in_renewal(self):
        """Delivered: the policy is in force (created from the chosen quote if
        needed) and its renewal waits in the bucket its end date calls for."""
        policy = self._ensure_policy()
        code = renewal_bucket_code(policy.date_end, fields.Date.context_today(self))
        stage = self._insurance_stage(code)
        adopted = self._adopt_renewal_deal(policy, stage)
        if adopted:
            return adopted
        continued = self._continuation_in(stage)
        lead = self._continue(
            code,
            user_id=stage.team_id.user_id.id or self.user_id.id,
            policy_id=policy.id,
            # the pipeline's own policy, or one the user who delivered may change
            insurance_policy_trusted=True,
            insurance_date_start=policy.date_end + relativedelta(days=1),
        )
        if not continued and code == "renewal_month":
            # Delivered in its last month: handed over at once, as the bucket
            # cron hands over those reaching it. sudo: the hand-over is the
            # pipeline's, whoever delivered (a logistician may not assign
            # the renewal team's deals).
            lead.sudo()._assign_renewal_managers()
        return lead

    def _adopt_renewal_deal(self, policy, stage):
        """The open renewal deal ``policy`` got when it was confirmed before
        this deal delivered it (from its form, an import), made this deal's
        continuation rather than given a second one; an empty recordset if
        there is none, or this deal was continued already."""
        if self._continuation_in(stage):
            return self.browse()  # _continue returns that one
        # sudo: the user delivering need not see the Renewal pipeline; only
        # the open renewal of this deal's own policy is looked for.
        deal = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("policy_id", "=", policy.id),
                    ("stage_id.insurance_stage_code", "in", RENEWAL_OPEN_CODES),
                ],
                order="id",
                limit=1,
            )
        )
        if not deal:
            return self.browse()
        deal.origin_lead_id = self
        deal.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": deal, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return deal.sudo(False)

    def _continue_in_sales(self):
        """Renewed: the successor policy is sold again from the start."""
        # Renewing is part of the automation, whoever moved the lead (the head
        # of sales need not be an insurance user): with superuser rights on
        # the deal's own policy only (_insurance_pipeline_policy).
        policy = self._insurance_pipeline_policy()
        successor = policy.successor_id
        # Placed on the chosen quote: its insurer, premium and commission.
        terms = (
            self.chosen_quote_id._insurance_successor_terms(policy) if policy else {}
        )
        if policy and not successor and policy.state in ("active", "expired"):
            successor = policy._create_successors(terms)
        elif successor.state == "draft" and terms:
            successor.write(terms)  # prepared from the policy's Renew button
        return self._continue(
            "sales_gathering",
            user_id=(self.insurance_client_manager_id or self.user_id).id,
            policy_id=successor.id or policy.id,
            insurance_policy_trusted=bool(policy),
            insurance_date_start=successor.date_start or self.insurance_date_start,
            quote_ids=[],
            policy_number=False,
        )

    def _continue_in_lost(self):
        """Lost anywhere: go on in Lost, the reason as a tag, to win back."""
        if self.stage_id.insurance_stage_code == "lost_win_back":
            return self.browse()  # lost again while being won back
        tag = self.env["crm.tag"].search(
            [("name", "=", self.lost_reason_id.name)], limit=1
        )
        if not tag:
            tag = self.env["crm.tag"].create({"name": self.lost_reason_id.name})
        return self._continue(
            "lost_win_back",
            user_id=self.user_id.id,
            tag_ids=[Command.link(tag.id)],
            lost_reason_id=False,
        )

    def _ensure_policy(self):
        """The policy of this deal, created from the chosen quote and
        confirmed when it does not exist yet."""
        self.ensure_one()
        # Fulfilment staff need not be insurance users: the deal's own policy
        # is confirmed with superuser rights (_insurance_pipeline_policy).
        policy = self._insurance_pipeline_policy()
        if not policy:
            quote = self.chosen_quote_id
            if not (quote and self.partner_id and self.insurance_product_id):
                raise UserError(
                    self.env._(
                        "%s needs a client, an insurance product and a chosen quote "
                        "to issue its policy.",
                        self.display_name,
                    )
                )
            # sudo: the fulfilment staff who deliver need not be insurance users;
            # the policy is built from this lead's own chosen quote.
            policy = (
                self.env["insurance.policy"]
                .sudo()
                .create(
                    {
                        "name": self.policy_number,
                        "partner_id": self.partner_id.id,
                        "insurer_id": quote.insurer_id.id,
                        "product_id": self.insurance_product_id.id,
                        "object_description": self.insured_object,
                        "currency_id": quote.currency_id.id,
                        "premium": quote.premium,
                        "payment_frequency": self.insurance_payment_frequency
                        or "single",
                        "business_type": self.insurance_business_type or "new",
                        "date_start": self.insurance_date_start
                        or fields.Date.context_today(self),
                        "term_months": self.insurance_term_months or 12,
                        "client_manager_id": (
                            self.insurance_client_manager_id or self.user_id
                        ).id,
                        "company_id": (self.company_id or self.env.company).id,
                    }
                )
            )
            link = {"policy_id": policy.id, "insurance_policy_trusted": True}
            if not self.company_id:
                link["company_id"] = policy.company_id.id
            # sudo: the link is the pipeline's own, to the policy just issued
            # from this deal; the user delivering may not read policies.
            self.sudo().write(link)
        if policy.state == "draft":
            if not policy.name and self.policy_number:
                policy.name = self.policy_number
            # Its renewal deal continues this one (_continue_in_renewal), with
            # this deal's data, rather than being opened by the confirmation.
            policy.with_context(
                insurance_renewal_deal_by_pipeline=True
            ).action_confirm()
        return policy

    # ------------------------------------------------------------
    # STAGE AUTOMATIONS (called by the base.automation rules in
    # data/base_automation_data.xml where the rule engine alone cannot say it)
    # ------------------------------------------------------------

    def _insurance_send_courier_sms(self):
        """Tell the client when and by whom the policy comes (editable SMS
        template); without a number to text, the logistician is asked to call."""
        template = self.env.ref(
            "insurance_broker_crm.sms_template_courier", raise_if_not_found=False
        )
        recipients = self._sms_get_recipients_info()
        for lead in self:
            if recipients[lead.id]["sanitized"]:
                lead._message_sms_with_template(
                    template=template,
                    template_fallback=self.env._(
                        "Your policy will be delivered on {{ object.delivery_date }} "
                        "by {{ object.courier_name }}, {{ object.courier_phone }}."
                    ),
                )
                continue
            company = lead.company_id or self.env.company
            lead.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Call the client about the delivery"),
                note=self.env._(
                    "No mobile number to text the courier's name, phone and the "
                    "delivery time to: call the client instead."
                ),
                user_id=(company.insurance_logistician_id or lead.user_id).id,
            )

    # ------------------------------------------------------------
    # RENEWAL BUCKETS
    # ------------------------------------------------------------

    @api.model
    def _cron_renewal_buckets(self):
        """Move each open Renewal lead to the bucket its policy's end date calls
        for (``RENEWAL_BUCKETS``); on reaching the last month, hand it to its
        renewal manager (capped per week) or ask the head of sales to assign
        one (``_assign_renewal_managers``).

        One query finds the leads whose bucket must change, only ever forward
        (a lead a person moved further on stays where it is); each batch moves
        set-wise (``_move_to_bucket``: one UPDATE, the tracking notes, the
        recomputations and automation rules of a stage write), is committed
        under ir.cron and reported; a second run finds nothing to do."""
        today = fields.Date.context_today(self)
        stages = {code: self._insurance_stage(code) for __, code in RENEWAL_BUCKETS}
        order = [stages[code].id for __, code in RENEWAL_BUCKETS]
        # renewal_bucket_code in SQL: the last bucket whose months have begun.
        bucket = SQL(
            "CASE %s ELSE %s END",
            SQL(" ").join(
                SQL(
                    "WHEN policy.date_end + 1 <= %s THEN %s",
                    today + relativedelta(months=months),
                    stages[code].id,
                )
                for months, code in reversed(RENEWAL_BUCKETS[1:])
            ),
            order[0],
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT lead.id, lead.stage_id, %(bucket)s
                     FROM crm_lead lead
                     JOIN insurance_policy policy ON policy.id = lead.policy_id
                    WHERE lead.active
                      AND lead.stage_id = ANY(%(buckets)s)
                 ORDER BY lead.id""",
                bucket=bucket,
                buckets=order,
            )
        )
        rank = {stage_id: index for index, stage_id in enumerate(order)}
        by_target = defaultdict(list)
        for lead_id, stage_id, target in self.env.cr.fetchall():
            if rank[target] > rank[stage_id]:  # forward only
                by_target[target].append(lead_id)
        total = sum(len(ids) for ids in by_target.values())
        done = processed = 0
        for target, lead_ids in by_target.items():
            stage = self.env["crm.stage"].browse(target)
            sources = order[: rank[target]]
            rules = self._bucket_automations(
                ["stage_id", "date_last_stage_update", "date_closed"]
            )
            for start in range(0, len(lead_ids), BUCKET_BATCH_SIZE):
                batch = self.browse(lead_ids[start : start + BUCKET_BATCH_SIZE])
                moved = batch._move_to_bucket(stage, sources, rules)
                if target == stages["renewal_month"].id:
                    moved._assign_renewal_managers()
                done += len(moved)
                processed += len(batch)
                self.env["ir.cron"]._notify_progress(
                    done=processed, remaining=total - processed
                )
                if self.env.context.get("cron_id") and not modules.module.current_test:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.invalidate_all()  # flushes first; keeps the cache small
        _logger.info("Renewal buckets: %s leads moved", done)
        return done

    def _move_to_bucket(self, stage, sources, rules=None):
        """Move the leads of ``self`` still open in one of the stages
        ``sources`` (ids) to ``stage`` as ``write({"stage_id": stage.id})``
        does, but set-wise where the write works lead by lead:

        - the row, in one UPDATE (``_write_bucket_sql``): the stage, the values
          crm's write adds (last stage update, closed date cleared), write
          user and date, and the fields that depend on the stage
          (probabilities, prorated revenues, days to close) as crm computes
          them; with the ORM's invariants (access rights, ``modified`` before
          and after, cache, constraints);
        - the tracking note of each lead (``_log_bucket_moves``).

        What the overrides of write do on a stage change is done here: crm's
        values, mail's tracking. A move that asks more of them goes through
        ``write`` (``_bucket_move_needs_write``), and so does a batch on which
        an automation rule would run (``_bucket_rules_apply``: the move is
        undone to its savepoint and redone by write, which runs the rules as
        always). Only leads still in a source stage move (forward only,
        idempotent). ``rules``: ``_bucket_automations``, if known. Returns the
        leads moved."""
        if not sources:
            return self.browse()
        env = self.env
        self.flush_model()
        rows = self._lock_bucket_rows(sources)
        moved = self.browse(list(rows))
        values = {
            "stage_id": stage.id,
            "date_last_stage_update": env.cr.now(),
            "date_closed": False,
        }
        if not moved or moved._bucket_move_needs_write(stage, sources, values):
            moved.write({"stage_id": stage.id})
            return moved
        if rules is None:
            rules = moved._bucket_automations(values)
        pre = [
            (domain, rule._filter_pre(moved.with_env(rule.env)))
            for rule, domain in rules
        ]
        pre = [(domain, leads) for domain, leads in pre if leads]
        if pre:
            env.flush_all()
            env.cr.execute("SAVEPOINT renewal_bucket_move")
        if not moved._write_bucket_sql(values, rows):
            models.BaseModel.write(moved, values)
            moved._recompute_bucket_dependents()
            for lead in moved:
                rows[lead.id]["probability"] = lead.probability
        env.flush_all()
        if pre:
            if moved._bucket_rules_apply(pre):
                env.cr.execute("ROLLBACK TO SAVEPOINT renewal_bucket_move")
                env.invalidate_all()
                moved.write({"stage_id": stage.id})
                return moved
            env.cr.execute("RELEASE SAVEPOINT renewal_bucket_move")
        moved._log_bucket_moves(stage, rows)
        Stage = self.env["crm.stage"]
        moved._insurance_close_stage_tasks(
            {lead_id: Stage.browse(row["stage_id"]) for lead_id, row in rows.items()}
        )
        return moved

    def _lock_bucket_rows(self, sources):
        """Lock the leads of ``self`` still open in one of the stages
        ``sources`` (ids) and return, by id, their columns the move reads.

        A lead another transaction holds (a user saving it) is skipped, not
        waited for: the next run takes it. A lead changed by a transaction
        that committed after this one began cannot be locked in this one's
        snapshot (a serialization failure): then the leads are locked one by
        one, and that one is left for the next run too."""
        query = """SELECT id, stage_id, company_id, team_id, name, lost_reason_id,
                          active, probability, automated_probability,
                          expected_revenue, recurring_revenue,
                          recurring_revenue_monthly, prorated_revenue,
                          recurring_revenue_monthly_prorated,
                          recurring_revenue_prorated, day_close
                     FROM crm_lead
                    WHERE id = ANY(%s) AND active AND stage_id = ANY(%s)
                 ORDER BY id
                      FOR NO KEY UPDATE SKIP LOCKED"""
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL(query, self.ids, list(sources)), log_exceptions=False)
                return {row["id"]: row for row in cr.dictfetchall()}
        except psycopg2.errors.SerializationFailure:
            _logger.info(
                "Renewal buckets: leads changed since the run began, locked one by one"
            )
        rows = {}
        for lead_id in self.ids:
            try:
                with cr.savepoint(flush=False):
                    cr.execute(
                        SQL(query, [lead_id], list(sources)), log_exceptions=False
                    )
                    rows.update((row["id"], row) for row in cr.dictfetchall())
            except psycopg2.errors.SerializationFailure:
                _logger.info(
                    "Renewal buckets: lead %s changed meanwhile, left", lead_id
                )
        return rows

    def _bucket_move_needs_write(self, stage, sources, values):
        """Whether this move asks more of write than ``_move_to_bucket`` does:
        fields required to enter the stage (checked lead by lead), a won stage
        on either side (crm's predictive scoring statistics), a stage that
        continues the lead in another pipeline, a tracked field among those
        the move recomputes (mail tracks it through its compute)."""
        Stage = self.env["crm.stage"]
        code = stage.insurance_stage_code
        return bool(
            # sudo: only whether the stage lists required fields is read
            # (ir.model.fields: administrators only).
            stage.sudo().required_field_ids
            or (stage | Stage.browse(sources)).filtered("is_won")
            or code in REFUSAL_CODES
            or code in FORWARDERS
            or set(self._track_get_fields())
            & {field.name for field in self._bucket_dependents(values)}
        )

    def _bucket_dependents(self, values):
        """The stored computed fields of leads that depend on ``values``."""
        dependents = set()
        for name in values:
            dependents.update(
                field
                for field in self.pool.get_dependent_fields(self._fields[name])
                if field.store and field.model_name == self._name
            )
        return dependents

    def _write_bucket_sql(self, values, rows):
        """Write the move of these leads (``rows``: their columns before it)
        in one UPDATE, the fields that depend on the stage computed set-wise
        as crm computes them: ``_compute_probabilities`` (crm's predictive
        scoring, ``_pls_get_naive_bayes_probabilities``, on the leads' values
        read set-wise with the new stage: ``_pls_get_lead_pls_values``; the
        probability follows when it was automated), the
        prorated revenues, the days to close (none: the closed date is
        cleared). As the ORM writes, a value equal to the cached one is not
        written. Keeps the ORM's invariants: access rights, ``modified``
        before and after, the cache (left as after a flush), the constraints.

        Returns False, having done nothing, when another stored field depends
        on the stage or when one of those compute methods is not crm's (an
        override): then the ORM computes them (``_recompute_bucket_dependents``)."""
        from odoo.tools import float_compare

        computes = {
            "date_last_stage_update": "_compute_date_last_stage_update",
            "automated_probability": "_compute_probabilities",
            "probability": "_compute_probabilities",
            "prorated_revenue": "_compute_prorated_revenue",
            "recurring_revenue_monthly_prorated": (
                "_compute_recurring_revenue_monthly_prorated"
            ),
            "recurring_revenue_prorated": "_compute_recurring_revenue_prorated",
            "day_close": "_compute_day_close",
        }
        crm = "odoo.addons.crm.models.crm_lead"
        dependents = self._bucket_dependents(values)
        if any(
            computes.get(field.name) != field.compute for field in dependents
        ) or any(
            getattr(type(self), method).__module__ != crm
            for method in {*computes.values(), "_compute_is_automated_probability"}
        ):
            return False
        env = self.env
        names = [*values, *(name for name in computes if name not in values)]
        self.check_access("write")
        self.check_field_access_rights("write", names)
        protected = [self._fields[name] for name in names]
        with env.protecting(protected, self):
            self.modified(["stage_id"], before=True)
        env.cache.update(
            self, self._fields["stage_id"], [values["stage_id"]] * len(self)
        )
        probabilities = self.with_context(
            insurance_pls_stage_id=values["stage_id"]
        )._pls_get_naive_bayes_probabilities()
        written = list(computes)[1:]
        fields_ = [self._fields[name] for name in written]
        # Float fields without digits: cache and column values are the float
        plain = {
            field
            for field in fields_
            if field.type == "float"
            and not field.get_digits(env)
            and not field.company_dependent
        }
        columns = {name: [] for name in written}
        cached = {name: [] for name in written}
        for lead_id in self._ids:
            row = rows[lead_id]
            new = {
                "automated_probability": row["automated_probability"] or 0.0,
                "probability": row["probability"] or 0.0,
            }
            if lead_id in probabilities:
                # crm's _compute_probabilities, _compute_is_automated_probability
                automated = (
                    float_compare(new["probability"], new["automated_probability"], 2)
                    == 0
                )
                new["automated_probability"] = probabilities[lead_id]
                if row["active"] and automated:
                    new["probability"] = probabilities[lead_id]
            probability = new["probability"]
            new["prorated_revenue"] = round(
                (row["expected_revenue"] or 0.0) * probability / 100.0, 2
            )
            new["recurring_revenue_monthly_prorated"] = (
                (row["recurring_revenue_monthly"] or 0.0) * probability / 100.0
            )
            new["recurring_revenue_prorated"] = (
                (row["recurring_revenue"] or 0.0) * probability / 100.0
            )
            new["day_close"] = 0.0
            for field in fields_:
                value = new[field.name]
                if not value or field in plain:
                    value = column = float(value or 0.0)
                else:
                    value = field.convert_to_cache(value, self.browse(lead_id))
                    column = field.convert_to_column_update(value, self.browse(lead_id))
                cached[field.name].append(value)
                columns[field.name].append(
                    None if value == (row[field.name] or 0.0) else column
                )
            row["probability"] = probability  # for _log_bucket_moves
        now = values["date_last_stage_update"]
        env.cr.execute(
            SQL(
                """UPDATE crm_lead lead
                      SET stage_id = %(stage)s, date_last_stage_update = %(now)s,
                          date_closed = NULL, write_uid = %(uid)s, write_date = %(now)s,
                          %(computed)s
                     FROM unnest(%(ids)s::int[], %(arrays)s) AS new(id, %(names)s)
                    WHERE lead.id = new.id""",
                stage=values["stage_id"],
                now=now,
                uid=env.uid,
                ids=self.ids,
                computed=SQL(", ").join(
                    SQL("%s = COALESCE(new.%s, lead.%s)", *[SQL.identifier(name)] * 3)
                    for name in written
                ),
                arrays=SQL(", ").join(
                    SQL(
                        "%s::%s[]",
                        columns[name],
                        SQL(self._fields[name].column_type[1]),
                    )
                    for name in written
                ),
                names=SQL(", ").join(SQL.identifier(name) for name in written),
            )
        )
        # the cache holds what the database now does, as after the ORM's flush
        for name, value in [
            ("date_last_stage_update", now),
            ("date_closed", False),
            ("write_uid", env.uid),
            ("write_date", now),
        ]:
            field = self._fields[name]
            cached[name] = [field.convert_to_cache(value, self)] * len(self)
        for name, column in cached.items():
            env.cache.update(self, self._fields[name], column)
        with env.protecting(protected, self):
            self.modified(names)
        self._validate_fields(names)
        return True

    def _pls_get_lead_pls_values(self, domain=None):
        """The values crm's predictive scoring reads of the leads of a bucket
        move (context ``insurance_pls_stage_id``: the stage they move to), as
        its ORM path gives them (lead by lead: stage, then the scoring fields
        set, the e-mail and phone quality even unset, then the tags), but
        read in two queries: lead by lead through the ORM, it cost more than
        the move's UPDATE on thousands of leads. The stage is the new one."""
        stage_id = self.env.context.get("insurance_pls_stage_id")
        safe_fields = self._pls_get_safe_fields()
        names = [name for name in safe_fields if name != "tag_ids"]
        use_tags = "tag_ids" in safe_fields
        if (
            domain
            or not stage_id
            or not self
            or not all(self._fields[name].column_type for name in names)
        ):
            return super()._pls_get_lead_pls_values(domain=domain or [])
        self.flush_model(["team_id", *names, *(["tag_ids"] if use_tags else [])])
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM crm_lead WHERE id = ANY(%s)",
                SQL(", ").join(
                    SQL.identifier(name) for name in ["id", "team_id", *names]
                ),
                list(self._ids),
            )
        )
        rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        tags = defaultdict(list)
        if use_tags:
            self.env.cr.execute(
                SQL(
                    "SELECT lead_id, tag_id FROM crm_tag_rel "
                    "WHERE lead_id = ANY(%s) ORDER BY tag_id",
                    list(self._ids),
                )
            )
            for lead_id, tag_id in self.env.cr.fetchall():
                tags[lead_id].append(("tag_id", tag_id))
        quality = {"email_state", "phone_state"}
        values = {}
        for lead_id in self._ids:
            if lead_id not in rows:
                continue
            team_id, *row = rows[lead_id]
            values[lead_id] = {
                "values": [
                    ("stage_id", stage_id),
                    *(
                        (name, value or False)
                        for name, value in zip(names, row, strict=True)
                        if value or name in quality
                    ),
                    *tags[lead_id],
                ],
                "team_id": team_id or False,
            }
        return values

    def _recompute_bucket_dependents(self):
        """Compute on the moved leads what the move marked to recompute, as
        the flush would (``Field.compute_value``), calling the compute methods
        themselves in the order of their dependencies: through
        ``_compute_field_value``, base_automation's patch would evaluate every
        rule's domains lead by lead for each compute method, a few
        milliseconds a lead (``_bucket_rules_apply`` checks those rules
        set-wise). mail's override of it tracks computed tracked fields: a
        move recomputing one goes through write."""
        env = self.env
        tocompute = env.transaction.tocompute
        todo = [
            field
            for field in self._fields.values()
            if field.store
            and field.compute
            and not set(tocompute.get(field, ())).isdisjoint(self._ids)
        ]
        while todo:
            pending = {field.name for field in todo}
            field = next(
                (
                    field
                    for field in todo
                    if not pending.intersection(
                        path.split(".")[0] for path in self.pool.field_depends[field]
                    )
                    - {field.name for field in self.pool.field_computed[field]}
                ),
                todo[0],
            )
            computed = self.pool.field_computed[field]
            todo = [other for other in todo if other not in computed]
            records = self.browse(
                [id_ for id_ in self._ids if id_ in tocompute.get(field, ())]
            )
            if field.compute_sudo:
                # sudo: as the ORM computes a compute_sudo field; only the
                # moved leads, which the user was allowed to write.
                records = records.sudo()
            for other in computed:
                if other.store:
                    env.remove_to_compute(other, records)
            with env.protecting(computed, records):
                models.BaseModel._compute_field_value(records, field)

    def _bucket_automations(self, values):
        """The automation rules that the write of ``values`` on leads, or the
        recomputations it triggers, could run (base_automation's patches of
        write and of _compute_field_value: a write trigger, watching one of
        those fields or every field), with their postcondition as a domain
        (None: none)."""
        from odoo.tools.safe_eval import safe_eval

        # The trigger list is base_automation's own (a dependency).
        from odoo.addons.base_automation.models.base_automation import (
            WRITE_TRIGGERS,
        )

        rules = self.env["base.automation"]._get_actions(self, WRITE_TRIGGERS)
        watched = {"stage_id"} | {f.name for f in self._bucket_dependents(values)}
        # sudo: the rules' definitions (administrators only) are read to
        # know whether a move must go through write; the rules themselves
        # run as base_automation runs them.
        return [
            (
                rule,
                safe_eval(rule.sudo().filter_domain, rule._get_eval_context())
                if rule.sudo().filter_domain
                else None,
            )
            for rule in rules
            if not rule.sudo().trigger_field_ids
            or watched & set(rule.sudo().trigger_field_ids.mapped("name"))
        ]

    def _bucket_rules_apply(self, pre):
        """Whether a rule would run on a moved lead: one that the rule's
        precondition kept, read before the move (``pre``: postcondition
        domain, leads kept), and that now satisfies its postcondition; all
        rules in one search. Then the batch goes through write, which runs
        them as usual: rules that never apply here (the addon's own rules
        watch stage_id for other stages) cost one search a batch, not an
        evaluation of every rule's domain lead by lead."""
        from odoo.osv import expression

        domains = []
        for domain, leads in pre:
            if domain is None:
                return True
            if len(leads) < len(self):
                domain = expression.AND([[("id", "in", leads.ids)], domain])
            domains.append(domain)
        return bool(
            self.with_context(active_test=False).search_count(
                expression.AND([[("id", "in", self.ids)], expression.OR(domains)]),
                limit=1,
            )
        )

    def _log_bucket_moves(self, stage, rows):
        """The tracking note of each lead's move to ``stage`` (``rows``: the
        leads' columns, their old stage, new probability), as mail's
        ``_message_track`` posts it at commit: message_post with the subtype
        ``_track_subtype`` gives and a mail.tracking.value, then the tracking
        template if any. The notes that notify nobody (no follower of the
        subtype) are inserted set-wise (``_insert_bucket_notes``); the others
        go through message_post, which sends their notifications.

        ``_track_subtype`` is asked once per old stage and values it reads
        (crm's: the probability, won at 100; the lost reason; active).

        A lead mail already tracks in this transaction (created in it, or
        changed) is left to mail, as write's ``_track_prepare`` would: its
        old stage joins the values tracked at commit, or nothing is tracked if
        mail discarded its tracking (a lead created in the transaction)."""
        context = self.env.context
        if (
            not self
            or context.get("tracking_disable")
            or context.get("mail_notrack")
            or "stage_id" not in self._track_get_fields()
        ):
            return
        # sudo: as mail's _track_finalize posts tracking, on the moved leads
        # only, which the user was allowed to write.
        leads = self.sudo()
        Stage = self.env["crm.stage"]
        col_info = leads.fields_get(
            ["stage_id"], attributes=("string", "type", "selection", "currency_field")
        )["stage_id"]
        pending = self.env.cr.precommit.data.get(f"mail.tracking.{self._name}", {})
        groups = defaultdict(list)
        for lead_id in leads._ids:
            row = rows[lead_id]
            if lead_id in pending:
                if pending[lead_id] is not None:
                    pending[lead_id].setdefault(
                        "stage_id", Stage.browse(row["stage_id"])
                    )
                continue
            key = (
                row["stage_id"],
                row["probability"] == 100,
                row["lost_reason_id"],
                row["active"],
            )
            groups[key].append(lead_id)
        for key, ids in groups.items():
            group = leads.browse(ids)
            old = Stage.browse(key[0])
            subtype = group[0]._track_subtype({"stage_id": old})
            body = group[0]._track_get_default_log_message({"stage_id"})
            tracking = self.env["mail.tracking.value"]._create_tracking_values(
                old, stage, "stage_id", col_info, group[:1]
            )
            if not subtype:
                for lead in group:
                    lead._message_log(body=body, tracking_value_ids=[(0, 0, tracking)])
                continue
            if not subtype.exists():
                continue
            notified = group._bucket_note_recipients(subtype)
            for lead in notified:
                lead.message_post(
                    body=body,
                    subtype_id=subtype.id,
                    tracking_value_ids=[(0, 0, tracking)],
                )
            (group - notified)._insert_bucket_notes(subtype, body, tracking, rows)
        if (
            type(self)._track_template.__module__
            != "odoo.addons.mail.models.mail_thread"
        ):
            for lead in leads.browse([id_ for id_ in leads._ids if id_ not in pending]):
                if lead._track_template({"stage_id"}):
                    lead._message_track_post_template({"stage_id"})

    def _bucket_note_recipients(self, subtype):
        """The leads whose note of ``subtype`` would notify someone: a
        follower of the subtype (``mail.followers._get_recipient_data``, asked
        only when one query finds such a follower)."""
        self.env["mail.followers"].flush_model(["res_model", "res_id", "subtype_ids"])
        self.env.cr.execute(
            SQL(
                """SELECT 1 FROM mail_followers follower
                     JOIN mail_followers_mail_message_subtype_rel rel
                       ON rel.mail_followers_id = follower.id
                    WHERE follower.res_model = %s AND follower.res_id = ANY(%s)
                      AND rel.mail_message_subtype_id = %s
                    LIMIT 1""",
                self._name,
                self.ids,
                subtype.id,
            )
        )
        if not self.env.cr.fetchone():
            return self.browse()
        recipients = self.env["mail.followers"]._get_recipient_data(
            self, "notification", subtype.id
        )
        return self.browse([id_ for id_ in self.ids if recipients.get(id_)])

    def _insert_bucket_notes(self, subtype, body, tracking, rows):
        """Insert for each lead the mail.message and mail.tracking.value rows
        message_post writes for a tracking note that notifies nobody: the
        same author, sender, reply-to, record name, company and alias domain,
        thread parent (the lead's first message), Message-Id and values.

        mail's helpers are asked once per company (record company and alias
        domain: the lead's company) and team (reply-to: crm gives a lead its
        team's), lead by lead for leads without a team; the record name is
        the lead's name (``rows``) unless display_name is computed otherwise."""
        import socket

        if not self:
            return
        env = self.env
        Message = env["mail.message"]
        author_id, email_from = self._message_compute_author(raise_on_email=True)
        groups = defaultdict(list)
        for lead_id in self._ids:
            row = rows[lead_id]
            groups[row["company_id"], row["team_id"]].append(lead_id)
        companies, alias_domains, reply_to = {}, {}, {}
        for (__, team), ids in groups.items():
            leads = self.browse(ids if not team else ids[:1])
            company = leads._mail_get_companies(default=env.company)
            domain = leads._mail_get_alias_domains(default_company=env.company)
            replies = leads._notify_get_reply_to(default=email_from)
            for id_ in ids:
                lead_id = id_ if not team else ids[0]
                companies[id_] = company[lead_id].id or None
                alias_domains[id_] = domain[lead_id].id or None
                reply_to[id_] = replies[lead_id] or None
        if (
            type(self)._compute_display_name is models.BaseModel._compute_display_name
            and self._rec_name == "name"
        ):
            names = [rows[lead_id]["name"] or None for lead_id in self._ids]
        else:
            names = [lead.display_name or None for lead in self]
        now = env.cr.now()
        body = Message._fields["body"].convert_to_column(body, Message)
        # Message-Id as mail.message's _get_message_id makes it for a message
        # on a record (tools.mail.generate_tracking_message_id), in SQL.
        message_id = SQL(
            """'<' || lpad(floor(random() * 1e15)::bigint::text, 15, '0') || '.'
                   || to_char(extract(epoch FROM clock_timestamp()),
                              'FM9999999999.000000000000000')
                   || '-openerp-' || lead.id || %s""",
            f"-{self._name}@{socket.gethostname()}>",
        )
        env.cr.execute(
            SQL(
                """WITH note AS (
                    INSERT INTO mail_message (
                        model, res_id, parent_id, record_name, record_company_id,
                        record_alias_domain_id, message_type, subtype_id,
                        author_id, email_from, reply_to, body, message_id,
                        email_add_signature, date, create_uid, create_date,
                        write_uid, write_date)
                    SELECT %(model)s, lead.id,
                           (SELECT first.id FROM mail_message first
                             WHERE first.model = %(model)s
                               AND first.res_id = lead.id
                               AND first.message_type != 'user_notification'
                          ORDER BY first.id LIMIT 1),
                           lead.record_name, lead.company_id, lead.alias_domain_id,
                           'notification', %(subtype)s, %(author)s, %(email_from)s,
                           lead.reply_to, %(body)s, %(message_id)s, TRUE, %(date)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(ids)s::int[], %(names)s::varchar[],
                                  %(companies)s::int[], %(alias_domains)s::int[],
                                  %(reply_to)s::varchar[])
                        AS lead(id, record_name, company_id, alias_domain_id,
                                reply_to)
                    RETURNING id
                )
                INSERT INTO mail_tracking_value (%(columns)s, mail_message_id,
                       create_uid, create_date, write_uid, write_date)
                SELECT %(values)s, note.id, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM note""",
                model=self._name,
                subtype=subtype.id,
                author=author_id,
                email_from=email_from,
                body=body,
                date=fields.Datetime.now(),
                uid=env.uid,
                now=now,
                ids=self.ids,
                names=names,
                companies=[companies[lead_id] for lead_id in self._ids],
                alias_domains=[alias_domains[lead_id] for lead_id in self._ids],
                reply_to=[reply_to[lead_id] for lead_id in self._ids],
                message_id=message_id,
                columns=SQL(", ").join(SQL.identifier(name) for name in tracking),
                values=SQL(", ").join(SQL("%s", value) for value in tracking.values()),
            )
        )
        self.invalidate_recordset(
            [
                "message_ids",
                "message_needaction",
                "message_needaction_counter",
                "duration_tracking",
            ]
        )

    def _assign_renewal_managers(self):
        """A month before the end: the client manager takes the renewal into
        work if they belong to the renewal department and have room this week;
        otherwise the head of sales is asked to assign a renewal manager."""
        take = self._insurance_stage("renewal_take")
        team = take.team_id
        week_start = fields.Datetime.to_datetime(
            fields.Date.context_today(self)
            - relativedelta(days=fields.Date.context_today(self).weekday())
        )
        counts = dict(
            self._read_group(
                [
                    ("team_id", "=", team.id),
                    ("date_open", ">=", week_start),
                    ("user_id", "!=", False),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        todo = self.env.ref(
            "insurance_broker_crm.mail_activity_type_assign_renewal_manager"
        )
        taken, unassigned = defaultdict(list), []
        for lead in self:
            manager = lead.insurance_client_manager_id
            cap = (lead.company_id or self.env.company).insurance_renewal_weekly_cap
            if manager in team.member_ids and counts.get(manager, 0) < cap:
                taken[manager].append(lead.id)
                counts[manager] = counts.get(manager, 0) + 1
            else:
                unassigned.append(lead.id)
        # One write per manager and one batch of tasks: hundreds of leads
        # reach "A month" on some days.
        for manager, lead_ids in taken.items():
            # The stage's automation gives them "take the client into work".
            self.browse(lead_ids).write({"user_id": manager.id, "stage_id": take.id})
        if unassigned:
            self.browse(unassigned).activity_schedule(
                activity_type_id=todo.id,
                summary=self.env._("Assign a renewal manager"),
                user_id=(team.user_id or self.env.user).id,
            )

    # ------------------------------------------------------------
    # OFFER
    # ------------------------------------------------------------

    def _check_offer(self, send=False):
        """An offer compares quotes and is addressed to a client; sending it
        also needs the client's e-mail address."""
        for lead in self:
            if not lead.quote_ids:
                raise UserError(
                    self.env._(
                        "%s has no quotes: add the insurers' quotes before "
                        "making an offer.",
                        lead.display_name,
                    )
                )
            if not lead.partner_id:
                raise UserError(
                    self.env._(
                        "%s has no client: set the client the offer is for.",
                        lead.display_name,
                    )
                )
            if send and not lead.partner_id.email:
                raise UserError(
                    self.env._(
                        "The client %(client)s of %(lead)s has no e-mail address: "
                        "add it before sending the offer.",
                        client=lead.partner_id.display_name,
                        lead=lead.display_name,
                    )
                )

    def action_send_offer(self):
        """Open the composer with the offer template, its PDF attached, as
        Sales does for a quotation."""
        self.ensure_one()
        self._check_offer(send=True)
        template = self.env.ref(
            "insurance_broker_crm.mail_template_insurance_offer",
            raise_if_not_found=False,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Offer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id if template else False,
                "default_email_layout_xmlid": (
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
                "email_notification_allow_footer": True,
                "force_email": True,
            },
        }

    def action_print_offer(self):
        self._check_offer()
        return self.env.ref(
            "insurance_broker_crm.action_report_insurance_offer"
        ).report_action(self)

    # ------------------------------------------------------------
    # INCOMING CALL
    # ------------------------------------------------------------

    @api.model
    def _insurance_incoming_call(self, phone, call_id=None):
        """The telephony system reports a call from ``phone`` to
        ``self.env.company``. The caller's open renewals waiting in a bucket
        move to Take into work; those already there give their responsible
        the task "Record the call's result", never twice while it is open. A
        caller with no open renewal becomes a Sales lead in Gathering
        information, or the call is added to the one an earlier call opened.

        :return: ``{"result": "moved" | "task" | "already_tasked" | "new_lead"
            | "existing_lead", "lead_id": the lead concerned, "lead_ids": all
            the leads the call was noted on}``
        :raise ValidationError: ``phone`` is not a valid phone number.
        """
        number = self._insurance_call_number(phone)
        # Before the look-up: a simultaneous call from this number waits for
        # this one and is retried after it, and finds the lead it opened.
        self.env["insurance.call.number"]._insurance_take(self.env.company, number)
        partners = self._insurance_call_holders(
            self.env["res.partner"].search(self._insurance_call_domain(number)),
            number,
        )
        bucket_codes = [code for __, code in RENEWAL_BUCKETS]
        renewals = self._insurance_call_leads(
            number, partners, bucket_codes + ["renewal_take"]
        )
        if renewals:
            result = renewals._insurance_call_renewal()
        else:
            result = self._insurance_call_sales_lead(number, partners)
        if call_id:
            note = self.env._(
                "Incoming call from %(number)s (call %(call)s).",
                number=number,
                call=call_id,
            )
        else:
            note = self.env._("Incoming call from %s.", number)
        for lead in self.browse(result["lead_ids"]):
            lead.message_post(body=note, subtype_xmlid="mail.mt_note")
        return result

    @api.model
    def _insurance_call_number(self, phone):
        """``phone`` in E.164, read with the company's country as default."""
        country = self.env.company.country_id
        try:
            return phone_validation.phone_format(
                str(phone or "").strip(),
                country.code,
                country.phone_code,
                force_format="E164",
                raise_exception=True,
            )
        except UserError as error:
            raise ValidationError(
                self.env._(
                    "Not a valid phone number: %(phone)s (%(reason)s)",
                    phone=phone,
                    reason=str(error),
                )
            ) from error

    @api.model
    def _insurance_call_domain(self, number):
        """Records of the company (or shared) whose phone or mobile may be
        ``number``, however written: their national digits appear in it."""
        digits = phone_validation.phone_get_region_data_for_number(number)
        return [
            ("company_id", "in", [self.env.company.id, False]),
            (
                "phone_mobile_search",
                "like",
                digits["national_number"] or number.lstrip("+"),
            ),
        ]

    @api.model
    def _insurance_call_holders(self, records, number):
        """The ``records`` whose phone or mobile is ``number``."""

        def holds(record):
            return any(
                record._phone_format(fname=fname, force_format="E164") == number
                for fname in record._phone_get_number_fields()
            )

        return records.filtered(holds)

    @api.model
    def _insurance_call_leads(self, number, partners, stage_codes):
        """The open leads at ``stage_codes`` of the calling client (or its
        company) or whose own phone is ``number``."""
        clients = partners | partners.commercial_partner_id
        in_company, has_digits = self._insurance_call_domain(number)
        leads = self.search(
            [
                ("stage_id.insurance_stage_code", "in", stage_codes),
                in_company,
                "|",
                ("partner_id", "in", clients.ids),
                has_digits,
            ]
        )
        return leads.filtered(
            lambda lead: lead.partner_id in clients
        ) | self._insurance_call_holders(leads, number)

    def _insurance_call_renewal(self):
        """The client of these renewals called: those waiting in a bucket
        are taken into work, the others get a task for the call's result."""
        take = self._insurance_stage("renewal_take")
        waiting = self.filtered(
            lambda lead: lead.stage_id.insurance_stage_code != "renewal_take"
        )
        waiting.write({"stage_id": take.id})
        tasked = (self - waiting)._insurance_call_result_task()
        if waiting:
            result, lead = "moved", waiting[:1]
        elif tasked:
            result, lead = "task", tasked[:1]
        else:
            result, lead = "already_tasked", self[:1]
        return {"result": result, "lead_id": lead.id, "lead_ids": self.ids}

    def _insurance_call_result_task(self):
        """Ask each lead's responsible to record the call's result, unless
        the lead has that task open already; return the leads given one."""
        todo = self.env.ref("insurance_broker_crm.mail_activity_type_call_result")
        tasked = self.browse()
        for lead in self:
            user = lead.user_id or lead.team_id.user_id or self.env.user
            summary = lead.with_context(lang=user.lang).env._(
                "Record the call's result"
            )
            if any(
                activity.activity_type_id == todo and activity.summary == summary
                for activity in lead.activity_ids
            ):
                continue
            lead.activity_schedule(
                activity_type_id=todo.id, summary=summary, user_id=user.id
            )
            tasked |= lead
        return tasked

    @api.model
    def _insurance_call_sales_lead(self, number, partners):
        """A caller without an open renewal: a new Sales lead in Gathering
        information, unless an earlier call already opened one."""
        existing = self._insurance_call_leads(number, partners, ["sales_gathering"])
        if existing:
            return {
                "result": "existing_lead",
                "lead_id": existing[:1].id,
                "lead_ids": existing[:1].ids,
            }
        stage = self._insurance_stage("sales_gathering")
        company = self.env.company
        partner = partners[:1]
        manager = partner.client_manager_id.filtered(
            lambda user: company in user.company_ids
        )
        medium = self.env.ref("utm.utm_medium_phone", raise_if_not_found=False)
        vals = {
            "name": self.env._("Incoming call from %s", partner.name or number),
            "type": "opportunity",
            "team_id": stage.team_id.id,
            "stage_id": stage.id,
            "company_id": company.id,
            "partner_id": partner.id,
            "user_id": manager.id,
            "insurance_client_manager_id": manager.id,
            "medium_id": medium.id if medium else False,
        }
        if not partner:  # a partner's own numbers come with it
            vals["phone"] = self._phone_format(
                number=number, country=company.country_id, force_format="INTERNATIONAL"
            )
        lead = self.create(vals)
        return {"result": "new_lead", "lead_id": lead.id, "lead_ids": lead.ids}
