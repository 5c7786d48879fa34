from odoo import fields, models


class InsuranceLatenessReason(models.Model):
    """Why a task was done after its deadline: the short list a user picks
    from when marking a late task done, for the task analysis."""

    _name = "insurance.lateness.reason"
    _description = "Lateness Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
