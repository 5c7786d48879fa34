from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "insurance.bounded.mixin"]

    insurance_invoice_lead_days = fields.Integer(
        string="Invoice Instalments Days Ahead",
        default=14,
        help="The daily invoicing run bills the instalments of broker-collected "
        "policies falling due within this many days.",
    )
    insurance_invoice_grace_days = fields.Integer(
        string="Days to Pay a Late Instalment",
        default=7,
        help="An instalment invoiced when already due, or falling due sooner "
        "than this, is due this many days after the invoice date: a premium "
        "invoice is never due before it is issued.",
    )
    insurance_insurer_bill_grouping = fields.Selection(
        [
            ("period", "One bill per insurer and month"),
            ("policy", "One bill per policy"),
        ],
        string="Insurer Bills",
        default="period",
        required=True,
        help="How the premiums the broker collected, less its commission, are "
        "billed by the insurers.",
    )
    insurance_commission_tax_id = fields.Many2one(
        "account.tax",
        string="Commission Tax",
        domain="[('type_tax_use', '=', 'sale'), ('company_id', 'parent_of', id)]",
        help="Tax on commission invoices. Insurance intermediation is VAT-exempt "
        "in the EU (VAT Directive art. 135(1)(a)); the exempt tax is created on "
        "first use when none is set.",
    )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "insurance_invoice_lead_days": (0, 366),
            "insurance_invoice_grace_days": (0, 366),
        }

    @api.constrains("insurance_invoice_lead_days")
    def _check_insurance_invoice_lead_days(self):
        for company in self:
            if not 0 <= company.insurance_invoice_lead_days <= 366:
                raise ValidationError(
                    self.env._(
                        "Instalments are invoiced between 0 and 366 days ahead of "
                        "their due date."
                    )
                )
