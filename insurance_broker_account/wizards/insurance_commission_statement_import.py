from odoo import fields, models


class InsuranceCommissionStatementImport(models.TransientModel):
    """Read an insurer's statement file into a statement to check and confirm."""

    _name = "insurance.commission.statement.import"
    _description = "Import an Insurer Commission Statement"

    insurer_id = fields.Many2one(
        "res.partner", required=True, domain="[('is_insurer', '=', True)]"
    )
    file = fields.Binary(required=True)
    file_name = fields.Char()
