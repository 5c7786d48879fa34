from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

PREMIUM_COLLECTION = [
    ("broker", "Broker collects"),
    ("insurer", "Insurer collects"),
]


class ResPartner(models.Model):
    """Insurers' billing settings and the client card's invoices."""

    _inherit = "res.partner"

    # Insurers
    insurance_premium_collection = fields.Selection(
        PREMIUM_COLLECTION,
        string="Premiums Paid To",
        default="insurer",
        help="Broker collects: the broker invoices the client for each instalment "
        "and pays the insurer the premium less its commission. Insurer collects: "
        "the client pays the insurer and the broker invoices its commission.",
    )
    # Column headers of the insurer's commission statement, remembered from
    # the last import (matched case-insensitively).
    insurance_statement_column_policy = fields.Char(string="Policy Number Column")
    insurance_statement_column_premium = fields.Char(string="Premium Column")
    insurance_statement_column_commission = fields.Char(string="Commission Column")
    insurance_statement_column_period = fields.Char(string="Period Column")

    # Client card
    insurance_invoice_count = fields.Integer(
        compute="_compute_insurance_invoicing", string="Premium Invoices"
    )
    insurance_amount_due = fields.Monetary(
        compute="_compute_insurance_invoicing",
        currency_field="insurance_currency_id",
        string="Premium Due",
        help="Left to pay on the posted premium invoices of the client and its "
        "group companies, less credit notes not yet refunded.",
    )
    insurance_amount_overdue = fields.Monetary(
        compute="_compute_insurance_invoicing",
        currency_field="insurance_currency_id",
        string="Premium Overdue",
        help="Left to pay on premium invoices past their due date.",
    )

    def _compute_insurance_invoicing(self):
        """Premium invoices, due and overdue of the client and of its contacts
        and group companies (as the client card's policies), in the current
        company's currency.

        One grouped query over the posted premium invoices of the partners and
        all their descendants; each partner's figures are credited to every
        ancestor being computed. Read in SQL: the card shows these figures to
        salespeople without access to Invoicing.
        """
        company = self.env.company
        today = fields.Date.context_today(self)
        totals = defaultdict(lambda: {"count": 0, "due": 0.0, "overdue": 0.0})
        partner_ids = {partner_id for partner_id in self._origin.ids if partner_id}
        if partner_ids:
            family = self.with_context(active_test=False).search(
                [("id", "child_of", list(partner_ids))]
            )
            parent_of = {partner.id: partner.parent_id.id for partner in family}
            self.env["account.move"].flush_model(
                [
                    "partner_id",
                    "company_id",
                    "insurance_move_kind",
                    "move_type",
                    "state",
                    "amount_residual_signed",
                    "invoice_date_due",
                ]
            )
            rows = self.env.execute_query(
                SQL(
                    """SELECT partner_id, company_id,
                              COUNT(*) FILTER (WHERE move_type = 'out_invoice'),
                              SUM(amount_residual_signed),
                              SUM(amount_residual_signed)
                                  FILTER (WHERE move_type = 'out_invoice'
                                            AND invoice_date_due < %(today)s)
                         FROM account_move
                        WHERE partner_id = ANY(%(partners)s)
                          AND company_id = ANY(%(companies)s)
                          AND insurance_move_kind = 'premium'
                          AND move_type IN ('out_invoice', 'out_refund')
                          AND state = 'posted'
                     GROUP BY partner_id, company_id""",
                    today=today,
                    partners=family.ids,
                    companies=self.env.companies.ids,
                )
            )
            Company = self.env["res.company"]
            for holder_id, company_id, count, due, overdue in rows:
                # Amounts are in their company's currency.
                move_currency = Company.browse(company_id).currency_id
                due = move_currency._convert(
                    due or 0.0, company.currency_id, company, today
                )
                overdue = move_currency._convert(
                    overdue or 0.0, company.currency_id, company, today
                )
                node = holder_id
                while node:
                    if node in partner_ids:
                        total = totals[node]
                        total["count"] += count
                        total["due"] += due
                        total["overdue"] += overdue
                    node = parent_of.get(node)
        for partner in self:
            total = totals.get(partner._origin.id) or {
                "count": 0,
                "due": 0.0,
                "overdue": 0.0,
            }
            partner.insurance_invoice_count = total["count"]
            partner.insurance_amount_due = total["due"]
            partner.insurance_amount_overdue = total["overdue"]

    def action_view_insurance_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [
            ("partner_id", "child_of", self.id),
            ("insurance_move_kind", "=", "premium"),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
