from odoo import api, fields, models, tools
from odoo.tools import SQL


class InsurancePaymentReport(models.Model):
    """Requested, received and late premium payments.

    One row per posted premium instalment invoice (reversed invoices are
    credited, not requested): what was requested (the invoice total), what
    was received (total less what is still owed), and whether the payment
    was late: paid after the due date, or overdue and still unpaid. The
    payment date is the latest reconciliation date of the invoice.
    """

    _name = "insurance.payment.report"
    _description = "Premium Payments Analysis"
    _auto = False
    _order = "date_due desc, id desc"
    _rec_name = "move_id"
    # Flushed before the view is read: what an invoice, a payment or a policy
    # changed in this transaction shows at once.
    _depends = {
        "account.move": [
            "insurance_move_kind",
            "insurance_policy_id",
            "insurance_installment_id",
            "move_type",
            "state",
            "payment_state",
            "invoice_date",
            "invoice_date_due",
            "amount_total",
            "amount_residual",
            "commercial_partner_id",
            "company_id",
            "currency_id",
        ],
        "account.move.line": ["move_id", "display_type"],
        "account.partial.reconcile": ["debit_move_id", "max_date"],
        "account.payment": ["date", "state", "invoice_ids"],
        "insurance.policy": ["product_id", "insurer_id", "client_manager_id"],
        "res.partner": ["client_type", "client_manager_id"],
    }

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    policy_id = fields.Many2one("insurance.policy", readonly=True)
    installment_id = fields.Many2one(
        "insurance.policy.installment", string="Instalment", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    client_type = fields.Selection(selection="_selection_client_type", readonly=True)
    product_id = fields.Many2one(
        "insurance.product", string="Insurance Product", readonly=True
    )
    insurer_id = fields.Many2one("res.partner", readonly=True)
    client_manager_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    payment_date = fields.Date(readonly=True, help="When the invoice was paid in full.")
    payment_state = fields.Selection(
        selection="_selection_payment_state", string="Payment Status", readonly=True
    )
    amount_requested = fields.Monetary(
        string="Requested", readonly=True, aggregator="sum"
    )
    amount_received = fields.Monetary(
        string="Received", readonly=True, aggregator="sum"
    )
    amount_outstanding = fields.Monetary(
        string="Outstanding", readonly=True, aggregator="sum"
    )
    is_late = fields.Boolean(
        string="Late",
        readonly=True,
        help="Paid after the due date, or overdue and not paid in full.",
    )
    late_count = fields.Integer(string="Late Payments", readonly=True, aggregator="sum")
    amount_late = fields.Monetary(
        string="Requested, Paid Late",
        readonly=True,
        aggregator="sum",
        help="The requested amount of the invoices paid late or overdue.",
    )
    days_late = fields.Integer(
        readonly=True,
        aggregator="avg",
        help="Days between the due date and the payment, or today while unpaid.",
    )
    invoice_count = fields.Integer(string="Invoices", readonly=True, aggregator="sum")

    @api.model
    def _selection_client_type(self):
        return (
            self.env["res.partner"]
            ._fields["client_type"]
            ._description_selection(self.env)
        )

    @api.model
    def _selection_payment_state(self):
        return (
            self.env["account.move"]
            ._fields["payment_state"]
            ._description_selection(self.env)
        )

    @api.model
    def _query(self):
        return SQL(
            """SELECT move.id AS id, move.id AS move_id,
                      move.insurance_policy_id AS policy_id,
                      move.insurance_installment_id AS installment_id,
                      move.commercial_partner_id AS partner_id,
                      client.client_type,
                      policy.product_id, policy.insurer_id,
                      COALESCE(policy.client_manager_id, client.client_manager_id)
                          AS client_manager_id,
                      move.company_id, move.currency_id,
                      move.invoice_date, move.invoice_date_due AS date_due,
                      paid.payment_date,
                      move.payment_state,
                      move.amount_total AS amount_requested,
                      move.amount_total - settled.residual AS amount_received,
                      settled.residual AS amount_outstanding,
                      late.is_late,
                      CASE WHEN late.is_late THEN 1 ELSE 0 END AS late_count,
                      CASE WHEN late.is_late THEN move.amount_total ELSE 0 END
                          AS amount_late,
                      GREATEST(late.days, 0) AS days_late,
                      1 AS invoice_count
                 FROM account_move move
                 JOIN res_partner client ON client.id = move.commercial_partner_id
            LEFT JOIN insurance_policy policy ON policy.id = move.insurance_policy_id
            LEFT JOIN LATERAL (
                      -- The last reconciliation with a payment, or the date
                      -- of a registered payment that has no journal entry
                      -- until the bank statement (the invoice is then "in
                      -- payment" and still shows its residual).
                      SELECT GREATEST(
                                 (SELECT MAX(partial.max_date)
                                    FROM account_move_line line
                                    JOIN account_partial_reconcile partial
                                      ON partial.debit_move_id = line.id
                                   WHERE line.move_id = move.id
                                     AND line.display_type = 'payment_term'),
                                 (SELECT MAX(payment.date)
                                    FROM account_move__account_payment matched
                                    JOIN account_payment payment
                                      ON payment.id = matched.payment_id
                                   WHERE matched.invoice_id = move.id
                                     AND payment.state != 'canceled')
                             ) AS payment_date
                       WHERE move.payment_state IN ('paid', 'in_payment')
                 ) paid ON TRUE
           CROSS JOIN LATERAL (
                      -- Paid: the payment date (the due date when nothing was
                      -- reconciled, a zero invoice); unpaid: today.
                      SELECT CASE WHEN move.payment_state IN ('paid', 'in_payment')
                                  THEN COALESCE(paid.payment_date,
                                                move.invoice_date_due)
                                  ELSE CURRENT_DATE
                             END AS settled,
                             CASE WHEN move.payment_state IN ('paid', 'in_payment')
                                  THEN 0
                                  ELSE move.amount_residual
                             END AS residual
                 ) settled
           CROSS JOIN LATERAL (
                      SELECT settled.settled > move.invoice_date_due AS is_late,
                             settled.settled - move.invoice_date_due AS days
                 ) late
                WHERE move.insurance_move_kind = 'premium'
                  AND move.move_type = 'out_invoice'
                  AND move.state = 'posted'
                  AND move.payment_state NOT IN ('reversed', 'invoicing_legacy')"""
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
