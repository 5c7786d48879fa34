from odoo import fields, models


class InsurancePaymentReport(models.Model):
    """Requested, received and late premium payments."""

    _name = "insurance.payment.report"
    _description = "Premium Payments Analysis"
    _auto = False

    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
