from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    """Insurance data on the lead: what to insure, the quotes, the deal's
    payment section and delivery, and the pipeline chain it belongs to."""

    _inherit = "crm.lead"

    insurance_stage_code = fields.Selection(related="stage_id.insurance_stage_code")

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
                lead.insurance_date_end = lead.insurance_date_start + relativedelta(
                    months=lead.insurance_term_months, days=-1
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
        return super().write(vals)

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _check_stage_requirements(self, stage, vals=None):
        """Refuse to enter ``stage`` while one of its required fields is empty."""
        self.ensure_one()
        vals = vals or {}
        missing = [
            field.field_description
            for field in stage.required_field_ids
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
