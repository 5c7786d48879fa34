from collections import defaultdict
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.phone_validation.tools import phone_validation

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
