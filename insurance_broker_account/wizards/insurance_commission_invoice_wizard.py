from odoo import fields, models


class InsuranceCommissionInvoiceWizard(models.TransientModel):
    """Invoice the insurers the commission earned in a period."""

    _name = "insurance.commission.invoice.wizard"
    _description = "Create Commission Invoices"

    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    insurer_ids = fields.Many2many("res.partner", domain="[('is_insurer', '=', True)]")
