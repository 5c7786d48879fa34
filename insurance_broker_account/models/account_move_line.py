from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    insurance_policy_id = fields.Many2one(
        "insurance.policy",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
    insurance_installment_id = fields.Many2one(
        "insurance.policy.installment",
        string="Instalment",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )

    def _copy_data_extend_business_fields(self, values):  # pylint: disable=missing-return
        # Reversals (credit notes) keep the lines' policy and instalment.
        super()._copy_data_extend_business_fields(values)
        values["insurance_policy_id"] = self.insurance_policy_id.id
        values["insurance_installment_id"] = self.insurance_installment_id.id
