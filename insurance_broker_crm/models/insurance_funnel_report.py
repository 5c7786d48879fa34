from odoo import fields, models, tools
from odoo.tools import SQL

from .crm_lead import REFUSAL_CODES


class InsuranceFunnelReport(models.Model):
    """The funnel of the broker's pipelines: one row each time a deal
    entered a stage.

    A deal enters its first stage when it is created (the stage it was
    created in: the old value of its first stage change, or its current
    stage when it never moved), and each following stage at the stage
    change the chatter tracked. The next entry of the same deal is when it
    left the stage, and where to: it moved on when it went to a later stage
    of the same pipeline or to a won stage (not to a refusal stage).

    A deal still in a stage has no leaving date and no days in the stage:
    the view does not use the database's clock (``now()``), so that the
    figures of a stage are those of the deals that left it, the same
    whenever the report is read; "Still in Stage" tells the others. A deal
    still in a stage counts as an entry that did not move on (yet).
    """

    _name = "insurance.funnel.report"
    _description = "Deal Funnel Analysis"
    _auto = False
    _order = "date_entered desc, id desc"
    _rec_name = "lead_id"
    # Flushed before the view is read. The stage changes themselves are
    # written by the chatter's tracking when the transaction ends.
    _depends = {
        "crm.lead": [
            "stage_id",
            "team_id",
            "user_id",
            "insurance_product_id",
            "source_id",
            "medium_id",
            "lost_reason_id",
            "active",
            "partner_id",
            "company_id",
            "create_date",
        ],
        "crm.stage": ["sequence", "team_id", "is_won", "insurance_stage_code"],
        "mail.message": ["date", "model", "res_id"],
        "mail.tracking.value": [
            "field_id",
            "mail_message_id",
            "old_value_integer",
            "new_value_integer",
        ],
    }

    lead_id = fields.Many2one("crm.lead", string="Deal", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    team_id = fields.Many2one("crm.team", string="Pipeline", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    stage_sequence = fields.Integer(readonly=True, aggregator=False)
    next_stage_id = fields.Many2one(
        "crm.stage",
        readonly=True,
        help="The stage the deal went to when it left this one.",
    )
    date_entered = fields.Datetime(string="Entered", readonly=True)
    date_left = fields.Datetime(string="Left", readonly=True)
    is_open = fields.Boolean(
        string="Still in Stage",
        readonly=True,
        help="The deal is still in this stage: it has no leaving date and no "
        "days in the stage yet.",
    )
    is_moved_on = fields.Boolean(
        string="Moved to a Later Stage",
        readonly=True,
        help="The deal left this stage for a later stage of its pipeline or a "
        "won stage.",
    )
    entry_count = fields.Integer(string="Entries", readonly=True, aggregator="sum")
    moved_on_count = fields.Integer(string="Moved On", readonly=True, aggregator="sum")
    conversion_rate = fields.Float(
        string="Conversion (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The share of the entries that moved on to the next stages.",
    )
    days_in_stage = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days between entering and leaving the stage; empty while the "
        "deal is still in it (not counted in the average).",
    )
    product_id = fields.Many2one(
        "insurance.product", string="Insurance Product", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    lost_reason_id = fields.Many2one(
        "crm.lost.reason",
        readonly=True,
        help="The deal's lost reason, on the stage it was lost or refused from.",
    )
    company_id = fields.Many2one("res.company", readonly=True)

    def action_open_deal(self):
        """A row of the list opens its deal."""
        self.ensure_one()
        return self.lead_id.get_formview_action()

    def _query(self):
        """The entries, written so that the filters on the entry's own date
        reach the tables: a window function (``lead()`` over each deal)
        would have to order every stage change of the book before the
        filter could apply. Here each entry (the deal's creation, each
        tracked stage change) is joined to the stage changes of its deal,
        grouped per entry: its next entry and the deal's first stage are
        aggregates of that group, and the filters on ``date_entered`` go
        below the grouping to the deal's creation date and the message's
        date."""
        # Row ids: the stage changes' tracking ids (even) and the deals' ids
        # for their first stage (odd), stable from one read to the next.
        # The stage field's id as a constant, not a sub-select: PostgreSQL
        # then knows how many tracking values are stage changes and plans
        # the joins for them (the view is made again at each update). Read
        # from the table: init() runs before the fields are reflected, and
        # ir.model.fields' cache would keep crm.lead without them.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM ir_model_fields WHERE model = %s AND name = %s",
                "crm.lead",
                "stage_id",
            )
        )
        [[stage_field_id]] = self.env.cr.fetchall()
        return SQL(
            """WITH stage_change AS NOT MATERIALIZED (
                   SELECT message.res_id AS lead_id, message.date AS changed_at,
                          tracking.id AS tracking_id,
                          tracking.old_value_integer AS old_stage_id,
                          tracking.new_value_integer AS new_stage_id
                     FROM mail_tracking_value tracking
                     JOIN mail_message message
                       ON message.id = tracking.mail_message_id
                    WHERE tracking.field_id = %(stage_field)s
                      AND message.model = 'crm.lead'
               ), step AS (
                   -- Each entry with the stage changes of its deal: the
                   -- first one (whose old value is the stage the deal was
                   -- created in) and the next one after the entry (ordered
                   -- by date, then tracking id, as the chatter shows them).
                   SELECT entry.id, entry.lead_id, entry.date_entered,
                          entry.tracking_id, entry.changed_to,
                          count(change.tracking_id) AS change_count,
                          (array_agg(change.old_stage_id
                                     ORDER BY change.changed_at, change.tracking_id)
                          )[1] AS first_old_stage_id,
                          min(change.changed_at) FILTER (WHERE %(later)s)
                              AS next_changed_at,
                          (array_agg(change.new_stage_id
                                     ORDER BY change.changed_at, change.tracking_id)
                               FILTER (WHERE %(later)s)
                          )[1] AS next_changed_to
                     FROM (SELECT opportunity.id * 2 + 1 AS id,
                                  opportunity.id AS lead_id,
                                  opportunity.create_date AS date_entered,
                                  0 AS tracking_id,
                                  NULL::integer AS changed_to
                             FROM crm_lead opportunity
                        UNION ALL
                           SELECT tracking_id * 2, lead_id, changed_at,
                                  tracking_id, new_stage_id
                             FROM stage_change
                            WHERE new_stage_id > 0) entry
                LEFT JOIN stage_change change ON change.lead_id = entry.lead_id
                 GROUP BY entry.id, entry.lead_id, entry.date_entered,
                          entry.tracking_id, entry.changed_to
               )
               SELECT step.id, step.lead_id, opportunity.partner_id,
                      COALESCE(stage.team_id, opportunity.team_id) AS team_id,
                      stage.id AS stage_id, stage.sequence AS stage_sequence,
                      next_entry.stage_id AS next_stage_id, step.date_entered,
                      next_entry.date_left,
                      next_entry.stage_id IS NULL AS is_open,
                      moved.is_moved_on,
                      1 AS entry_count,
                      CASE WHEN moved.is_moved_on THEN 1 ELSE 0 END AS moved_on_count,
                      CASE WHEN moved.is_moved_on THEN 100.0 ELSE 0.0 END::float8
                          AS conversion_rate,
                      (EXTRACT(EPOCH FROM next_entry.date_left - step.date_entered)
                          / 86400.0)::float8 AS days_in_stage,
                      opportunity.insurance_product_id AS product_id,
                      opportunity.user_id,
                      opportunity.source_id, opportunity.medium_id,
                      CASE WHEN NOT opportunity.active
                                AND (next_stage.insurance_stage_code IN %(refusal)s
                                     OR (next_entry.stage_id IS NULL
                                         AND stage.insurance_stage_code
                                             NOT IN %(refusal)s))
                           THEN opportunity.lost_reason_id END AS lost_reason_id,
                      opportunity.company_id
                 FROM step
                 JOIN crm_lead opportunity ON opportunity.id = step.lead_id
           CROSS JOIN LATERAL (
                      -- the stage the deal was created in (none: no first row)
                      SELECT CASE WHEN step.change_count = 0
                                  THEN opportunity.stage_id
                                  ELSE NULLIF(step.first_old_stage_id, 0)
                             END AS stage_id
                 ) first_entry
           CROSS JOIN LATERAL (
                      -- the creation comes next only for a stage change dated
                      -- before the deal was created (as a window would order)
                      SELECT first_entry.stage_id IS NOT NULL
                             AND opportunity.create_date > step.date_entered
                             AND (step.next_changed_at IS NULL
                                  OR opportunity.create_date <= step.next_changed_at)
                             AS is_next
                 ) creation
           CROSS JOIN LATERAL (
                      SELECT CASE WHEN creation.is_next THEN opportunity.create_date
                                  ELSE step.next_changed_at END AS date_left,
                             CASE WHEN creation.is_next THEN first_entry.stage_id
                                  ELSE step.next_changed_to END AS stage_id
                 ) next_entry
                 JOIN crm_stage stage
                   ON stage.id = CASE WHEN step.tracking_id = 0
                                      THEN first_entry.stage_id
                                      ELSE step.changed_to END
            LEFT JOIN crm_stage next_stage ON next_stage.id = next_entry.stage_id
           CROSS JOIN LATERAL (
                      SELECT COALESCE(
                                 next_stage.insurance_stage_code NOT IN %(refusal)s
                                 AND (next_stage.is_won
                                      OR (next_stage.sequence > stage.sequence
                                          AND next_stage.team_id = stage.team_id)),
                                 FALSE) AS is_moved_on
                 ) moved
                WHERE stage.insurance_stage_code IS NOT NULL""",
            stage_field=stage_field_id,
            later=SQL(
                """change.new_stage_id > 0
                   AND (change.changed_at, change.tracking_id)
                       > (entry.date_entered, entry.tracking_id)"""
            ),
            refusal=REFUSAL_CODES,
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
