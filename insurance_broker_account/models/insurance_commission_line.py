from odoo import api, fields, models
from odoo.tools import SQL, index_exists


class InsuranceCommissionLine(models.Model):
    """Commission the broker expects from an insurer, or gives back.

    Expected lines are recorded when a policy is confirmed, one per
    instalment; a cancelled policy gets one chargeback line, negative, for
    the commission of the days it no longer covers. A line is settled by a
    commission invoice line (insurer collects) or by the deduction on the
    insurer's bill (broker collects), and received when an insurer
    statement reports it.
    """

    _name = "insurance.commission.line"
    _description = "Insurance Commission Line"
    _order = "date desc, id desc"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "insurance.policy",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    installment_id = fields.Many2one(
        "insurance.policy.installment",
        string="Instalment",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    kind = fields.Selection(
        [("expected", "Commission"), ("chargeback", "Chargeback")],
        required=True,
        default="expected",
        index=True,
    )
    date = fields.Date(
        required=True,
        index=True,
        help="When the commission is earned: the instalment's due date, or the "
        "cancellation date for a chargeback.",
    )
    amount = fields.Monetary(required=True, aggregator="sum")
    currency_id = fields.Many2one(
        related="policy_id.currency_id", store=True, precompute=True
    )
    policy_number = fields.Char(
        related="policy_id.name", store=True, precompute=True, index=True
    )
    partner_id = fields.Many2one(
        related="policy_id.partner_id", store=True, precompute=True, string="Client"
    )
    insurer_id = fields.Many2one(
        related="policy_id.insurer_id",
        store=True,
        precompute=True,
        index=True,
        string="Insurer",
    )
    product_id = fields.Many2one(
        related="policy_id.product_id", store=True, precompute=True
    )
    client_manager_id = fields.Many2one(
        related="policy_id.client_manager_id",
        store=True,
        precompute=True,
        index=True,
    )
    premium_collection = fields.Selection(
        related="policy_id.premium_collection", store=True, precompute=True
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, precompute=True, index=True
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoiced On",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        readonly=True,
        help="The commission invoice line, or the deduction on the insurer's "
        "bill, that settles this commission.",
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", store=True, string="Invoice"
    )
    statement_line_ids = fields.One2many(
        "insurance.commission.statement.line",
        "commission_line_id",
        string="Statement Lines",
    )
    received_amount = fields.Monetary(
        compute="_compute_received_amount",
        store=True,
        aggregator="sum",
        string="Received",
        help="What the insurers' confirmed statements report for this commission.",
    )

    def init(self):
        super().init()
        # One expected commission per instalment, one chargeback per policy:
        # confirming or cancelling twice never records the commission twice.
        for name, column, where in (
            ("insurance_commission_line_expected_uniq", "installment_id",
             "kind = 'expected' AND installment_id IS NOT NULL"),
            ("insurance_commission_line_chargeback_uniq", "policy_id",
             "kind = 'chargeback'"),
        ):
            if not index_exists(self.env.cr, name):
                self.env.cr.execute(
                    SQL(
                        "CREATE UNIQUE INDEX %s ON %s (%s) WHERE %s",
                        SQL.identifier(name),
                        SQL.identifier(self._table),
                        SQL.identifier(column),
                        SQL(where),
                    )
                )

    # ------------------------------------------------------------
    # BUSINESS METHODS (called by insurance.policy)
    # ------------------------------------------------------------

    @api.model
    def _record_expected(self, policies):
        """Record the expected commission of confirmed ``policies``, one line
        per instalment; return the lines created."""
        return self.browse()

    @api.model
    def _record_chargebacks(self, policies):
        """Record the chargeback of cancelled ``policies``; return the lines."""
        return self.browse()

    @api.depends("statement_line_ids.commission", "statement_line_ids.state")
    def _compute_received_amount(self):
        for line in self:
            line.received_amount = sum(
                statement_line.commission
                for statement_line in line.statement_line_ids
                if statement_line.state == "done"
            )

    @api.depends("policy_id", "installment_id", "kind")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                line.installment_id.display_name
                if line.installment_id
                else f"{line.policy_id.display_name} "
                f"({dict(line._fields['kind'].selection)[line.kind]})"
            )
