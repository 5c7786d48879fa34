from odoo import api, fields, models


class InsurancePolicyInstallment(models.Model):
    _inherit = "insurance.policy.installment"

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The client invoice that bills this instalment (broker collects).",
    )
    invoice_payment_state = fields.Selection(
        related="move_id.payment_state", string="Invoice Payment Status"
    )
    invoice_state = fields.Selection(
        [
            ("not_billed", "Paid to the insurer"),
            ("to_invoice", "To invoice"),
            ("invoiced", "Invoiced"),
            ("paid", "Paid"),
            ("credited", "Credited"),
        ],
        string="Billing Status",
        compute="_compute_invoice_state",
        store=True,
        index=True,
        help="Follows the invoice's payment status in Odoo Invoicing.",
    )
    commission_amount = fields.Monetary(
        string="Expected Commission",
        compute="_compute_commission_amount",
        store=True,
        aggregator="sum",
    )

    @api.depends(
        "policy_id.premium_collection", "move_id.state", "move_id.payment_state"
    )
    def _compute_invoice_state(self):
        for installment in self:
            move = installment.move_id
            if not move:
                installment.invoice_state = (
                    "to_invoice"
                    if installment.policy_id.premium_collection == "broker"
                    else "not_billed"
                )
            elif move.payment_state in ("paid", "in_payment"):
                installment.invoice_state = "paid"
            elif move.payment_state == "reversed" or move.state == "cancel":
                installment.invoice_state = "credited"
            else:
                installment.invoice_state = "invoiced"

    @api.depends("policy_id.commission_line_ids.amount")
    def _compute_commission_amount(self):
        totals = {}
        lines = self.env["insurance.commission.line"].search(
            [("installment_id", "in", self.ids), ("kind", "=", "expected")]
        )
        for line in lines:
            totals[line.installment_id.id] = (
                totals.get(line.installment_id.id, 0.0) + line.amount
            )
        for installment in self:
            installment.commission_amount = totals.get(installment.id, 0.0)
