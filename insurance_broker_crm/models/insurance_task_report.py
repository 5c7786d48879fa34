from odoo import api, fields, models, tools
from odoo.tools import SQL


class InsuranceTaskReport(models.Model):
    """The deals' tasks, open and done, with who did them, how late and at
    what cost: a SQL view over the activities of the deals, as Odoo's
    ``crm.activity.report``. Done tasks are those the broker's task types
    keep (archived with their done date)."""

    _name = "insurance.task.report"
    _description = "Task Analysis"
    _auto = False
    _rec_name = "summary"
    _order = "date desc, id desc"
    # Flushed before the view is read.
    _depends = {
        "mail.activity": [
            "res_model",
            "res_id",
            "summary",
            "activity_type_id",
            "user_id",
            "insurance_stage_id",
            "date_deadline",
            "date_done",
            "active",
            "insurance_lateness_reason_id",
            "insurance_done_late",
            "insurance_days_late",
        ],
        "mail.activity.type": ["insurance_cost_standard"],
        "crm.lead": [
            "team_id",
            "partner_id",
            "insurance_product_id",
            "chosen_quote_id",
            "policy_id",
            "company_id",
        ],
        "res.partner": ["client_type"],
        "insurance.quote": ["insurer_id"],
        "insurance.policy": ["insurer_id"],
        "res.users": ["company_id"],
        "res.company": ["currency_id"],
    }

    activity_id = fields.Many2one("mail.activity", string="Task", readonly=True)
    summary = fields.Char(readonly=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Task Type", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Given in Stage", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Deal", readonly=True)
    policy_id = fields.Many2one("insurance.policy", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    client_type = fields.Selection(
        lambda self: self.env["res.partner"]._fields["client_type"].selection,
        readonly=True,
    )
    product_id = fields.Many2one("insurance.product", readonly=True)
    insurer_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    create_date = fields.Datetime(string="Created on", readonly=True)
    date_deadline = fields.Date(string="Deadline", readonly=True)
    date_done = fields.Date(string="Done on", readonly=True)
    date = fields.Date(
        readonly=True, help="The day the task was done, or is due when still open."
    )
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")], string="Status", readonly=True
    )
    lateness_reason_id = fields.Many2one("insurance.lateness.reason", readonly=True)
    task_count = fields.Integer(string="Tasks", readonly=True)
    done_on_time = fields.Integer(string="Done on Time", readonly=True)
    done_late = fields.Integer(readonly=True)
    days_late = fields.Integer(
        readonly=True, help="Calendar days the tasks done late were late, summed."
    )
    days_late_avg = fields.Float(
        string="Average Days Late",
        aggregator="avg",
        readonly=True,
        help="Calendar days late, on average over the tasks done late.",
    )
    days_to_done = fields.Float(
        string="Days to Done",
        aggregator="avg",
        readonly=True,
        help="Calendar days from the task's creation to its done date, on average.",
    )
    cost = fields.Monetary(
        readonly=True,
        help="The task type's cost standard, for the done tasks.",
    )
    days_overdue = fields.Integer(
        compute="_compute_days_overdue",
        help="Calendar days an open task is past its deadline, today.",
    )

    @api.depends_context("tz")
    def _compute_days_overdue(self):
        # Today of the user who looks, as the "Late Now" filter's: computed,
        # not a column of the view, whose SQL would have the database's day.
        today = fields.Date.context_today(self)
        for task in self:
            overdue = 0
            if task.state == "open" and task.date_deadline:
                overdue = max((today - task.date_deadline).days, 0)
            task.days_overdue = overdue

    def action_open_deal(self):
        """A row of the list opens the task's deal, as the activity views do;
        the task itself for a user who may not read the deal."""
        self.ensure_one()
        return self.activity_id.action_open_document()

    def _select(self):
        return """
            SELECT
                a.id AS id,
                a.id AS activity_id,
                a.summary AS summary,
                a.activity_type_id AS activity_type_id,
                a.user_id AS user_id,
                l.team_id AS team_id,
                a.insurance_stage_id AS stage_id,
                l.id AS lead_id,
                l.policy_id AS policy_id,
                l.partner_id AS partner_id,
                p.client_type AS client_type,
                l.insurance_product_id AS product_id,
                COALESCE(q.insurer_id, pol.insurer_id) AS insurer_id,
                company.id AS company_id,
                company.currency_id AS currency_id,
                a.create_date AS create_date,
                a.date_deadline AS date_deadline,
                a.date_done AS date_done,
                COALESCE(a.date_done, a.date_deadline) AS date,
                CASE WHEN a.active THEN 'open' ELSE 'done' END AS state,
                -- The state as a plain column, whose share PostgreSQL knows
                -- from the statistics (the efficiency analysis filters on it).
                NOT a.active AS is_done,
                a.insurance_lateness_reason_id AS lateness_reason_id,
                1 AS task_count,
                CASE WHEN NOT a.active AND NOT COALESCE(a.insurance_done_late, FALSE)
                    THEN 1 ELSE 0 END AS done_on_time,
                CASE WHEN NOT a.active AND a.insurance_done_late
                    THEN 1 ELSE 0 END AS done_late,
                CASE WHEN NOT a.active AND a.insurance_done_late
                    THEN a.insurance_days_late END AS days_late,
                CASE WHEN NOT a.active AND a.insurance_done_late
                    THEN a.insurance_days_late END AS days_late_avg,
                CASE WHEN NOT a.active
                    THEN a.date_done - a.create_date::date
                    END AS days_to_done,
                CASE WHEN NOT a.active
                    THEN COALESCE(t.insurance_cost_standard, 0) ELSE 0 END AS cost
        """

    def _from(self):
        return """
            FROM mail_activity a
            JOIN crm_lead l ON l.id = a.res_id
            LEFT JOIN mail_activity_type t ON t.id = a.activity_type_id
            LEFT JOIN res_partner p ON p.id = l.partner_id
            LEFT JOIN insurance_quote q ON q.id = l.chosen_quote_id
            LEFT JOIN insurance_policy pol ON pol.id = l.policy_id
            LEFT JOIN res_users assignee ON assignee.id = a.user_id
            -- A deal without a company: the task is the assignee's company's
            -- (and costs in its currency).
            LEFT JOIN res_company company
                ON company.id = COALESCE(l.company_id, assignee.company_id)
        """

    def _where(self):
        # Done tasks are archived with their done date; an archived task
        # without one was archived by hand, not done.
        return """
            WHERE a.res_model = 'crm.lead'
                AND (a.active OR a.date_done IS NOT NULL)
        """

    def _query(self):
        """The view's SELECT: the efficiency analysis reads its task rows
        from it too, so that a done task and its cost, insurer and product
        are defined once."""
        return SQL(
            "%s %s %s", SQL(self._select()), SQL(self._from()), SQL(self._where())
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
