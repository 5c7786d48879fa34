from odoo import api, fields, models

from .res_partner import PREMIUM_COLLECTION


class InsurancePolicy(models.Model):
    _inherit = "insurance.policy"

    premium_collection = fields.Selection(
        PREMIUM_COLLECTION,
        string="Premiums Paid To",
        compute="_compute_premium_collection",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        help="From the insurer; can be changed for this policy.",
    )
    invoice_ids = fields.One2many(
        "account.move", "insurance_policy_id", string="Invoices and Bills"
    )
    commission_line_ids = fields.One2many(
        "insurance.commission.line", "policy_id", string="Commission Lines"
    )

    @api.depends("insurer_id")
    def _compute_premium_collection(self):
        for policy in self:
            policy.premium_collection = (
                policy.insurer_id.insurance_premium_collection or "insurer"
            )
