from odoo import api, fields, models, tools
from odoo.tools import SQL

BUCKETS = [
    ("1_7", "1-7 days"),
    ("8_30", "8-30 days"),
    ("31_60", "31-60 days"),
    ("over_60", "Over 60 days"),
]


class InsuranceDebtorReport(models.Model):
    """Overdue premium invoices by client, product, insurer and manager.

    One row per client, insurance product, insurer, client manager, company
    and currency, over the posted premium invoices still owed (not paid, in
    payment or reversed) whose due date is past: the days late of the oldest
    one, its bucket, the amount due and the number of unpaid invoices. An
    SQL view: always up to date, as fresh as the invoices' payment state.
    """

    _name = "insurance.debtor.report"
    _description = "Insurance Debtors"
    _auto = False
    _order = "days_late desc, partner_id"
    _rec_name = "partner_id"
    # Flushed before the view is read: what an invoice, a payment or a policy
    # changed in this transaction shows at once.
    _depends = {
        "account.move": [
            "insurance_move_kind",
            "insurance_policy_id",
            "move_type",
            "state",
            "payment_state",
            "invoice_date_due",
            "amount_residual",
            "amount_residual_signed",
            "commercial_partner_id",
            "company_id",
            "currency_id",
        ],
        "insurance.policy": ["product_id", "insurer_id", "client_manager_id"],
        "res.partner": ["client_type", "client_manager_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    client_type = fields.Selection(selection="_selection_client_type", readonly=True)
    product_id = fields.Many2one(
        "insurance.product", string="Insurance Product", readonly=True
    )
    insurer_id = fields.Many2one("res.partner", readonly=True)
    client_manager_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    oldest_due_date = fields.Date(readonly=True, aggregator="min")
    days_late = fields.Integer(
        readonly=True,
        aggregator="max",
        help="Days since the due date of the oldest unpaid invoice.",
    )
    bucket = fields.Selection(
        BUCKETS,
        string="Overdue",
        readonly=True,
        help="How late the oldest unpaid invoice is.",
    )
    invoice_count = fields.Integer(
        string="Unpaid Invoices", readonly=True, aggregator="sum"
    )
    amount_due = fields.Monetary(
        readonly=True,
        aggregator="sum",
        currency_field="currency_id",
        help="What the overdue invoices still owe, in their currency.",
    )
    amount_due_company = fields.Monetary(
        string="Amount Due (Company Currency)",
        readonly=True,
        aggregator="sum",
        currency_field="company_currency_id",
    )

    @api.model
    def _selection_client_type(self):
        return (
            self.env["res.partner"]
            ._fields["client_type"]
            ._description_selection(self.env)
        )

    # ------------------------------------------------------------
    # VIEW
    # ------------------------------------------------------------

    @api.model
    def _overdue_moves_sql(self):
        """The premium invoices that make their client a debtor today."""
        return SQL(
            """SELECT move.id, move.commercial_partner_id AS partner_id,
                      client.client_type, policy.product_id, policy.insurer_id,
                      COALESCE(policy.client_manager_id, client.client_manager_id)
                          AS client_manager_id,
                      move.company_id, move.currency_id, move.invoice_date_due,
                      move.amount_residual, move.amount_residual_signed
                 FROM account_move move
                 JOIN res_partner client ON client.id = move.commercial_partner_id
            LEFT JOIN insurance_policy policy ON policy.id = move.insurance_policy_id
                WHERE move.insurance_move_kind = 'premium'
                  AND move.move_type = 'out_invoice'
                  AND move.state = 'posted'
                  AND move.payment_state IN ('not_paid', 'partial', 'blocked')
                  AND move.invoice_date_due < CURRENT_DATE"""
        )

    @api.model
    def _query(self):
        return SQL(
            """SELECT MIN(overdue.id) AS id,
                      overdue.partner_id, overdue.client_type, overdue.product_id,
                      overdue.insurer_id, overdue.client_manager_id,
                      overdue.company_id, overdue.currency_id,
                      company.currency_id AS company_currency_id,
                      MIN(overdue.invoice_date_due) AS oldest_due_date,
                      CURRENT_DATE - MIN(overdue.invoice_date_due) AS days_late,
                      CASE
                          WHEN CURRENT_DATE - MIN(overdue.invoice_date_due) <= 7
                              THEN '1_7'
                          WHEN CURRENT_DATE - MIN(overdue.invoice_date_due) <= 30
                              THEN '8_30'
                          WHEN CURRENT_DATE - MIN(overdue.invoice_date_due) <= 60
                              THEN '31_60'
                          ELSE 'over_60'
                      END AS bucket,
                      COUNT(*) AS invoice_count,
                      SUM(overdue.amount_residual) AS amount_due,
                      SUM(overdue.amount_residual_signed) AS amount_due_company
                 FROM (%(overdue)s) overdue
                 JOIN res_company company ON company.id = overdue.company_id
             GROUP BY overdue.partner_id, overdue.client_type, overdue.product_id,
                      overdue.insurer_id,
                      overdue.client_manager_id, overdue.company_id,
                      overdue.currency_id, company.currency_id""",
            overdue=self._overdue_moves_sql(),
        )

    def init(self):
        # MIN(invoice id) identifies a row: each invoice is in one row only,
        # so the id is unique and stays the same while the debt lasts.
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _overdue_move_ids(self):
        """Ids of the overdue invoices the rows in ``self`` add up."""
        if not self:
            return []
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT overdue.id
                     FROM (%(overdue)s) overdue
                     JOIN insurance_debtor_report row
                       ON row.partner_id = overdue.partner_id
                      AND row.company_id = overdue.company_id
                      AND row.currency_id = overdue.currency_id
                      AND row.product_id IS NOT DISTINCT FROM overdue.product_id
                      AND row.insurer_id IS NOT DISTINCT FROM overdue.insurer_id
                      AND row.client_manager_id IS NOT DISTINCT FROM
                          overdue.client_manager_id
                    WHERE row.id = ANY(%(ids)s)
                 ORDER BY overdue.invoice_date_due, overdue.id""",
                overdue=self._overdue_moves_sql(),
                ids=self.ids,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def action_open_invoices(self):
        """The overdue invoices of the selected debtors (Invoicing users)."""
        move_ids = self._overdue_move_ids()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            {
                "name": self.env._("Overdue Premium Invoices"),
                "domain": [("id", "in", move_ids)],
                "context": {"create": False, "default_move_type": "out_invoice"},
            }
        )
        if len(move_ids) == 1:
            action.update(
                {
                    "view_mode": "form",
                    "views": [(False, "form")],
                    "res_id": move_ids[0],
                }
            )
        return action

    def action_open_installments(self):
        """The instalments of the overdue invoices, for client managers, who
        follow their clients' instalments without access to Invoicing."""
        move_ids = self._overdue_move_ids()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "insurance_broker.insurance_policy_installment_action"
        )
        action.update(
            {
                "name": self.env._("Overdue Instalments"),
                "domain": [("move_id", "in", move_ids)],
                "context": {"create": False},
            }
        )
        return action

    def action_export_xlsx(self):
        """The debtor list as an XLSX file: the selected rows, else every
        row of the current search."""
        report = self.env.ref("insurance_broker_account.insurance_debtor_xlsx")
        if self:
            return report.report_action(self)
        domain = self.env.context.get("active_domain") or []
        return report.report_action(None, data={"domain": domain})
