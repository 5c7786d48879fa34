from odoo import fields, models, tools
from odoo.tools import SQL


class InsuranceCommissionLeakageReport(models.Model):
    """Expected minus received commission, by insurer and month.

    Expected is the commission lines (commissions and chargebacks) dated in
    the month; received is what confirmed insurer statements matched to
    those lines. Rows of unknown policies are not in it: they are no
    commission the broker expected.
    """

    _name = "insurance.commission.leakage.report"
    _description = "Commission Leakage"
    _auto = False
    _order = "date desc, insurer_id"
    _rec_name = "insurer_id"

    insurer_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    line_count = fields.Integer(string="Commission Lines", readonly=True)
    expected_amount = fields.Monetary(string="Expected", readonly=True)
    received_amount = fields.Monetary(string="Received", readonly=True)
    leakage_amount = fields.Monetary(
        string="Leakage",
        readonly=True,
        help="Expected minus received: commission the insurer has not paid.",
    )

    # The ORM flushes these before reading the view.
    _depends = {
        "insurance.commission.line": [
            "amount",
            "date",
            "insurer_id",
            "company_id",
            "currency_id",
            "kind",
        ],
        "insurance.commission.statement.line": [
            "commission",
            "commission_line_id",
            "statement_id",
        ],
        "insurance.commission.statement": ["state"],
    }

    def _query(self):
        return SQL(
            """
            SELECT MIN(line.id) AS id,
                   line.insurer_id,
                   line.company_id,
                   line.currency_id,
                   date_trunc('month', line.date)::date AS date,
                   COUNT(*) AS line_count,
                   SUM(line.amount) AS expected_amount,
                   SUM(COALESCE(received.amount, 0)) AS received_amount,
                   SUM(line.amount - COALESCE(received.amount, 0)) AS leakage_amount
              FROM insurance_commission_line line
              LEFT JOIN (
                    SELECT row.commission_line_id, SUM(row.commission) AS amount
                      FROM insurance_commission_statement_line row
                      JOIN insurance_commission_statement statement
                        ON statement.id = row.statement_id
                     WHERE statement.state = 'done'
                       AND row.commission_line_id IS NOT NULL
                  GROUP BY row.commission_line_id
                   ) received ON received.commission_line_id = line.id
             WHERE line.kind IN ('expected', 'chargeback')
          GROUP BY line.insurer_id, line.company_id, line.currency_id,
                   date_trunc('month', line.date)
            """
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
