from odoo import api, fields, models

from .insurance_bounded_mixin import DATE, INTEGER, POSITIVE_AMOUNT


class InsurancePolicyInstallment(models.Model):
    """One payment of a policy's premium, planned when the policy is confirmed."""

    _name = "insurance.policy.installment"
    _description = "Insurance Policy Instalment"
    _inherit = ["insurance.bounded.mixin"]
    _order = "policy_id, sequence, id"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "insurance.policy",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    sequence = fields.Integer(required=True, default=1)
    date_due = fields.Date(string="Due Date", required=True, index=True)
    amount = fields.Monetary(required=True, aggregator="sum")
    currency_id = fields.Many2one(
        related="policy_id.currency_id", store=True, precompute=True
    )
    partner_id = fields.Many2one(
        related="policy_id.partner_id",
        store=True,
        precompute=True,
        index=True,
        string="Client",
    )
    insurer_id = fields.Many2one(
        related="policy_id.insurer_id", store=True, precompute=True, string="Insurer"
    )
    client_manager_id = fields.Many2one(
        related="policy_id.client_manager_id",
        store=True,
        precompute=True,
        string="Client Manager",
    )
    policy_state = fields.Selection(related="policy_id.state", string="Policy Status")
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, precompute=True, index=True
    )
    installment_count = fields.Integer(
        compute="_compute_installment_count", string="Instalments of the Policy"
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "An instalment cannot be negative."),
    ]

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "sequence": INTEGER,
            "date_due": DATE,
            "amount": POSITIVE_AMOUNT,
        }

    @api.depends("policy_id.installment_ids")
    def _compute_installment_count(self):
        for installment in self:
            installment.installment_count = len(installment.policy_id.installment_ids)

    @api.depends("policy_id", "sequence", "installment_count")
    def _compute_display_name(self):
        for installment in self:
            installment.display_name = self.env._(
                "%(policy)s: instalment %(number)s of %(count)s",
                policy=installment.policy_id.display_name,
                number=installment.sequence,
                count=installment.installment_count,
            )
