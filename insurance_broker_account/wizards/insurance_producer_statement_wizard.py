from odoo import fields, models


class InsuranceProducerStatementWizard(models.TransientModel):
    """A producer's monthly statement of policies and commission share due."""

    _name = "insurance.producer.statement.wizard"
    _description = "Producer Statement"

    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    user_ids = fields.Many2many("res.users", string="Producers")
