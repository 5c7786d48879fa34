import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

REFUSAL_CODES = ("sales_refused", "fulfilment_delivery_refused", "renewal_refused")
# Stage reached -> method continuing the lead in the next pipeline.
FORWARDERS = {
    "sales_handed": "_continue_in_fulfilment",
    "fulfilment_delivered": "_continue_in_renewal",
    "renewal_renewed": "_continue_in_sales",
}
# Months left until the renewal (the day after the policy ends) -> bucket,
# largest first.
RENEWAL_BUCKETS = [
    (12, "renewal_year"),
    (6, "renewal_6_months"),
    (3, "renewal_3_months"),
    (0, "renewal_month"),
]
BUCKET_BATCH_SIZE = 1000


class CrmLead(models.Model):
    """Insurance data on the lead: what to insure, the quotes, the deal's
    payment section and delivery, and the pipeline chain it belongs to."""

    _inherit = "crm.lead"

    # What to insure
    insurance_product_id = fields.Many2one("insurance.product", index="btree_not_null")
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

    # Quotes
    quote_ids = fields.One2many("insurance.quote", "lead_id")
    chosen_quote_id = fields.Many2one(
        "insurance.quote",
        compute="_compute_chosen_quote_id",
        store=True,
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
    document_photos = fields.Boolean(
        help="The client's documents are photographed at delivery."
    )
    document_folder_url = fields.Char(string="Document Folder")
    typist_id = fields.Many2one("res.users", domain="[('share', '=', False)]")
    insurance_client_manager_id = fields.Many2one(
        "res.users",
        string="Client Manager",
        domain="[('share', '=', False)]",
        help="The salesperson who owns the client, kept when the lead moves on.",
    )
    next_contact_date = fields.Date()
    waiting_reason = fields.Char(string="Reason for Waiting")

    # The chain of pipelines
    policy_number = fields.Char(
        copy=False, help="The number the insurer gave the policy issued for this deal."
    )
    policy_id = fields.Many2one("insurance.policy", index="btree_not_null", copy=False)
    origin_lead_id = fields.Many2one(
        "crm.lead", string="Continues Lead", index="btree_not_null", copy=False
    )
    continued_lead_ids = fields.One2many(
        "crm.lead",
        "origin_lead_id",
        string="Continued As",
        context={"active_test": False},
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

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
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        for lead in leads.filtered("stage_id"):
            lead._check_stage_requirements(lead.stage_id)
        return leads

    def write(self, vals):
        if vals.get("stage_id"):
            stage = self.env["crm.stage"].browse(vals["stage_id"])
            for lead in self.filtered(lambda lead: lead.stage_id != stage):
                lead._check_stage_requirements(stage, vals)
        before = {}
        # Odoo's "Lost" archives first, then writes the reason: watch both.
        if {"stage_id", "active", "lost_reason_id"} & set(vals):
            before = {lead.id: lead.stage_id for lead in self}
        result = super().write(vals)
        if before:
            self._continue_in_next_pipeline(before)
        return result

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _check_stage_requirements(self, stage, vals=None):
        """Refuse to enter ``stage`` while one of its required fields is empty."""
        self.ensure_one()
        vals = vals or {}
        # sudo: field definitions (ir.model.fields) are readable by
        # administrators only; they are read here to know what to check.
        required = stage.sudo().required_field_ids
        missing = [
            field.with_context(lang=self.env.lang).field_description
            for field in required
            if not (vals[field.name] if field.name in vals else self[field.name])
        ]
        if missing:
            raise UserError(
                self.env._(
                    "%(lead)s cannot enter the stage %(stage)s without: %(fields)s.",
                    lead=self.display_name,
                    stage=stage.name,
                    fields=", ".join(missing),
                )
            )

    # ------------------------------------------------------------
    # PIPELINE CHAIN
    # ------------------------------------------------------------

    def _continue_in_next_pipeline(self, before):
        """After a stage, active or lost reason change (``before``: the stage
        of each lead before it): a lead that reached a won stage goes on in
        the next pipeline, a refused or lost one in Lost."""
        for lead in self:
            old_stage = before[lead.id]
            code = lead.stage_id.insurance_stage_code
            if lead.stage_id != old_stage and code in REFUSAL_CODES and lead.active:
                lead.action_set_lost()  # archiving continues it in Lost, below
                continue
            if lead.stage_id != old_stage and code in FORWARDERS and lead.active:
                getattr(lead, FORWARDERS[code])()
            if not lead.active and lead.lost_reason_id:
                lead._continue_in_lost()  # once: it finds an existing one

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
        return self.with_context(active_test=False).continued_lead_ids.filtered(
            lambda lead: lead.team_id == stage.team_id
        )[:1]

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
        today = fields.Date.context_today(self)
        code = next(
            code
            for months, code in RENEWAL_BUCKETS
            if policy.date_end + relativedelta(days=1)
            >= today + relativedelta(months=months)
            or code == "renewal_month"
        )
        stage = self._insurance_stage(code)
        return self._continue(
            code,
            user_id=stage.team_id.user_id.id or self.user_id.id,
            policy_id=policy.id,
            insurance_date_start=policy.date_end + relativedelta(days=1),
        )

    def _continue_in_sales(self):
        """Renewed: the successor policy is sold again from the start."""
        # sudo: renewing is part of the automation, whoever moved the lead
        # (the head of sales need not be an insurance user).
        policy = self.policy_id.sudo()
        successor = policy.successor_id
        if policy and not successor and policy.state in ("active", "expired"):
            successor = policy._create_successors()
        return self._continue(
            "sales_gathering",
            user_id=(self.insurance_client_manager_id or self.user_id).id,
            policy_id=successor.id or policy.id,
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
        # sudo: fulfilment staff need not be insurance users (see below).
        policy = self.policy_id.sudo()
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
            self.policy_id = policy
        if policy.state == "draft":
            if not policy.name and self.policy_number:
                policy.name = self.policy_number
            policy.sudo().action_confirm()  # sudo: see above
        return policy

    # ------------------------------------------------------------
    # RENEWAL BUCKETS
    # ------------------------------------------------------------

    @api.model
    def _cron_renewal_buckets(self):
        """Move each open Renewal lead to the bucket its policy's end date calls
        for; on reaching "A month", hand it to its renewal manager (capped per
        week) or ask the head of sales to assign one.

        One query finds the leads whose bucket must change, only ever forward
        (a lead a person moved further on stays where it is); writes go by
        batch through the ORM, each batch committed under ir.cron and
        reported; a second run finds nothing to do."""
        today = fields.Date.context_today(self)
        stages = {code: self._insurance_stage(code) for __, code in RENEWAL_BUCKETS}
        order = [stages[code].id for __, code in RENEWAL_BUCKETS]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT lead.id, lead.stage_id,
                          CASE WHEN policy.date_end + 1 >= %(in_12)s THEN %(year)s
                               WHEN policy.date_end + 1 >= %(in_6)s THEN %(six)s
                               WHEN policy.date_end + 1 >= %(in_3)s THEN %(three)s
                               ELSE %(month)s END
                     FROM crm_lead lead
                     JOIN insurance_policy policy ON policy.id = lead.policy_id
                    WHERE lead.active
                      AND lead.stage_id = ANY(%(buckets)s)
                 ORDER BY lead.id""",
                in_12=today + relativedelta(months=12),
                in_6=today + relativedelta(months=6),
                in_3=today + relativedelta(months=3),
                year=order[0],
                six=order[1],
                three=order[2],
                month=order[3],
                buckets=order,
            )
        )
        rank = {stage_id: index for index, stage_id in enumerate(order)}
        by_target = defaultdict(list)
        for lead_id, stage_id, target in self.env.cr.fetchall():
            if rank[target] > rank[stage_id]:  # forward only
                by_target[target].append(lead_id)
        total = sum(len(ids) for ids in by_target.values())
        done = 0
        for target, lead_ids in by_target.items():
            for start in range(0, len(lead_ids), BUCKET_BATCH_SIZE):
                batch = self.browse(lead_ids[start : start + BUCKET_BATCH_SIZE])
                batch.write({"stage_id": target})
                if target == stages["renewal_month"].id:
                    batch._assign_renewal_managers()
                done += len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                if self.env.context.get("cron_id") and not modules.module.current_test:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Renewal buckets: %s leads moved", done)
        return done

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
        todo = self.env.ref("mail.mail_activity_data_todo")
        for lead in self:
            manager = lead.insurance_client_manager_id
            cap = (lead.company_id or self.env.company).insurance_renewal_weekly_cap
            if manager in team.member_ids and counts.get(manager, 0) < cap:
                lead.write({"user_id": manager.id, "stage_id": take.id})
                counts[manager] = counts.get(manager, 0) + 1
                lead.activity_schedule(
                    activity_type_id=todo.id,
                    summary=self.env._("Take the client into work"),
                    user_id=manager.id,
                )
            else:
                lead.activity_schedule(
                    activity_type_id=todo.id,
                    summary=self.env._("Assign a renewal manager"),
                    user_id=(team.user_id or self.env.user).id,
                )
