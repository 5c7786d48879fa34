from odoo import fields, models, tools
from odoo.tools import SQL


class InsuranceEfficiencyReport(models.Model):
    """What the broker earned and what earning it cost: the commission of
    the policies less the cost of the tasks done on the deals, by insurer,
    insurance product and employee.

    Two kinds of rows, as Odoo's ``crm.activity.report`` and the production
    analysis are views:

    - a policy's commission, in the month its cover starts, for its client
      manager: every confirmed policy, also one cancelled later, but not one
      cancelled before its cover began (never in force, it earned nothing),
      as the production analysis counts them;
    - a done task's cost (its type's cost standard, in the company's
      currency), in the month it was done, for its assignee: the done tasks
      of the task analysis (``insurance.task.report``), with its insurer (the
      deal's chosen quote's, else its policy's: the work of a renewal placed
      elsewhere earns the new insurer's commission) and the deal's product.
      An open task has cost nothing yet.

    The profit of a row is its commission less its task cost, so that it
    sums in any grouping. Amounts are in the company's currency: a policy's
    commission at the rate of its start date, a task's cost as its type's
    standard.
    """

    _name = "insurance.efficiency.report"
    _description = "Efficiency Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"
    # Flushed before the view is read.
    _depends = {
        "insurance.policy": [
            "state",
            "cancel_date",
            "date_start",
            "insurer_id",
            "product_id",
            "client_manager_id",
            "partner_id",
            "company_id",
            "commission_company_currency",
        ],
        "crm.lead": [
            "policy_id",
            "chosen_quote_id",
            "insurance_product_id",
            "partner_id",
            "company_id",
        ],
        "insurance.quote": ["insurer_id"],
        "mail.activity": [
            "res_model",
            "res_id",
            "activity_type_id",
            "user_id",
            "active",
            "date_done",
        ],
        "mail.activity.type": ["insurance_cost_standard"],
        "res.users": ["company_id"],
        "res.company": ["currency_id"],
    }

    date = fields.Date(
        readonly=True,
        help="The start date of a policy, the day a task was done.",
    )
    insurer_id = fields.Many2one("res.partner", readonly=True)
    product_id = fields.Many2one(
        "insurance.product", string="Insurance Product", readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Employee",
        readonly=True,
        help="The client manager of a policy, the user a task was assigned to.",
    )
    policy_id = fields.Many2one("insurance.policy", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Deal", readonly=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Task Type", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    policy_count = fields.Integer(string="Policies", readonly=True)
    task_count = fields.Integer(string="Done Tasks", readonly=True)
    commission = fields.Monetary(
        readonly=True, help="The commission of the policies starting in the period."
    )
    task_cost = fields.Monetary(
        readonly=True,
        help="The task types' cost standards, summed over the tasks done in the "
        "period.",
    )
    profit = fields.Monetary(
        readonly=True, help="The commission less the cost of the done tasks."
    )

    def action_open_source(self):
        """A row of the list opens what it counts: the deal a task was done
        on, else the policy whose commission it is."""
        self.ensure_one()
        return (self.lead_id or self.policy_id).get_formview_action()

    def _query(self):
        # Ids: a policy's row is twice its id, a task's twice its id plus one,
        # so that both kinds of rows keep distinct, stable ids. The task rows
        # are the task analysis's done tasks, with its insurer, product and
        # cost: one definition of what a done task cost and what it was for.
        return SQL(
            """
            SELECT policy.id * 2 AS id,
                   policy.date_start AS date,
                   policy.insurer_id,
                   policy.product_id,
                   policy.client_manager_id AS user_id,
                   policy.id AS policy_id,
                   NULL::integer AS lead_id,
                   NULL::integer AS activity_type_id,
                   policy.partner_id,
                   policy.company_id,
                   company.currency_id,
                   1 AS policy_count,
                   0 AS task_count,
                   policy.commission_company_currency AS commission,
                   0::numeric AS task_cost,
                   policy.commission_company_currency AS profit
              FROM insurance_policy policy
              JOIN res_company company ON company.id = policy.company_id
             WHERE policy.state != 'draft'
               AND NOT (policy.state = 'cancelled'
                        AND COALESCE(policy.cancel_date <= policy.date_start, FALSE))
             UNION ALL
            SELECT task.id * 2 + 1,
                   task.date_done,
                   task.insurer_id,
                   task.product_id,
                   task.user_id,
                   task.policy_id,
                   task.lead_id,
                   task.activity_type_id,
                   task.partner_id,
                   task.company_id,
                   task.currency_id,
                   0,
                   1,
                   0::numeric,
                   task.cost::numeric,
                   -task.cost::numeric
              FROM (%(tasks)s) task
             WHERE task.is_done
            """,
            tasks=self.env["insurance.task.report"]._query(),
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
