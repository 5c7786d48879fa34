from odoo import fields, models


class InsuranceProducerShare(models.Model):
    """The part of the commission a client manager (producer) earns."""

    _name = "insurance.producer.share"
    _description = "Producer Commission Share"
    _order = "user_id, date_from desc"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Producer",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    percent = fields.Float(string="Share (%)", digits=(5, 2), required=True)
    date_from = fields.Date(string="Valid From", required=True)
    date_to = fields.Date(string="Valid To")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
