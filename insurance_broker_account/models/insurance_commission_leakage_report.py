from odoo import fields, models


class InsuranceCommissionLeakageReport(models.Model):
    """Expected minus received commission, by insurer and month."""

    _name = "insurance.commission.leakage.report"
    _description = "Commission Leakage"
    _auto = False

    insurer_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
