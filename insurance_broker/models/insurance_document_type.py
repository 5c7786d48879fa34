from odoo import fields, models


class InsuranceDocumentType(models.Model):
    """A document the broker must collect before a policy can be issued
    (driving licence, vehicle registration, previous policy...)."""

    _name = "insurance.document.type"
    _description = "Insurance Document Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A document type with this name already exists."),
    ]
