from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    insurance_policy_id = fields.Many2one(
        "insurance.policy",
        string="Insurance Policy",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The policy a premium instalment invoice or an insurer bill is for.",
    )
    insurance_installment_id = fields.Many2one(
        "insurance.policy.installment",
        string="Instalment",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
    )
    insurance_move_kind = fields.Selection(
        [
            ("premium", "Premium instalment"),
            ("insurer_bill", "Premium due to the insurer"),
            ("commission", "Commission"),
        ],
        string="Insurance Document",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
