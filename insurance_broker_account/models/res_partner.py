from odoo import fields, models

PREMIUM_COLLECTION = [
    ("broker", "Broker collects"),
    ("insurer", "Insurer collects"),
]


class ResPartner(models.Model):
    """Insurers' billing settings and the client card's invoices."""

    _inherit = "res.partner"

    # Insurers
    insurance_premium_collection = fields.Selection(
        PREMIUM_COLLECTION,
        string="Premiums Paid To",
        default="insurer",
        help="Broker collects: the broker invoices the client for each instalment "
        "and pays the insurer the premium less its commission. Insurer collects: "
        "the client pays the insurer and the broker invoices its commission.",
    )
    # Column headers of the insurer's commission statement, remembered from
    # the last import (matched case-insensitively).
    insurance_statement_column_policy = fields.Char(string="Policy Number Column")
    insurance_statement_column_premium = fields.Char(string="Premium Column")
    insurance_statement_column_commission = fields.Char(string="Commission Column")
    insurance_statement_column_period = fields.Char(string="Period Column")

    # Client card
    insurance_invoice_count = fields.Integer(
        compute="_compute_insurance_invoicing", string="Premium Invoices"
    )
    insurance_amount_due = fields.Monetary(
        compute="_compute_insurance_invoicing",
        currency_field="insurance_currency_id",
        string="Premium Due",
    )
    insurance_amount_overdue = fields.Monetary(
        compute="_compute_insurance_invoicing",
        currency_field="insurance_currency_id",
        string="Premium Overdue",
    )

    def _compute_insurance_invoicing(self):
        # Implemented with the premium invoicing (one grouped query).
        for partner in self:
            partner.insurance_invoice_count = 0
            partner.insurance_amount_due = 0.0
            partner.insurance_amount_overdue = 0.0
