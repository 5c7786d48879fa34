# crm.lead is extended by concern (the offer, the demands and needs, the
# documents, the renewal notice, the renewal buckets), each in its file, so
# that crm_lead.py stays the deal's fields and forwarding:
# pylint: disable=consider-merging-classes-inherited
import logging
from collections import defaultdict

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.insurance_broker.tools.chatter import log_tracked_change
from odoo.addons.insurance_broker.tools.cron import cron_batches

from .crm_lead import RENEWAL_BUCKETS

_logger = logging.getLogger(__name__)

# Leads moved (and committed) together by the renewal-bucket cron: a batch of
# 1,000 leads writes in about a second, locking its leads no longer than that.
BUCKET_BATCH_SIZE = 1000


class CrmLead(models.Model):
    """The Renewal pipeline's buckets: each day, the open renewal deals move
    to the bucket of the time left until their policy ends."""

    _inherit = "crm.lead"

    @api.model
    def _cron_renewal_buckets(self, today=None):
        """Move each open Renewal lead to the bucket its policy's end date calls
        for on ``today`` (by default the day in the user's time zone;
        ``RENEWAL_BUCKETS``); on reaching the last month, hand it to its
        renewal manager (capped per week) or ask the head of sales to assign
        one (``_assign_renewal_managers``).

        One query finds the leads whose bucket must change, only ever forward
        (a lead a person moved further on stays where it is); they move in
        batches (``_move_to_bucket``), committed under ir.cron and reported;
        a second run finds nothing to do."""
        today = today or fields.Date.context_today(self)
        stages = {code: self._insurance_stage(code) for __, code in RENEWAL_BUCKETS}
        order = [stages[code].id for __, code in RENEWAL_BUCKETS]
        # renewal_bucket_code in SQL: the last bucket whose months have begun.
        bucket = SQL(
            "CASE %s ELSE %s END",
            SQL(" ").join(
                SQL(
                    "WHEN policy.date_end + 1 <= %s THEN %s",
                    today + relativedelta(months=months),
                    stages[code].id,
                )
                for months, code in reversed(RENEWAL_BUCKETS[1:])
            ),
            order[0],
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT lead.id, lead.stage_id, %(bucket)s
                     FROM crm_lead lead
                     JOIN insurance_policy policy ON policy.id = lead.policy_id
                    WHERE lead.active
                      AND lead.stage_id = ANY(%(buckets)s)
                 ORDER BY lead.id""",
                bucket=bucket,
                buckets=order,
            )
        )
        rank = {stage_id: index for index, stage_id in enumerate(order)}
        by_target = defaultdict(list)
        for lead_id, stage_id, target in self.env.cr.fetchall():
            if rank[target] > rank[stage_id]:  # forward only
                by_target[target].append(lead_id)
        done = 0
        for target, lead_ids in by_target.items():
            stage = self.env["crm.stage"].browse(target)
            sources = order[: rank[target]]
            for batch in cron_batches(
                self.env, self.browse(lead_ids), BUCKET_BATCH_SIZE
            ):
                moved = batch._move_to_bucket(stage, sources)
                if target == stages["renewal_month"].id:
                    moved._assign_renewal_managers()
                done += len(moved)
        _logger.info("Renewal buckets: %s leads moved", done)
        return done

    def _move_to_bucket(self, stage, sources):
        """Move the leads of ``self`` still open in one of the stages
        ``sources`` (ids) to ``stage``: crm's ``write`` on the batch, which
        computes the probabilities set-wise, closes the stage tasks and runs
        the automation rules, with mail's tracking off; the tracking note of
        each lead is then logged in one batched create (``log_tracked_change``)
        where mail would post them one by one. Returns the leads moved."""
        if not sources:
            return self.browse()
        before = self._lock_bucket_rows(sources)
        moved = self.browse(list(before))
        if moved:
            moved.with_context(mail_notrack=True).write({"stage_id": stage.id})
            Stage = self.env["crm.stage"]
            log_tracked_change(
                moved,
                "stage_id",
                {
                    lead_id: Stage.browse(stage_id)
                    for lead_id, stage_id in before.items()
                },
                # crm's subtype of a stage change: won (probability 100) or
                # not; asked once for each, not lead by lead
                subtype_key=lambda lead: lead.probability == 100,
            )
        return moved

    def _lock_bucket_rows(self, sources):
        """Lock the leads of ``self`` still open in one of the stages
        ``sources`` (ids) and return the stage of each, by id.

        A lead another transaction holds (a user saving it) is skipped, not
        waited for: the next run takes it. A lead changed by a transaction
        that committed after this one began cannot be locked in this one's
        snapshot (a serialization failure): then the leads are locked one by
        one, and that one is left for the next run too."""
        query = """SELECT id, stage_id
                     FROM crm_lead
                    WHERE id = ANY(%s) AND active AND stage_id = ANY(%s)
                 ORDER BY id
                      FOR NO KEY UPDATE SKIP LOCKED"""
        self.flush_model(["active", "stage_id"])
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL(query, self.ids, list(sources)), log_exceptions=False)
                return dict(cr.fetchall())
        except psycopg2.errors.SerializationFailure:
            _logger.info(
                "Renewal buckets: leads changed since the run began, locked one by one"
            )
        rows = {}
        for lead_id in self.ids:
            try:
                with cr.savepoint(flush=False):
                    cr.execute(
                        SQL(query, [lead_id], list(sources)), log_exceptions=False
                    )
                    rows.update(cr.fetchall())
            except psycopg2.errors.SerializationFailure:
                _logger.info(
                    "Renewal buckets: lead %s changed meanwhile, left", lead_id
                )
        return rows

    def _assign_renewal_managers(self):
        """A month before the end: the client manager takes the renewal into
        work if they belong to the renewal department and have room this week;
        otherwise the head of sales is asked to assign a renewal manager."""
        take = self._insurance_stage("renewal_take")
        team = take.team_id
        week_start = fields.Datetime.to_datetime(
            fields.Date.context_today(self)
            - relativedelta(days=fields.Date.context_today(self).weekday())
        )
        counts = dict(
            self._read_group(
                [
                    ("team_id", "=", team.id),
                    ("date_open", ">=", week_start),
                    ("user_id", "!=", False),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        todo = self.env.ref(
            "insurance_broker_crm.mail_activity_type_assign_renewal_manager"
        )
        taken, unassigned = defaultdict(list), []
        for lead in self:
            manager = lead.insurance_client_manager_id
            cap = (lead.company_id or self.env.company).insurance_renewal_weekly_cap
            if manager in team.member_ids and counts.get(manager, 0) < cap:
                taken[manager].append(lead.id)
                counts[manager] = counts.get(manager, 0) + 1
            else:
                unassigned.append(lead.id)
        # One write per manager and one batch of tasks: hundreds of leads
        # reach "A month" on some days.
        for manager, lead_ids in taken.items():
            # The stage's automation gives them "take the client into work".
            self.browse(lead_ids).write({"user_id": manager.id, "stage_id": take.id})
        if unassigned:
            self.browse(unassigned).activity_schedule(
                activity_type_id=todo.id,
                summary=self.env._("Assign a renewal manager"),
                user_id=(team.user_id or self.env.user).id,
            )
