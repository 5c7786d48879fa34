from odoo import fields, models


class InsuranceDebtorReport(models.Model):
    """Overdue premium invoices by client, product, insurer and manager."""

    _name = "insurance.debtor.report"
    _description = "Insurance Debtors"
    _auto = False
    _order = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
