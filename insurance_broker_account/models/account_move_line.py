from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    insurance_policy_id = fields.Many2one(
        "insurance.policy",
        string="Insurance Policy",
        index="btree_not_null",
        copy=False,
    )
    insurance_installment_id = fields.Many2one(
        "insurance.policy.installment",
        string="Instalment",
        index="btree_not_null",
        copy=False,
    )
