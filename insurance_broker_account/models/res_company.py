from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    insurance_invoice_lead_days = fields.Integer(
        string="Invoice Instalments Days Ahead",
        default=14,
        help="The daily invoicing run bills the instalments of broker-collected "
        "policies falling due within this many days.",
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
