from odoo import fields, models
from odoo.tools import SQL


class InsuranceRetentionReport(models.Model):
    """The policies due for renewal, by the month their cover ends, and
    whether they were renewed.

    Due: every policy put in force and not cancelled (a cancelled policy did
    not run to its end: there was nothing to renew). Renewed: its successor
    (the renewal created from it, or a policy confirmed as renewing it) is
    confirmed; a successor still in draft is a renewal under way, not yet
    won. The renewal rate is the average of 100 (renewed) and 0 (not) over
    the rows: in any group, the share of its policies that were renewed.
    The premiums are in the company's currency, each policy's at the rate of
    its start date (as the policy keeps them).
    """

    _name = "insurance.retention.report"
    _description = "Retention Analysis"
    _inherit = "insurance.policy.analysis"
    _auto = False

    date = fields.Date(string="End Date", readonly=True)
    successor_id = fields.Many2one(
        "insurance.policy", string="Renewed By", readonly=True
    )
    successor_insurer_id = fields.Many2one(
        "res.partner", string="Renewed With", readonly=True
    )
    renewed = fields.Boolean(readonly=True)
    same_insurer = fields.Boolean(string="Renewed With the Same Insurer", readonly=True)
    due_count = fields.Integer(string="Policies Due", readonly=True)
    renewed_count = fields.Integer(string="Policies Renewed", readonly=True)
    renewal_rate = fields.Float(
        string="Renewal Rate (%)",
        digits=(5, 2),
        aggregator="avg",
        readonly=True,
        help="The share of the policies due that were renewed.",
    )
    premium = fields.Monetary(string="Premium Due", readonly=True)
    renewed_premium = fields.Monetary(string="Premium Renewed", readonly=True)

    _depends = {
        "insurance.policy": [
            "date_end",
            "insurer_id",
            "product_id",
            "client_manager_id",
            "business_type",
            "partner_id",
            "commercial_partner_id",
            "company_id",
            "currency_id",
            "state",
            "premium_company_currency",
            "successor_id",
        ],
        "res.company": ["currency_id"],
    }

    def _query(self):
        return SQL(
            """
            SELECT policy.id,
                   policy.id AS policy_id,
                   policy.date_end AS date,
                   policy.insurer_id,
                   policy.product_id,
                   policy.client_manager_id,
                   policy.business_type,
                   policy.partner_id,
                   policy.commercial_partner_id,
                   policy.company_id,
                   company.currency_id,
                   successor.id AS successor_id,
                   successor.insurer_id AS successor_insurer_id,
                   successor.id IS NOT NULL AS renewed,
                   COALESCE(successor.insurer_id = policy.insurer_id, FALSE)
                       AS same_insurer,
                   1 AS due_count,
                   CASE WHEN successor.id IS NULL THEN 0 ELSE 1 END
                       AS renewed_count,
                   CASE WHEN successor.id IS NULL THEN 0.0 ELSE 100.0 END
                       AS renewal_rate,
                   policy.premium_company_currency AS premium,
                   COALESCE(successor.premium_company_currency, 0)
                       AS renewed_premium
              FROM insurance_policy policy
              JOIN res_company company ON company.id = policy.company_id
              LEFT JOIN insurance_policy successor
                ON successor.id = policy.successor_id
               AND successor.state IN ('active', 'expired', 'renewed')
             WHERE policy.state IN ('active', 'expired', 'renewed')
            """
        )
