from odoo import fields, models
from odoo.tools import SQL


class InsuranceProductionReport(models.Model):
    """The policies sold, month by month, beside the salespeople's targets.

    A policy is production of the month its cover starts (a renewal prepared
    months ahead counts when it takes over): every confirmed policy, also one
    cancelled later, but not one cancelled before its cover began (it was
    never in force). Amounts are the policy's in its company's currency (at
    the rate of its start date, as the policy keeps them).

    The sales targets are rows of their own (a salesperson, a month, no
    policy): grouped by client manager and month, the pivot shows the
    policies, premium and commission sold beside the targets.
    """

    _name = "insurance.production.report"
    _description = "Production Analysis"
    _inherit = "insurance.policy.analysis"
    _auto = False

    date = fields.Date(string="Start Date", readonly=True)
    state = fields.Selection(
        [
            ("active", "In Force"),
            ("expired", "Expired"),
            ("renewed", "Renewed"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        readonly=True,
    )
    is_new_client = fields.Boolean(
        string="New Client",
        readonly=True,
        help="The client's first policy with the broker.",
    )
    is_target = fields.Boolean(
        string="Target", readonly=True, help="A row of a sales target."
    )
    policy_count = fields.Integer(string="Policies", readonly=True)
    premium = fields.Monetary(readonly=True)
    commission_amount = fields.Monetary(string="Commission", readonly=True)
    new_client_count = fields.Integer(string="New Clients", readonly=True)
    target_policy_count = fields.Integer(string="Target Policies", readonly=True)
    target_premium = fields.Monetary(readonly=True)
    target_commission = fields.Monetary(readonly=True)

    _depends = {
        "insurance.policy": [
            "date_start",
            "insurer_id",
            "product_id",
            "client_manager_id",
            "business_type",
            "partner_id",
            "commercial_partner_id",
            "company_id",
            "currency_id",
            "state",
            "cancel_date",
            "premium_company_currency",
            "commission_company_currency",
        ],
        "insurance.sales.target": [
            "user_id",
            "date",
            "company_id",
            "target_policy_count",
            "target_premium",
            "target_commission",
        ],
        "res.company": ["currency_id"],
    }

    def _query(self):
        # Ids: a policy's row is twice its id, a target's twice its id plus
        # one, so that both kinds of rows keep distinct, stable ids.
        return SQL(
            """
            SELECT sold.*,
                   first_policy.id IS NOT NULL AS is_new_client,
                   CASE WHEN first_policy.id IS NOT NULL THEN 1 ELSE 0 END
                       AS new_client_count
              FROM (
                SELECT policy.id * 2 AS id,
                       policy.id AS policy_id,
                       policy.date_start AS date,
                       policy.insurer_id,
                       policy.product_id,
                       policy.client_manager_id,
                       policy.business_type,
                       policy.partner_id,
                       policy.commercial_partner_id,
                       policy.company_id,
                       company.currency_id,
                       policy.state,
                       FALSE AS is_target,
                       1 AS policy_count,
                       policy.premium_company_currency AS premium,
                       policy.commission_company_currency AS commission_amount,
                       0 AS target_policy_count,
                       0::numeric AS target_premium,
                       0::numeric AS target_commission
                  FROM insurance_policy policy
                  JOIN res_company company ON company.id = policy.company_id
                 WHERE %(produced)s
                 UNION ALL
                SELECT target.id * 2 + 1,
                       NULL::integer,
                       target.date,
                       NULL::integer,
                       NULL::integer,
                       target.user_id,
                       NULL::varchar,
                       NULL::integer,
                       NULL::integer,
                       target.company_id,
                       company.currency_id,
                       NULL::varchar,
                       TRUE,
                       0,
                       0::numeric,
                       0::numeric,
                       target.target_policy_count,
                       target.target_premium,
                       target.target_commission
                  FROM insurance_sales_target target
                  JOIN res_company company ON company.id = target.company_id
              ) sold
              -- A new client: the client entity's first production in the
              -- company. Joined on the entity, so that PostgreSQL leaves the
              -- join out when no new-client figure is asked (one row per
              -- entity), and a filter on the period still reaches the
              -- policies' table.
              LEFT JOIN (
                SELECT DISTINCT ON (policy.company_id, policy.commercial_partner_id)
                       policy.id, policy.company_id, policy.commercial_partner_id
                  FROM insurance_policy policy
                 WHERE %(produced)s
                 ORDER BY policy.company_id, policy.commercial_partner_id,
                          policy.date_start, policy.id
              ) first_policy
                ON first_policy.company_id = sold.company_id
               AND first_policy.commercial_partner_id = sold.commercial_partner_id
               AND first_policy.id = sold.policy_id
            """,
            produced=SQL(
                """policy.state != 'draft'
                   AND NOT (policy.state = 'cancelled'
                            AND COALESCE(policy.cancel_date <= policy.date_start,
                                         FALSE))"""
            ),
        )
