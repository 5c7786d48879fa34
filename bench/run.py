# A command-line program: it prints its results.
# pylint: disable=print-used
"""Synthetic book and benchmarks: the programs behind `make book` and `make bench`.

    python bench/run.py -c ODOO_CONF -d DB book --size small [--seed 42]
    python bench/run.py -c ODOO_CONF -d DB bench --size small --out FILE [--smoke]

Each benchmark times the suite's operation and, in the same run on the same
rows, the floor of that work (what the same change costs in one SQL statement
or one batched ORM create); the verdict is the ratio of the two, so it holds on
a noisy machine. Query-count benchmarks are measured at two book sizes and
must not grow with the book. Every benchmark runs inside a savepoint that is
rolled back: the book is the same for the next run.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytz
from dateutil.relativedelta import relativedelta
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api, fields, sql_db  # noqa: E402
from odoo.osv import expression  # noqa: E402
from odoo.tools import SQL  # noqa: E402
from odoo.tools.safe_eval import safe_eval  # noqa: E402

book = None  # bench/book.py, imported once Odoo knows the addons path

CONFIRM_BATCH = int(os.environ.get("BENCH_CONFIRM", 10_000))
MAX_RATIO = 3.0
# A ratio is enforced from this many rows and a floor this long: below,
# fixed costs and the timer's noise make it meaningless (12 policies expired
# in a hundredth of a second); it is reported, not enforced.
MIN_ROWS_FOR_RATIO = 100
MIN_FLOOR_SECONDS = 0.1
# The expiry cron's backlog: the book's ended policies still active and
# those ending in this many days (tens of thousands on the xlarge book).
EXPIRY_BACKLOG_DAYS = 14
# The invoicing and reminder crons' backlog: a run stopped for this many days.
INVOICING_BACKLOG_DAYS = 3
REMINDER_BACKLOG_DAYS = 30
# The debtor list exported to XLSX, and the memory its process may take.
DEBTOR_EXPORT_ROWS = 100_000
MAX_EXPORT_RSS_MB = 500


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@contextmanager
def rolled_back(env, name="bench"):
    """Run a benchmark and undo everything it wrote, cache included (nested
    ones need their own ``name``)."""
    env.flush_all()
    env.cr.execute(SQL("SAVEPOINT %s", SQL.identifier(name)))
    try:
        yield
    finally:
        env.cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(name)))
        env.cr.precommit.clear()
        env.cr.postcommit.clear()
        env.invalidate_all()


def timed(env, function):
    """Seconds and queries of ``function``, flush and tracking included."""
    env.flush_all()
    queries = sql_db.sql_counter
    start = time.perf_counter()
    result = function()
    env.flush_all()
    env.cr.precommit.run()  # tracking messages are written at commit time
    seconds = time.perf_counter() - start
    return result, seconds, sql_db.sql_counter - queries


def create_notes(env, model, tracking, subtype="mail.mt_note"):
    """The chatter notes of a change, as the floor of a cron writes them:
    one batched ``create`` of the messages (one per record of ``model``,
    ``tracking``: the tracking values of each, by id) and one of their
    tracking values, through mail's models: the same rows as the cron's."""
    ids = list(tracking)
    author = env.user.partner_id
    email_from = author.email_formatted
    note = {
        "model": model,
        "message_type": "notification",
        "subtype_id": env.ref(subtype).id,
        "author_id": author.id,
        "email_from": email_from,
        "reply_to": env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
        # given, not computed record by record, as mail's _message_log_batch
        "record_name": False,
        "record_alias_domain_id": False,
        "record_company_id": False,
        "body": "",
        "is_internal": True,
    }
    messages = env["mail.message"].create([dict(note, res_id=res_id) for res_id in ids])
    env["mail.tracking.value"].create(
        [
            dict(tracking[res_id], mail_message_id=message.id)
            for res_id, message in zip(ids, messages, strict=True)
        ]
    )


class Bench:
    def __init__(self, env, size):
        self.env = env
        self.size = size
        self.results = []

    def record(
        self, name, seconds, baseline_name, baseline_seconds, queries, rows, **extra
    ):
        ratio = seconds / baseline_seconds if baseline_seconds else None
        result = {
            "name": name,
            "size": self.size,
            "rows": rows,
            "seconds": round(seconds, 4),
            "baseline": baseline_name,
            "baseline_seconds": round(baseline_seconds, 4)
            if baseline_seconds
            else None,
            "ratio": round(ratio, 2) if ratio else None,
            "max_ratio": MAX_RATIO if ratio else None,
            "queries": queries,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
        result.update(extra)
        result["ratio_enforced"] = (
            bool(ratio)
            and (rows or 0) >= MIN_ROWS_FOR_RATIO
            and baseline_seconds >= MIN_FLOOR_SECONDS
        )
        result["ok"] = not result["ratio_enforced"] or ratio <= MAX_RATIO
        if "max_queries" in extra:
            result["ok"] = result["ok"] and extra.get("queries_stable", True)
        if "max_rss_mb" in extra:
            result["ok"] = result["ok"] and result["peak_rss_mb"] <= extra["max_rss_mb"]
        self.results.append(result)

    # ------------------------------------------------------------------

    def expiry_cron(self):
        """The policy expiry cron on its two workloads: the backlog of a
        first run after an import (the book's ended policies still active
        and those ending in the next ``EXPIRY_BACKLOG_DAYS`` days), then the
        steady state (the next day's: one day's policies ending)."""
        today = fields.Date.context_today(self.env["insurance.policy"])
        backlog_day = today + timedelta(days=EXPIRY_BACKLOG_DAYS)
        self._expiry_workload("expiry_cron_backlog", backlog_day)
        self._expiry_workload(
            "expiry_cron_steady", backlog_day + timedelta(days=1), backlog_day
        )

    def _expiry_workload(self, name, day, prepared_on=None):
        """The expiry cron run on ``day`` (after its run on ``prepared_on``,
        if given, untimed) against its floor: the same policies found by one
        query, expired by one SQL UPDATE and their notes created in one
        batched create of the messages and one of their tracking values
        (``create_notes``). Each is run once first, rolled back: the floor
        warms PostgreSQL's caches, the cron the process's (the registry's
        lazily built field triggers, which a cron worker has built long
        before), so neither pays a first time the other does not. The floor
        is measured before and after the cron: the mean."""
        env = self.env
        Policy = env["insurance.policy"]
        field = env["ir.model.fields"]._get("insurance.policy", "state")
        labels = dict(Policy._fields["state"]._description_selection(env))

        def prepare():
            if prepared_on:
                Policy._cron_expire_policies(today=prepared_on)
                env.flush_all()

        def select_due():
            env.cr.execute(
                "SELECT id FROM insurance_policy "
                "WHERE state = 'active' AND date_end < %s ORDER BY id",
                [day],
            )
            return [row[0] for row in env.cr.fetchall()]

        def measure_floor():
            with rolled_back(env, "bench_floor"):
                prepare()
                # the floor finds the policies too, as the cron does
                start = time.perf_counter()
                ids = select_due()
                env.cr.execute(
                    "UPDATE insurance_policy SET state = 'expired', write_uid = %s, "
                    "write_date = now() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
                    [env.uid, ids],
                )
                create_notes(
                    env,
                    "insurance.policy",
                    {
                        policy_id: {
                            "field_id": field.id,
                            "old_value_char": labels["active"],
                            "new_value_char": labels["expired"],
                        }
                        for policy_id in ids
                    },
                )
                env.flush_all()
                return ids, time.perf_counter() - start

        def measure_cron():
            with rolled_back(env, "bench_cron"):
                prepare()
                env.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_tracking_value")
                last_tracking = env.cr.fetchone()[0]
                done, seconds, queries = timed(
                    env, lambda: Policy._cron_expire_policies(today=day)
                )
                env.cr.execute(
                    """SELECT message.res_id
                         FROM mail_tracking_value value
                         JOIN mail_message message
                           ON message.id = value.mail_message_id
                        WHERE value.id > %s AND value.field_id = %s
                          AND message.model = 'insurance.policy'""",
                    [last_tracking, field.id],
                )
                noted = [row[0] for row in env.cr.fetchall()]
                return done, seconds, queries, noted

        measure_floor()
        due, floor_before = measure_floor()
        measure_cron()
        done, seconds, queries, noted = measure_cron()
        floor_after = measure_floor()[1]
        assert done == len(due), f"cron expired {done} policies, SQL {len(due)}"
        assert sorted(noted) == due, f"{len(noted)} notes for {len(due)} expiries"
        self.record(
            name,
            seconds,
            "sql_update_and_batched_notes",
            (floor_before + floor_after) / 2,
            queries,
            done,
            day=str(day),
            floor_runs=[round(floor_before, 4), round(floor_after, 4)],
        )

    def renewal_bucket_cron(self):
        """The daily renewal-bucket cron on its two workloads: the backlog of
        a first run (the book's leads waiting in a bucket their policy's end
        date has left behind, run yesterday), then the steady state (today's
        run after it: the leads whose bucket changes today)."""
        env = self.env
        Lead = env["crm.lead"]
        buckets = [Lead._insurance_stage(code).id for code in book.BUCKET_CODES]
        env.cr.execute(
            "SELECT count(*) FROM crm_lead WHERE stage_id = ANY(%s)", [buckets]
        )
        if not env.cr.fetchone()[0]:
            # A book generated before the renewal leads: add them for this
            # run (rolled back with everything else).
            generator = book.BookGenerator(env)
            generator.ensure_reference_data()
            env.cr.execute("SELECT count(*) FROM insurance_policy")
            generator.add_renewal_leads(
                env.cr.fetchone()[0] // book.POLICIES_PER_RENEWAL_LEAD
            )
        today = fields.Date.context_today(Lead)
        yesterday = today - timedelta(days=1)
        self._bucket_workload("renewal_bucket_cron_backlog", buckets, yesterday)
        self._bucket_workload(
            "renewal_bucket_cron_steady", buckets, today, prepared_on=yesterday
        )

    def _bucket_workload(self, name, buckets, day, prepared_on=None):
        """The renewal-bucket cron run on ``day`` (after its run on
        ``prepared_on``, if given, untimed) against its floor: the same
        leads found by one query, moved to the same stages by one SQL UPDATE
        (stage, last stage update, write user and date) and their stage
        notes created in one
        batched create of the messages and one of their tracking values
        (``create_notes``); both rolled back. The cron also recomputes
        crm's probabilities, closes the stage tasks, runs the automation
        rules and hands the leads reaching "Last month" to their managers:
        the floor does not."""
        env = self.env
        Lead = env["crm.lead"]
        field = env["ir.model.fields"]._get("crm.lead", "stage_id")
        names = {stage.id: stage.name for stage in env["crm.stage"].browse(buckets)}
        # Every open lead in a bucket its policy's end date has left behind,
        # and that bucket: what the cron must move.
        due_sql = SQL(
            """SELECT id, stage_id, target FROM (
                   SELECT lead.id, lead.stage_id,
                          CASE WHEN policy.date_end + 1 <= %(in_1)s THEN %(month)s
                               WHEN policy.date_end + 1 <= %(in_3)s THEN %(three)s
                               WHEN policy.date_end + 1 <= %(in_6)s THEN %(six)s
                               ELSE %(year)s END AS target
                     FROM crm_lead lead
                     JOIN insurance_policy policy ON policy.id = lead.policy_id
                    WHERE lead.active AND lead.stage_id = ANY(%(buckets)s)) due
                WHERE array_position(%(buckets)s, target)
                      > array_position(%(buckets)s, stage_id)
             ORDER BY id""",
            in_6=day + relativedelta(months=6),
            in_3=day + relativedelta(months=3),
            in_1=day + relativedelta(months=1),
            year=buckets[0],
            six=buckets[1],
            three=buckets[2],
            month=buckets[3],
            buckets=buckets,
        )

        def prepare():
            if prepared_on:
                Lead._cron_renewal_buckets(today=prepared_on)
                env.flush_all()

        def select_due():
            env.cr.execute(due_sql)
            return {row[0]: row[1:] for row in env.cr.fetchall()}

        def measure_floor():
            with rolled_back(env, "bench_floor"):
                prepare()
                # the floor finds the leads too, as the cron does
                start = time.perf_counter()
                due = select_due()
                env.cr.execute(
                    SQL(
                        """UPDATE crm_lead lead
                              SET stage_id = due.target,
                                  date_last_stage_update = now() AT TIME ZONE 'UTC',
                                  write_uid = %s,
                                  write_date = now() AT TIME ZONE 'UTC'
                             FROM unnest(%s::int[], %s::int[]) AS due(id, target)
                            WHERE lead.id = due.id""",
                        env.uid,
                        list(due),
                        [target for __, target in due.values()],
                    )
                )
                create_notes(
                    env,
                    "crm.lead",
                    {
                        lead_id: {
                            "field_id": field.id,
                            "old_value_integer": old,
                            "old_value_char": names[old],
                            "new_value_integer": new,
                            "new_value_char": names[new],
                        }
                        for lead_id, (old, new) in due.items()
                    },
                    subtype="crm.mt_lead_stage",
                )
                env.flush_all()
                return due, time.perf_counter() - start

        def measure_cron():
            with rolled_back(env, "bench_cron"):
                prepare()
                due = select_due()
                env.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_tracking_value")
                last_tracking = env.cr.fetchone()[0]
                done, seconds, queries = timed(
                    env, lambda: Lead._cron_renewal_buckets(today=day)
                )
                env.cr.execute(
                    "SELECT id, stage_id FROM crm_lead WHERE id = ANY(%s)", [list(due)]
                )
                stages = dict(env.cr.fetchall())
                env.cr.execute(
                    """SELECT message.res_id, value.old_value_integer,
                              value.new_value_integer
                         FROM mail_tracking_value value
                         JOIN mail_message message
                           ON message.id = value.mail_message_id
                        WHERE value.id > %s AND value.field_id = %s""",
                    [last_tracking, field.id],
                )
                tracked = set(env.cr.fetchall())
                return done, seconds, queries, stages, tracked

        measure_floor()  # warms the caches
        due, floor_before = measure_floor()
        measure_cron()
        done, seconds, queries, stages, tracked = measure_cron()
        floor_after = measure_floor()[1]
        # The same leads moved, each to its stage (those reaching "Last
        # month" may be taken into work at once), each with its stage change
        # in the chatter.
        take = Lead._insurance_stage("renewal_take").id
        wrong = [
            lead_id
            for lead_id, (__, target) in due.items()
            if stages.get(lead_id) != target
            and not (target == buckets[3] and stages.get(lead_id) == take)
        ]
        assert not wrong, f"{len(wrong)} leads in another stage, e.g. {wrong[:5]}"
        untracked = [
            lead_id
            for lead_id, (old, target) in due.items()
            if (lead_id, old, target) not in tracked
        ]
        assert not untracked, f"{len(untracked)} moves not in the chatter"
        assert done == len(due), f"the cron reports {done} moves, not {len(due)}"
        self.record(
            name,
            seconds,
            "sql_update_and_batched_notes",
            (floor_before + floor_after) / 2,
            queries,
            done,
            day=str(day),
            reaching_a_month=sum(1 for __, t in due.values() if t == buckets[3]),
            floor_runs=[round(floor_before, 4), round(floor_after, 4)],
        )

    def confirm_policies(self):
        env = self.env
        Policy = env["insurance.policy"]
        env.cr.execute(
            "SELECT partner_id, insurer_id, product_id FROM insurance_policy "
            "ORDER BY id LIMIT %s",
            [CONFIRM_BATCH],
        )
        keys = env.cr.fetchall()
        count = min(CONFIRM_BATCH, len(keys) * 5)
        start_date = fields.Date.context_today(Policy) + timedelta(days=30)
        values = [
            {
                "name": f"BENCH-{index:06d}",
                "partner_id": keys[index % len(keys)][0],
                "insurer_id": keys[index % len(keys)][1],
                "product_id": keys[index % len(keys)][2],
                "date_start": start_date,
                "premium": 100.0 + index % 900,
                "payment_frequency": ("single", "quarterly", "monthly")[index % 3],
            }
            for index in range(count)
        ]
        field = env["ir.model.fields"]._get("insurance.policy", "state")
        labels = dict(Policy._fields["state"]._description_selection(env))

        def create_policies():
            # the policies, and the chatter note confirming writes on each
            policies = Policy.create(values)
            create_notes(
                env,
                "insurance.policy",
                dict.fromkeys(
                    policies.ids,
                    {
                        "field_id": field.id,
                        "old_value_char": labels["draft"],
                        "new_value_char": labels["active"],
                    },
                ),
            )
            return policies

        with rolled_back(env):
            policies, floor, __ = timed(env, create_policies)
            # With insurance_broker_crm each policy confirmed gets its renewal
            # deal: the floor creates the same deals in one batched create
            # too, with the values the confirmation gives them, mail's
            # per-record work aside (rolled back before the confirmation).
            deal_seconds = 0.0
            if hasattr(Policy, "_insurance_renewal_deal_values"):
                with rolled_back(env, "bench_deals"):
                    deals = policies._insurance_renewal_deal_values()
                    Lead = env["crm.lead"].with_context(tracking_disable=True)
                    __, deal_seconds, __ = timed(env, lambda: Lead.create(deals))
            __, seconds, queries = timed(env, policies.action_confirm)
            installments = len(policies.installment_ids)
            env.cr.execute(
                "SELECT count(*) FROM crm_lead WHERE policy_id = ANY(%s)",
                [policies.ids],
            )
            renewal_deals = env.cr.fetchone()[0]
        if deal_seconds:
            assert renewal_deals == count, (
                f"{renewal_deals} renewal deals for {count} policies confirmed"
            )
        self.record(
            "confirm_policies",
            seconds,
            "batched_create_same_policies_and_deals"
            if deal_seconds
            else "batched_create_same_policies",
            floor + deal_seconds,
            queries,
            count,
            installments=installments,
            renewal_deals=renewal_deals,
            floor_policies=round(floor, 4),
            floor_deals=round(deal_seconds, 4),
        )

    # Premium invoicing and debtors (insurance_broker_account) ------------

    def installment_invoicing_cron(self):
        """The premium invoicing run on its two workloads: one day's
        instalments (the steady state), then the backlog of a run stopped
        for ``INVOICING_BACKLOG_DAYS`` days."""
        self._invoicing_workload("installment_invoicing_cron_steady", 0)
        self._invoicing_workload(
            "installment_invoicing_cron_backlog", INVOICING_BACKLOG_DAYS - 1
        )

    def _invoicing_workload(self, name, extra_days):
        """The premium invoicing run on the instalments falling due within
        the lead time (one day's, and ``extra_days`` more) against creating
        the same invoices, with the same values, in one ``account.move``
        create (the floor, measured before and after the run: the mean). The
        run must invoice exactly those instalments, each once, and post the
        invoices. Rolled back."""
        env = self.env
        Installment = env["insurance.policy.installment"]
        company = env.company
        today = fields.Date.context_today(Installment)
        lead = company.insurance_invoice_lead_days
        book_day = fields.Date.to_date(
            env["ir.config_parameter"].get_param(book.BOOK_DATE_PARAM)
        )
        age = (today - book_day).days if book_day else 0
        with rolled_back(env, "bench_steady_state"):
            if age:
                # The book was made ``age`` days ago and invoiced up to the
                # lead time then: a lead time shorter by its age leaves one
                # day's instalments to invoice, as in steady state.
                company.insurance_invoice_lead_days = lead - age + extra_days
            elif extra_days:
                company.insurance_invoice_lead_days = lead + extra_days
            due_day = today + timedelta(days=lead - age + extra_days)
            env.cr.execute(
                """SELECT installment.id, installment.date_due
                     FROM insurance_policy_installment installment
                     JOIN insurance_policy policy
                       ON policy.id = installment.policy_id
                    WHERE installment.move_id IS NULL
                      AND installment.date_due <= %s
                      AND policy.state = 'active'
                      AND policy.premium_collection = 'broker'
                 ORDER BY installment.id""",
                [due_day],
            )
            rows = env.cr.fetchall()
            days = {date_due for __, date_due in rows}
            first_day = due_day - timedelta(days=extra_days)
            assert all(first_day <= day <= due_day for day in days), (
                f"instalments to invoice due on {len(days)} days, not "
                f"{extra_days + 1}: {sorted(days)[:5]}..."
            )
            pending = Installment.browse([row[0] for row in rows])
            journal = env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            )
            values = [
                installment._prepare_premium_invoice_values(journal, today)
                for installment in pending
            ]
            Move = env["account.move"].with_company(company)

            def measure_floor():
                with rolled_back(env, "bench_floor"):
                    __, seconds, __ = timed(env, lambda: Move.create(values))
                return seconds

            floor_runs = []
            if values:
                if not extra_days:
                    measure_floor()  # warms the caches (the backlog's too)
                floor_runs.append(measure_floor())
            with rolled_back(env, "bench_cron"):
                env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
                last_move = env.cr.fetchone()[0]
                done, seconds, queries = timed(
                    env, Installment._cron_invoice_installments
                )
                env.cr.execute(
                    """SELECT move.insurance_installment_id, COUNT(*),
                              BOOL_AND(move.state = 'posted'),
                              BOOL_AND(installment.move_id = move.id)
                         FROM account_move move
                    LEFT JOIN insurance_policy_installment installment
                           ON installment.id = move.insurance_installment_id
                        WHERE move.id > %s AND move.insurance_move_kind = 'premium'
                     GROUP BY move.insurance_installment_id""",
                    [last_move],
                )
                made = {row[0]: row[1:] for row in env.cr.fetchall()}
            if values:
                floor_runs.append(measure_floor())
        assert set(made) == set(pending.ids), (
            f"the run invoiced {len(made)} instalments, {len(pending)} were due; "
            f"{len(set(made) ^ set(pending.ids))} differ"
        )
        twice = [i for i, (count, __, __) in made.items() if count != 1]
        assert not twice, f"{len(twice)} instalments invoiced more than once"
        wrong = [
            i for i, (__, posted, linked) in made.items() if not (posted and linked)
        ]
        assert not wrong, f"{len(wrong)} invoices not posted or not linked"
        assert done == len(pending), f"the run reports {done} invoices"
        floor = sum(floor_runs) / len(floor_runs) if floor_runs else None
        self.record(
            name,
            seconds,
            "account_move_create_same_invoices",
            floor,
            queries,
            len(pending),
            floor_runs=[round(run, 4) for run in floor_runs],
            due_day=str(due_day),
            book_age_days=age,
        )

    def debtor_reminder_cron(self):
        """The reminder run on its two workloads: today's (the steady
        state), then the backlog of a run stopped for
        ``REMINDER_BACKLOG_DAYS`` days (run as if today were that much
        later)."""
        today = fields.Date.context_today(self.env["insurance.reminder"])
        self._reminder_workload("debtor_reminder_cron_steady", today)
        self._reminder_workload(
            "debtor_reminder_cron_backlog",
            today + timedelta(days=REMINDER_BACKLOG_DAYS),
            delivery=False,
        )

    def _reminder_workload(self, name, today, delivery=True):
        """The reminder run on ``today`` (recording the reminders due)
        against one SQL ``INSERT ... SELECT`` of the same reminders (the
        floor, before and after the run: the mean): for each overdue unpaid
        premium invoice, the highest level of its company it has reached,
        unless that level or a later one was recorded. The run must record
        exactly the floor's reminders. Their delivery (e-mail, task,
        hand-over: the second cron, which the first triggers) is measured
        after it, for the record, if ``delivery``. Rolled back."""
        env = self.env
        Reminder = env["insurance.reminder"]
        env.cr.execute(
            "SELECT COALESCE(MIN(days), 1) FROM insurance_reminder_level WHERE active"
        )
        shortest = env.cr.fetchone()[0]
        # The same rows the run records (the suite's own table), inserted by
        # one INSERT ... SELECT.
        floor_sql = SQL(
            """INSERT INTO insurance_reminder (
                    move_id, level_id, date, days_late, state, currency_id,
                    amount_due, partner_id, policy_id, company_id,
                    create_uid, create_date, write_uid, write_date)
               SELECT move.id, level.id, %(today)s,
                      %(today)s - move.invoice_date_due, 'to_send',
                      move.currency_id, move.amount_residual, move.partner_id,
                      move.insurance_policy_id, move.company_id,
                      %(uid)s, now() AT TIME ZONE 'UTC',
                      %(uid)s, now() AT TIME ZONE 'UTC'
                 FROM account_move move
                 JOIN LATERAL (
                      SELECT level.id, level.days
                        FROM insurance_reminder_level level
                       WHERE level.company_id = move.company_id AND level.active
                         AND level.days <= %(today)s - move.invoice_date_due
                    ORDER BY level.days DESC, level.id DESC
                       LIMIT 1) level ON TRUE
                WHERE move.insurance_move_kind = 'premium'
                  AND move.move_type = 'out_invoice' AND move.state = 'posted'
                  AND move.payment_state IN ('not_paid', 'partial')
                  AND move.invoice_date_due <= %(latest_due)s
                  AND NOT EXISTS (
                      SELECT 1
                        FROM insurance_reminder sent
                        JOIN insurance_reminder_level sent_level
                          ON sent_level.id = sent.level_id
                       WHERE sent.move_id = move.id
                         AND sent_level.days >= level.days)
            RETURNING move_id, level_id""",
            today=today,
            uid=env.uid,
            latest_due=today - timedelta(days=max(shortest, 1)),
        )

        def measure_floor():
            with rolled_back(env, "bench_floor"):
                start = time.perf_counter()
                env.cr.execute(floor_sql)
                due = set(env.cr.fetchall())
                return due, time.perf_counter() - start

        measure_floor()  # warms the caches
        due, floor_before = measure_floor()
        with rolled_back(env):
            env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM insurance_reminder")
            last = env.cr.fetchone()[0]
            done, seconds, queries = timed(
                env, lambda: Reminder._cron_send_reminders(today=today)
            )
            env.cr.execute(
                "SELECT move_id, level_id FROM insurance_reminder WHERE id > %s",
                [last],
            )
            recorded = env.cr.fetchall()
            if delivery:
                sent, delivery_seconds, delivery_queries = timed(
                    env, lambda: Reminder._cron_deliver_reminders(today=today)
                )
                env.cr.execute(
                    "SELECT state, COUNT(*) FROM insurance_reminder WHERE id > %s "
                    "GROUP BY state",
                    [last],
                )
                states = dict(env.cr.fetchall())
        floor_after = measure_floor()[1]
        assert len(recorded) == len(set(recorded)), "a reminder recorded twice"
        assert set(recorded) == due, (
            f"the run recorded {len(recorded)} reminders, the floor selects "
            f"{len(due)}; {len(set(recorded) ^ due)} differ"
        )
        assert done == len(due), f"the run reports {done} reminders"
        self.record(
            name,
            seconds,
            "sql_insert_select_same_reminders",
            (floor_before + floor_after) / 2,
            queries,
            done,
            floor_runs=[round(floor_before, 4), round(floor_after, 4)],
            day=str(today),
        )
        if not delivery:
            return
        assert sent == len(due) == states.get("sent", 0), (
            f"{sent} reminders delivered of {len(due)}: {states}"
        )
        self.record(
            "debtor_reminder_delivery",
            delivery_seconds,
            None,
            None,
            delivery_queries,
            sent,
            ms_per_reminder=round(1000 * delivery_seconds / sent, 1) if sent else None,
        )

    def debtor_xlsx_export(self, export):
        """Records the debtor XLSX export (``spawn_debtor_export``): its
        process's peak memory against MAX_EXPORT_RSS_MB."""
        self.record(
            "debtor_xlsx_export",
            export["seconds"],
            None,
            None,
            export["queries"],
            export["rows"],
            peak_rss_mb=export["peak_rss_mb"],
            max_rss_mb=MAX_EXPORT_RSS_MB,
            vm_hwm_mb=export["vm_hwm_mb"],
            vm_hwm_before_export_mb=export["vm_hwm_before_export_mb"],
            rows_added=export["added"],
            xlsx_kb=export["xlsx_kb"],
        )

    # The management analyses (issue 17) --------------------------------

    def management_analyses(self):
        """Each analysis's first page as the web client asks for it when its
        menu opens (``_analysis_first_page``), as the book's head of sales,
        against hand-written SQL computing the same figures from the base
        tables (``ANALYSIS_FLOORS``)."""
        for name in ANALYSIS_FLOORS:
            self.analysis_first_page(name)

    def analysis_first_page(self, name):
        """The first page of the analysis ``name`` (``ANALYSIS_FLOORS``): the
        menu action's default filters (its context's ``search_default_*``,
        evaluated as the web client does: filters of one group or'ed,
        groups and'ed), the pivot's row and column group-bys and measures,
        and the read_group calls the pivot makes for them (every row
        prefix by every column prefix, ``lazy=False``), through the ORM
        with the user's record rules; against one SQL statement of the same
        groups and figures (GROUPING SETS) from the base tables. Each is run
        once first, then three times alternately, caches emptied before
        each run: the best of each. Their results must be equal."""
        env = self.env
        xmlid, floor_sql = ANALYSIS_FLOORS[name]
        user = env["res.users"].search([("login", "=", book.HEAD_OF_SALES_LOGIN)])
        assert user, f"no {book.HEAD_OF_SALES_LOGIN} in the book: make book again"
        page = _analysis_first_page(env, xmlid, user)
        Model = page["model"]

        def orm():
            return [
                Model.read_group(page["domain"], page["measures"], groupby, lazy=False)
                for groupby in page["groupbys"]
            ]

        measures = [spec.split(":")[0] for spec in page["measures"]]
        dimensions = page["dimensions"]
        base = floor_sql(env, page, user)
        statements = [
            _group_by_sql(base, groupby, dimensions, page["aggregators"])
            for groupby in page["groupbys"]
        ]
        one_statement = _grouping_sets_sql(
            base, page["groupbys"], dimensions, page["aggregators"]
        )

        def floor():
            rows = []
            for statement in statements:
                env.cr.execute(statement)
                rows += env.cr.fetchall()
            return rows

        def floor_one_statement():
            env.cr.execute(one_statement)
            return env.cr.fetchall()

        runs = {"orm": [], "sql": [], "one": []}
        results = {}
        for attempt in range(4):
            for kind, function in (
                ("sql", floor),
                ("one", floor_one_statement),
                ("orm", orm),
            ):
                env.invalidate_all()
                result, seconds, queries = timed(env, function)
                if attempt:  # the first of each warms the caches
                    runs[kind].append((seconds, queries))
                results[kind] = result
        orm_groups = _orm_groups(
            results["orm"], page["groupbys"], measures, page["tz"], Model
        )
        for kind in ("sql", "one"):
            sql_groups = _sql_groups(
                results[kind], page["groupbys"], dimensions, measures
            )
            differences = _compare_groups(orm_groups, sql_groups)
            assert not differences, (
                f"{name}: the ORM and SQL figures differ: {differences[:5]}"
            )
        seconds, queries = min(runs["orm"])
        floor_seconds = min(run[0] for run in runs["sql"])
        one_seconds = min(run[0] for run in runs["one"])
        rows = orm_groups[()][()]["__count"] if () in orm_groups else 0
        self.record(
            name,
            seconds,
            "sql_same_group_bys_same_figures",
            floor_seconds,
            queries,
            rows,
            model=Model._name,
            domain=repr(page["domain"]),
            read_groups=[list(groupby) for groupby in page["groupbys"]],
            measures=page["measures"],
            groups=sum(len(groups) for groups in orm_groups.values()),
            orm_runs=[round(run[0], 4) for run in runs["orm"]],
            floor_runs=[round(run[0], 4) for run in runs["sql"]],
            # The same figures in one statement (GROUPING SETS), which the
            # pivot's protocol (a read_group per group-by) cannot ask for.
            one_statement_seconds=round(one_seconds, 4),
            one_statement_ratio=round(seconds / one_seconds, 2),
        )

    # Query counts ------------------------------------------------------

    def policy_list_first_page(self):
        Policy = self.env["insurance.policy"]
        specification = {
            name: {}
            for name in (
                "name",
                "insurer_id",
                "product_id",
                "date_start",
                "date_end",
                "client_manager_id",
                "currency_id",
                "premium",
                "commission_amount",
                "state",
            )
        }
        specification["partner_id"] = {"fields": {"display_name": {}}}

        def first_page():
            # What the list view asks: 80 rows and a count capped at 10,001.
            Policy.web_search_read(
                [("state", "=", "active")], specification, limit=80, count_limit=10001
            )

        return self._query_count(first_page)

    def client_card(self, partner):
        specification = {
            "display_name": {},
            "client_type": {},
            "client_manager_id": {"fields": {"display_name": {}}},
            "policy_count": {},
            "active_policy_count": {},
            "active_premium_total": {},
            "next_renewal_date": {},
            "held_product_ids": {"fields": {"display_name": {}}},
            # The card's list, as the form asks for it (its default order).
            "card_policy_ids": {
                "fields": {
                    "name": {},
                    "partner_id": {"fields": {"display_name": {}}},
                    "insurer_id": {"fields": {"display_name": {}}},
                    "product_id": {"fields": {"display_name": {}}},
                    "date_start": {},
                    "date_end": {},
                    "premium": {},
                    "state": {},
                },
                "limit": 40,
                "order": "date_start DESC, id DESC",
            },
        }
        return self._query_count(lambda: partner.web_read(specification))

    def _query_count(self, function):
        env = self.env
        with rolled_back(env):
            function()  # warm the registry caches
        env.invalidate_all()
        with rolled_back(env):
            __, seconds, queries = timed(env, function)
        return seconds, queries


# The management analyses' first pages (Bench.analysis_first_page) ---------


def _analysis_first_page(env, xmlid, user):
    """What the web client asks when the menu action ``xmlid`` opens on its
    pivot: the model as ``user`` (the user's context), the domain of the
    action and of its default filters, the read_group group-bys of the
    pivot's first load and its measures."""
    action = env.ref(xmlid)
    tz = user.tz or "UTC"
    today = fields.Date.context_today(user.with_context(tz=tz))
    eval_context = {
        "context_today": lambda: today,
        "relativedelta": relativedelta,
        "datetime": datetime,
        "uid": user.id,
    }
    action_context = safe_eval(action.context or "{}", eval_context)
    Model = env[action.res_model].with_user(user)
    search = etree.fromstring(
        Model.get_view(action.search_view_id.id, "search")["arch"]
    )
    defaults = {
        key[len("search_default_") :]
        for key, value in action_context.items()
        if key.startswith("search_default_") and value
    }
    # Filters of one group (between separators) are or'ed, groups and'ed.
    groups, current, search_groupbys = [], [], []
    for node in [child for top in search for child in (top, *top)]:
        if node.tag != "filter":
            if node.tag in ("separator", "group", "field") and current:
                groups.append(current)
                current = []
            continue
        if node.get("name") not in defaults:
            continue
        if node.get("date"):
            raise NotImplementedError(f"{xmlid}: a default date filter")
        context = safe_eval(node.get("context") or "{}", eval_context)
        if context.get("group_by"):
            search_groupbys.append(context["group_by"])
            continue
        current.append(safe_eval(node.get("domain") or "[]", eval_context))
    if current:
        groups.append(current)
    domain = expression.AND(
        [safe_eval(action.domain or "[]", eval_context)]
        + [expression.OR(group) for group in groups]
    )
    pivot = etree.fromstring(Model.get_view(view_type="pivot")["arch"])
    rows, cols, measures, aggregators = [], [], [], {}
    for node in pivot.iter("field"):
        name = node.get("name")
        spec = f"{name}:{node.get('interval')}" if node.get("interval") else name
        if node.get("type") == "row":
            rows.append(spec)
        elif node.get("type") == "col":
            cols.append(spec)
        elif node.get("type") == "measure":
            field = Model._fields[name]
            aggregator = (
                "count_distinct" if field.type == "many2one" else field.aggregator
            )
            measures.append(f"{name}:{aggregator}")
            aggregators[name] = aggregator
    rows = search_groupbys or rows
    groupbys = [
        tuple(rows[:i] + cols[:j])
        for i in range(len(rows) + 1)
        for j in range(len(cols) + 1)
    ]
    user_context = {
        "lang": user.lang or "en_US",
        "tz": tz,
        "uid": user.id,
        "allowed_company_ids": [user.company_id.id],
    }
    return {
        "model": Model.with_context(**user_context),
        "domain": domain,
        "groupbys": groupbys,
        "dimensions": [spec.split(":")[0] for spec in rows + cols],
        "measures": measures,
        "aggregators": aggregators,
        "tz": tz,
        "companies": [user.company_id.id],
    }


def _domain_bounds(domain, name):
    """(lowest, highest excluded) of the field ``name`` in a domain of
    ``>=`` and ``<`` leaves on it: what a floor filters on. Any other leaf
    fails, the floor would not compute the same figures."""
    low = high = None
    for leaf in domain:
        if leaf in ("&", expression.TRUE_LEAF):
            continue
        field, operator, value = leaf
        if field != name or operator not in (">=", "<"):
            raise NotImplementedError(f"the floor filters on {name} only: {leaf}")
        if operator == ">=":
            low = value
        else:
            high = value
    return low, high


def _grouping_sets_sql(base, groupbys, dimensions, aggregators):
    """One statement of every group of ``groupbys`` over the rows of
    ``base`` (columns named as the dimensions and the measures), each group
    told by GROUPING() of the dimensions."""
    sql_aggregate = {"sum": "SUM", "avg": "AVG", "max": "MAX", "min": "MIN"}
    columns = [SQL.identifier(name) for name in dimensions]
    sets = SQL(", ").join(
        SQL("(%s)", SQL(", ").join(SQL.identifier(g.split(":")[0]) for g in groupby))
        for groupby in groupbys
    )
    measures = [
        SQL(
            "%s(%s)",
            SQL(sql_aggregate[aggregator]),
            SQL.identifier(name),
        )
        if aggregator != "count_distinct"
        else SQL("COUNT(DISTINCT %s)", SQL.identifier(name))
        for name, aggregator in aggregators.items()
    ]
    return SQL(
        """SELECT GROUPING(%(columns)s), %(columns)s, %(measures)s, COUNT(*)
             FROM (%(base)s) base
         GROUP BY GROUPING SETS (%(sets)s)""",
        columns=SQL(", ").join(columns),
        measures=SQL(", ").join(measures),
        base=base,
        sets=sets,
    )


def _group_by_sql(base, groupby, dimensions, aggregators):
    """The groups of one read_group (``groupby``) over the rows of ``base``,
    as the rows of ``_grouping_sets_sql`` (its GROUPING() mask given)."""
    key = _group_key(groupby)
    count = len(dimensions)
    mask = sum(
        1 << (count - 1 - index)
        for index, name in enumerate(dimensions)
        if name not in key
    )
    sql_aggregate = {"sum": "SUM", "avg": "AVG", "max": "MAX", "min": "MIN"}
    measures = [
        SQL("%s(%s)", SQL(sql_aggregate[aggregator]), SQL.identifier(name))
        if aggregator != "count_distinct"
        else SQL("COUNT(DISTINCT %s)", SQL.identifier(name))
        for name, aggregator in aggregators.items()
    ]
    columns = [
        SQL.identifier(name) if name in key else SQL("NULL") for name in dimensions
    ]
    return SQL(
        """SELECT %(mask)s, %(columns)s, %(measures)s, COUNT(*)
             FROM (%(base)s) base
           %(group_by)s""",
        mask=mask,
        columns=SQL(", ").join(columns),
        measures=SQL(", ").join(measures),
        base=base,
        group_by=SQL(
            "GROUP BY %s", SQL(", ").join(SQL.identifier(name) for name in key)
        )
        if key
        else SQL(),
    )


def _group_key(groupby):
    return tuple(spec.split(":")[0] for spec in groupby)


def _orm_groups(results, groupbys, measures, tz, Model):
    """{group-by fields: {values: {measure: figure, "__count": rows}}} of
    read_group's results: records as ids, periods as their first day (in
    the user's time zone for a datetime)."""
    groups = {}
    zone = pytz.timezone(tz)
    for groupby, result in zip(groupbys, results, strict=True):
        figures = groups.setdefault(_group_key(groupby), {})
        for group in result:
            key = []
            for spec in groupby:
                value = group[spec]
                if ":" in spec:
                    period = (group.get("__range") or {}).get(spec)
                    value = period and period["from"]
                    if value and len(value) > 10:
                        moment = pytz.utc.localize(fields.Datetime.to_datetime(value))
                        value = moment.astimezone(zone).date()
                    elif value:
                        value = fields.Date.to_date(value)
                elif isinstance(value, tuple):
                    value = value[0]
                key.append(value or None)
            figures[tuple(key)] = {
                "__count": group["__count"],
                **{name: group[name] for name in measures},
            }
    return groups


def _sql_groups(rows, groupbys, dimensions, measures):
    """The floor's rows, as ``_orm_groups``."""
    count = len(dimensions)
    masks = {}
    for groupby in groupbys:
        key = _group_key(groupby)
        mask = sum(
            1 << (count - 1 - index)
            for index, name in enumerate(dimensions)
            if name not in key
        )
        masks[mask] = key
    groups = {key: {} for key in masks.values()}
    for row in rows:
        key = masks[row[0]]
        values = dict(zip(dimensions, row[1 : 1 + count], strict=True))
        figures = row[1 + count :]
        groups[key][tuple(values[name] for name in key)] = {
            "__count": figures[-1],
            **dict(zip(measures, figures[:-1], strict=True)),
        }
    return groups


def _compare_groups(orm, sql):
    """The differences between two ``_orm_groups``: groups, counts and
    figures (to a cent, or a millionth of an average)."""
    differences = []
    for key in sorted(set(orm) | set(sql), key=str):
        left, right = orm.get(key, {}), sql.get(key, {})
        for values in sorted(set(left) | set(right), key=str):
            if values not in left or values not in right:
                side = "ORM" if values in left else "SQL"
                differences.append(f"{key} {values}: only in the {side} result")
                continue
            for name, figure in left[values].items():
                other = right[values][name]
                if figure is None or other is None:
                    same = figure == other or not (figure or other)
                else:
                    figure, other = float(figure), float(other)
                    same = abs(figure - other) <= 0.005 + 1e-9 * abs(other)
                if not same:
                    differences.append(f"{key} {values} {name}: {figure} != {other}")
    return differences


def _month(column, tz=None):
    """The first day of the month of a date column, or of a datetime column
    in the time zone ``tz``: as read_group groups by month."""
    if tz:
        column = SQL("timezone(%s, timezone('UTC', %s))", tz, column)
    return SQL("date_trunc('month', %s)::date", column)


def _task_floor(env, page, user):
    """The task analysis: the deals' tasks, open and those done (archived
    with a done date), by task type and month of their date (done, or
    deadline while open)."""
    since, until = _domain_bounds(page["domain"], "date")
    day = SQL("COALESCE(task.date_done, task.date_deadline)")
    return SQL(
        """SELECT task.activity_type_id, %(month)s AS date,
                  1 AS task_count,
                  CASE WHEN NOT task.active AND task.insurance_done_late
                       THEN 1 ELSE 0 END AS done_late,
                  CASE WHEN task.active THEN 0
                       ELSE COALESCE(task_type.insurance_cost_standard, 0) END AS cost
             FROM mail_activity task
             JOIN crm_lead lead ON lead.id = task.res_id
        LEFT JOIN mail_activity_type task_type
               ON task_type.id = task.activity_type_id
        LEFT JOIN res_users assignee ON assignee.id = task.user_id
            WHERE task.res_model = 'crm.lead'
              AND (task.active OR task.date_done IS NOT NULL)
              AND %(day)s >= %(since)s AND %(day)s < %(until)s
              -- the deal's company, else the assignee's
              AND (COALESCE(lead.company_id, assignee.company_id) = ANY(%(companies)s)
                   OR COALESCE(lead.company_id, assignee.company_id) IS NULL)""",
        month=_month(day),
        day=day,
        since=since,
        until=until or date.max,
        companies=page["companies"],
    )


def _funnel_floor(env, page, user):
    """The funnel: each entry of a deal into a stage of the broker's
    pipelines (its creation, each tracked stage change) since the period's
    first day, when it left and for which stage. An entry's next one is
    later: the stage changes before the period are not read."""
    from odoo.addons.insurance_broker_crm.models.crm_lead import (  # noqa: PLC0415
        REFUSAL_CODES,
    )

    since, until = _domain_bounds(page["domain"], "date_entered")
    since = fields.Datetime.to_datetime(since)
    until = fields.Datetime.to_datetime(until) if until else datetime.max
    field = env["ir.model.fields"]._get("crm.lead", "stage_id")
    return SQL(
        """WITH change AS (
               SELECT message.res_id AS lead_id, message.date AS changed_at,
                      tracking.id AS tracking_id,
                      tracking.old_value_integer AS old_stage_id,
                      tracking.new_value_integer AS new_stage_id
                 FROM mail_tracking_value tracking
                 JOIN mail_message message ON message.id = tracking.mail_message_id
                WHERE tracking.field_id = %(field)s AND message.model = 'crm.lead'
                  AND message.date >= %(since)s
           ), entry AS (
               SELECT lead.id AS lead_id, lead.create_date AS date_entered,
                      0 AS tracking_id,
                      CASE WHEN first.lead_id IS NULL THEN lead.stage_id
                           ELSE NULLIF(first.old_stage_id, 0) END AS stage_id
                 FROM crm_lead lead
            LEFT JOIN (SELECT DISTINCT ON (lead_id) lead_id, old_stage_id
                         FROM change
                     ORDER BY lead_id, changed_at, tracking_id) first
                   ON first.lead_id = lead.id
                WHERE lead.create_date >= %(since)s
            UNION ALL
               SELECT lead_id, changed_at, tracking_id, new_stage_id
                 FROM change WHERE new_stage_id > 0
           ), step AS (
               SELECT entry.*,
                      lead(entry.date_entered) OVER deal AS date_left,
                      lead(entry.stage_id) OVER deal AS next_stage_id
                 FROM entry
                WHERE entry.stage_id IS NOT NULL
               WINDOW deal AS (PARTITION BY entry.lead_id
                               ORDER BY entry.date_entered, entry.tracking_id)
           )
           SELECT COALESCE(stage.team_id, lead.team_id) AS team_id, step.stage_id,
                  %(month)s AS date_entered,
                  1 AS entry_count,
                  CASE WHEN moved.on THEN 1 ELSE 0 END AS moved_on_count,
                  CASE WHEN moved.on THEN 100.0 ELSE 0.0 END AS conversion_rate,
                  EXTRACT(EPOCH FROM step.date_left - step.date_entered) / 86400.0
                      AS days_in_stage
             FROM step
             JOIN crm_lead lead ON lead.id = step.lead_id
             JOIN crm_stage stage ON stage.id = step.stage_id
        LEFT JOIN crm_stage next_stage ON next_stage.id = step.next_stage_id
       CROSS JOIN LATERAL (
                  SELECT COALESCE(
                             next_stage.insurance_stage_code NOT IN %(refusal)s
                             AND (next_stage.is_won
                                  OR (next_stage.sequence > stage.sequence
                                      AND next_stage.team_id = stage.team_id)),
                             FALSE) AS on) moved
            WHERE stage.insurance_stage_code IS NOT NULL
              AND step.date_entered >= %(since)s AND step.date_entered < %(until)s
              AND (lead.company_id = ANY(%(companies)s) OR lead.company_id IS NULL)""",
        field=field.id,
        since=since,
        until=until,
        month=_month(SQL("step.date_entered"), page["tz"]),
        refusal=tuple(REFUSAL_CODES),
        companies=page["companies"],
    )


def _produced(since, until, companies, alias="policy"):
    """The policies counted as production: confirmed, not cancelled before
    their cover began, starting in the period."""
    return SQL(
        """%(policy)s.state != 'draft'
           AND NOT (%(policy)s.state = 'cancelled'
                    AND COALESCE(%(policy)s.cancel_date <= %(policy)s.date_start,
                                 FALSE))
           AND %(policy)s.date_start >= %(since)s AND %(policy)s.date_start < %(until)s
           AND %(policy)s.company_id = ANY(%(companies)s)""",
        policy=SQL.identifier(alias),
        since=since,
        until=until,
        companies=companies,
    )


def _production_floor(env, page, user):
    """The production analysis: the policies starting in the period and
    the salespeople's targets of its months."""
    since, until = _domain_bounds(page["domain"], "date")
    until = until or date.max
    return SQL(
        """SELECT policy.client_manager_id, %(month)s AS date,
                  1 AS policy_count, 0 AS target_policy_count,
                  %(premium)s AS premium, 0::numeric AS target_premium,
                  %(commission)s AS commission_amount
             FROM insurance_policy policy
             JOIN res_company company ON company.id = policy.company_id
            WHERE %(produced)s
        UNION ALL
           SELECT target.user_id, %(target_month)s, 0, target.target_policy_count,
                  0::numeric, target.target_premium, 0::numeric
             FROM insurance_sales_target target
            WHERE target.date >= %(since)s AND target.date < %(until)s
              AND target.company_id = ANY(%(companies)s)""",
        month=_month(SQL("policy.date_start")),
        # the amounts the policy keeps in its company's currency
        premium=SQL.identifier("policy", "premium_company_currency"),
        commission=SQL.identifier("policy", "commission_company_currency"),
        target_month=_month(SQL("target.date")),
        produced=_produced(since, until, page["companies"]),
        since=since,
        until=until,
        companies=page["companies"],
    )


def _retention_floor(env, page, user):
    """The retention analysis: the policies in force (not cancelled) ending
    in the period, renewed when their successor is confirmed."""
    since, until = _domain_bounds(page["domain"], "date")
    return SQL(
        """SELECT policy.insurer_id, %(month)s AS date,
                  1 AS due_count,
                  CASE WHEN successor.id IS NULL THEN 0 ELSE 1 END AS renewed_count,
                  CASE WHEN successor.id IS NULL THEN 0.0 ELSE 100.0 END
                      AS renewal_rate
             FROM insurance_policy policy
        LEFT JOIN insurance_policy successor
               ON successor.id = policy.successor_id
              AND successor.state IN ('active', 'expired', 'renewed')
            WHERE policy.state IN ('active', 'expired', 'renewed')
              AND policy.date_end >= %(since)s AND policy.date_end < %(until)s
              AND policy.company_id = ANY(%(companies)s)""",
        month=_month(SQL("policy.date_end")),
        since=since,
        until=until or date.max,
        companies=page["companies"],
    )


def _efficiency_floor(env, page, user):
    """The efficiency analysis: the commission of the policies starting in
    the period, less the cost standards of the deals' tasks done in it."""
    since, until = _domain_bounds(page["domain"], "date")
    until = until or date.max
    return SQL(
        """SELECT policy.insurer_id, %(month)s AS date,
                  %(commission)s AS commission,
                  0::numeric AS task_cost,
                  %(commission)s AS profit
             FROM insurance_policy policy
             JOIN res_company company ON company.id = policy.company_id
            WHERE %(produced)s
        UNION ALL
           -- a task is for the insurer of its deal's chosen quote, else of
           -- the deal's policy (the task analysis's rule)
           SELECT COALESCE(quote.insurer_id, lead_policy.insurer_id),
                  %(task_month)s, 0::numeric,
                  COALESCE(task_type.insurance_cost_standard, 0)::numeric,
                  -COALESCE(task_type.insurance_cost_standard, 0)::numeric
             FROM mail_activity task
             JOIN crm_lead lead ON lead.id = task.res_id
        LEFT JOIN mail_activity_type task_type
               ON task_type.id = task.activity_type_id
        LEFT JOIN insurance_policy lead_policy ON lead_policy.id = lead.policy_id
        LEFT JOIN insurance_quote quote ON quote.id = lead.chosen_quote_id
        LEFT JOIN res_users assignee ON assignee.id = task.user_id
            WHERE task.res_model = 'crm.lead' AND NOT task.active
              AND task.date_done >= %(since)s AND task.date_done < %(until)s
              AND COALESCE(lead.company_id, assignee.company_id)
                  = ANY(%(companies)s)""",
        month=_month(SQL("policy.date_start")),
        commission=SQL.identifier("policy", "commission_company_currency"),
        task_month=_month(SQL("task.date_done")),
        produced=_produced(since, until, page["companies"]),
        since=since,
        until=until,
        companies=page["companies"],
    )


# Each analysis: its menu action and the hand-written SQL of its figures
# (the rows the floor groups, columns named as the view's).
ANALYSIS_FLOORS = {
    "task_analysis": (
        "insurance_broker_crm.insurance_task_report_action",
        _task_floor,
    ),
    "funnel_analysis": (
        "insurance_broker_crm.insurance_funnel_report_action",
        _funnel_floor,
    ),
    "production_analysis": (
        "insurance_broker.insurance_production_report_action",
        _production_floor,
    ),
    "retention_analysis": (
        "insurance_broker.insurance_retention_report_action",
        _retention_floor,
    ),
    "efficiency_analysis": (
        "insurance_broker_crm.insurance_efficiency_report_action",
        _efficiency_floor,
    ),
}


def run_bench(env, size_name, export=None, only=None):
    size = book.SIZES.get(size_name) or int(size_name)
    bench = Bench(env, size)
    if only:  # BENCH_ONLY=renewal_bucket_cron,expiry_cron: these alone
        for name in only.split(","):
            name = name.strip()
            if name in ANALYSIS_FLOORS:  # one analysis: BENCH_ONLY=task_analysis
                bench.analysis_first_page(name)
            else:
                getattr(bench, name)()
        return bench.results
    bench.expiry_cron()
    bench.renewal_bucket_cron()
    bench.confirm_policies()
    if "insurance.commission.line" in env:
        bench.installment_invoicing_cron()
        bench.debtor_reminder_cron()
    if export:
        bench.debtor_xlsx_export(export)
    bench.management_analyses()
    fleet = env["res.partner"].search([("name", "=like", "Fleet Operator %")], limit=1)
    counts = [(size, bench.policy_list_first_page(), bench.client_card(fleet))]
    # Grow the book and measure again: the query counts must not move.
    grow = max(500, size // 10)
    with rolled_back(env):
        book.BookGenerator(env, seed=size + 1).generate(grow)
        counts.append(
            (size + grow, bench.policy_list_first_page(), bench.client_card(fleet))
        )
    for index, name in ((1, "policy_list_first_page"), (2, "client_card_500_policies")):
        (__, small), (big_seconds, big) = counts[0][index], counts[1][index]
        bench.record(
            name,
            big_seconds,
            None,
            None,
            big,
            None,
            queries_at_sizes={str(counts[0][0]): small, str(counts[1][0]): big},
            max_queries=small,
            queries_stable=big <= small,
        )
    return bench.results


def add_debtor_rows(env, target):
    """Grow the debtor list to ``target`` rows, in this transaction (the
    export benchmark's process, never committed): one overdue premium
    invoice, 1 to 120 days late, for each client, insurance product and
    insurer of the book not yet a debtor, until enough. Each is a copy of a
    posted premium invoice of the book with its own client, policy, number,
    due date and amount due; only the ``account_move`` row is written, as the
    list (an SQL view) and its export read nothing else. Should the book have
    fewer such combinations, clients get an invoice without a policy (a row
    of their own in the list). Returns the rows added."""
    cr = env.cr
    env.flush_all()
    cr.execute("SELECT COUNT(*) FROM insurance_debtor_report")
    missing = target - cr.fetchone()[0]
    cr.execute(
        """SELECT id FROM account_move
            WHERE insurance_move_kind = 'premium' AND move_type = 'out_invoice'
              AND state = 'posted'
         ORDER BY id LIMIT 1"""
    )
    template = cr.fetchone()
    if missing <= 0 or not template:
        return 0
    cr.execute(
        """SELECT attname FROM pg_attribute
            WHERE attrelid = 'account_move'::regclass AND attnum > 0
              AND NOT attisdropped AND attname != 'id'
         ORDER BY attnum"""
    )
    columns = [row[0] for row in cr.fetchall()]
    name = SQL("'DEBTOR-BENCH/' || LPAD(chosen.n::text, 6, '0')")
    due = SQL("CURRENT_DATE - (1 + chosen.n %% 120)::int")
    overrides = {
        "name": name,
        "payment_reference": name,
        "sequence_prefix": SQL("'DEBTOR-BENCH/'"),
        "sequence_number": SQL("chosen.n"),
        "partner_id": SQL("chosen.partner_id"),
        "commercial_partner_id": SQL("chosen.partner_id"),
        "partner_shipping_id": SQL("chosen.partner_id"),
        "invoice_partner_display_name": SQL("chosen.client_name"),
        "insurance_policy_id": SQL("chosen.policy_id"),
        "insurance_installment_id": SQL("NULL"),
        "invoice_origin": SQL("chosen.policy_name"),
        "invoice_user_id": SQL("chosen.manager_id"),
        "invoice_date_due": due,
        "invoice_date": SQL("%s - 14", due),
        "date": SQL("%s - 14", due),
        "payment_state": SQL("'not_paid'"),
        "amount_residual": SQL("template.amount_total"),
        "amount_residual_signed": SQL("template.amount_total_signed"),
    }
    cr.execute(
        SQL(
            """INSERT INTO account_move (%(columns)s)
               SELECT %(values)s
                 FROM account_move template
                CROSS JOIN (
                      SELECT ROW_NUMBER() OVER (ORDER BY source.rank, source.key) AS n,
                             source.*
                        FROM (
                             -- A client, product and insurer of the book
                             SELECT 1 AS rank, policy.id AS key,
                                    policy.id AS policy_id,
                                    policy.name AS policy_name, policy.partner_id,
                                    policy.client_manager_id AS manager_id,
                                    client.complete_name AS client_name
                               FROM (SELECT DISTINCT ON (partner_id, product_id,
                                                         insurer_id) *
                                       FROM insurance_policy
                                   ORDER BY partner_id, product_id, insurer_id,
                                            id) policy
                               JOIN res_partner client
                                 ON client.id = policy.partner_id
                              WHERE NOT EXISTS (
                                    SELECT 1 FROM insurance_debtor_report debtor
                                     WHERE debtor.partner_id = policy.partner_id
                                       AND debtor.product_id = policy.product_id
                                       AND debtor.insurer_id = policy.insurer_id)
                          UNION ALL
                             -- then, if need be, a client without a policy
                             SELECT 2, client.id, NULL, NULL, client.id,
                                    client.client_manager_id, client.complete_name
                               FROM res_partner client
                              WHERE client.client_type IS NOT NULL
                        ) source
                       LIMIT %(missing)s) chosen
                WHERE template.id = %(template)s""",
            columns=SQL(", ").join(SQL.identifier(column) for column in columns),
            values=SQL(", ").join(
                overrides.get(column, SQL.identifier("template", column))
                for column in columns
            ),
            missing=missing,
            template=template[0],
        )
    )
    return cr.rowcount


def spawn_debtor_export(config, database, size):
    """Export the debtor list of DEBTOR_EXPORT_ROWS rows (fewer on a book of
    fewer than twice as many policies) to XLSX in a fresh process, as the
    administrator asks for it (``export_debtors``); return what it took, its
    peak memory (``ru_maxrss`` of the child, from the kernel, the Odoo
    registry included) and the rows of the file, opened back and counted;
    None without insurance_broker_account.

    Linux carries a process's high-water mark across fork and exec: the
    child's ``ru_maxrss`` starts at its parent's. So this runs first, while
    this process is small (before its registry is loaded); the child also
    reports its own address space's high-water mark (VmHWM), which starts
    afresh at exec."""
    target = min(DEBTOR_EXPORT_ROWS, max(size // 2, 100))
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "export.json"
        xlsx = Path(directory) / "debtors.xlsx"
        command = [sys.executable, __file__, "-c", config, "-d", database]
        command += ["debtor-xlsx", "--rows", str(target)]
        command += ["--report", str(report), "--xlsx", str(xlsx)]
        child = subprocess.Popen(command)  # noqa: S603 - this very program
        __, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            sys.exit(f"the debtor export failed (exit {child.returncode})")
        result = json.loads(report.read_text())
        if not result.get("installed"):
            return None
        workbook = openpyxl.load_workbook(xlsx, read_only=True)
        written = sum(1 for __ in workbook.worksheets[0].iter_rows())
        workbook.close()
        result["xlsx_kb"] = xlsx.stat().st_size // 1024
    # Header, one row per debtor, one total per currency.
    expected = 1 + result["rows"] + result["currencies"]
    if written != expected:
        sys.exit(f"debtor export: {written} rows in the file, not {expected}")
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024.0, 1)
    return result


def vm_hwm_mb():
    """This process's peak resident memory since its exec (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024.0, 1)
    return None


def export_debtors(config, database, rows, report, xlsx):
    """The debtor XLSX export of the benchmark, in this (fresh) process: the
    list grown to ``rows`` rows, exported by the administrator through the
    report action; what it took is written to ``report`` (JSON), the file
    to ``xlsx``. Nothing is committed."""
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "insurance.debtor.report" not in env:
            Path(report).write_text(json.dumps({"installed": False}))
            return
        added = add_debtor_rows(env, rows)
        cr.execute(
            "SELECT COUNT(*), COUNT(DISTINCT currency_id) FROM insurance_debtor_report"
        )
        count, currencies = cr.fetchone()
        admin = env.ref("base.user_admin")
        user_env = api.Environment(cr, admin.id, {"lang": admin.lang or "en_US"})
        hwm_before = vm_hwm_mb()
        queries = sql_db.sql_counter
        start = time.perf_counter()
        content, __ = user_env["ir.actions.report"]._render_xlsx(
            "insurance_broker_account.insurance_debtor_xlsx", None, {"domain": []}
        )
        seconds = time.perf_counter() - start
        queries = sql_db.sql_counter - queries
        Path(xlsx).write_bytes(content)
        cr.rollback()
    Path(report).write_text(
        json.dumps(
            {
                "installed": True,
                "rows": count,
                "added": added,
                "currencies": currencies,
                "seconds": round(seconds, 4),
                "queries": queries,
                "vm_hwm_before_export_mb": hwm_before,
                "vm_hwm_mb": vm_hwm_mb(),
            }
        )
    )


def print_table(results, smoke=False):
    header = f"{'benchmark':<28}{'rows':>9}{'seconds':>10}{'floor s':>10}{'ratio':>7}"
    header += f"{'queries':>9}{'rss MB':>8}  ok"
    print(header)
    for r in results:
        floor = f"{r['baseline_seconds']:.3f}" if r["baseline_seconds"] else "-"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else "-"
        queries = r["queries"]
        if "queries_at_sizes" in r:
            queries = "/".join(str(v) for v in r["queries_at_sizes"].values())
        verdict = "yes" if r["ok"] else "NO"
        if r["ratio"] and not r.get("ratio_enforced"):
            verdict = (
                f"(under {MIN_ROWS_FOR_RATIO} rows or a {MIN_FLOOR_SECONDS} s floor: "
                "ratio not enforced)"
            )
        if smoke and r["ratio"]:
            verdict = "(not checked)"
        print(
            f"{r['name']:<28}{r['rows'] or '-':>9}{r['seconds']:>10.3f}{floor:>10}"
            f"{ratio:>7}{queries:>9}{r['peak_rss_mb']:>8.0f}  {verdict}"
        )


def machine():
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gb": round(int(meminfo) / 1024 / 1024, 1),
        "platform": platform.platform(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    book_parser = sub.add_parser("book")
    book_parser.add_argument("--size", default="small")
    book_parser.add_argument("--seed", type=int, default=42)
    bench_parser = sub.add_parser("bench")
    bench_parser.add_argument("--size", default="small")
    bench_parser.add_argument("--out", required=True)
    bench_parser.add_argument("--smoke", action="store_true")
    # The debtor export benchmark's own process (see debtor_xlsx_export).
    export_parser = sub.add_parser("debtor-xlsx")
    export_parser.add_argument("--rows", type=int, required=True)
    export_parser.add_argument("--report", required=True)
    export_parser.add_argument("--xlsx", required=True)
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    odoo.modules.module.initialize_sys_path()
    global book  # noqa: PLW0603
    import book as book_module  # noqa: PLC0415

    book = book_module
    if args.command == "debtor-xlsx":
        export_debtors(args.config, args.database, args.rows, args.report, args.xlsx)
        return
    export = None
    if args.command == "bench" and not os.environ.get("BENCH_ONLY"):
        # First, while this process is small (see spawn_debtor_export).
        export = spawn_debtor_export(
            args.config,
            args.database,
            book.SIZES.get(args.size) or int(args.size),
        )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.command == "book":
            size = book.SIZES.get(args.size) or int(args.size)
            start = time.perf_counter()
            generator = book.BookGenerator(env, seed=args.seed)
            stats = generator.generate(size)
            generator.add_fleet_client(500)
            stats.update(
                generator.add_renewal_leads(
                    max(1, size // book.POLICIES_PER_RENEWAL_LEAD)
                )
            )
            stats.update(generator.add_sales_history())
            if generator.accounting:
                stats.update(generator.add_premium_invoices())
            stats["seconds"] = round(time.perf_counter() - start, 1)
            problems = book.check_sample(env)
            if problems:
                print("\n".join(problems[:300]))
                sys.exit(f"the book is inconsistent: {len(problems)} differences")
            # The book is this program's output: keep it.
            cr.commit()  # pylint: disable=invalid-commit
            print(f"book {args.size}: {json.dumps(stats)}; sample re-validated")
            return
        results = run_bench(env, args.size, export, os.environ.get("BENCH_ONLY"))
        cr.rollback()
    out = {"machine": machine(), "size": args.size, "results": results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))
    print_table(results, smoke=args.smoke)
    print(f"results: {args.out}")
    failed = [r["name"] for r in results if not r["ok"]]
    # The smoke run (make test) keeps the suite from rotting: it fails on an
    # error or a query count that grows; ratios on a tiny book are noise.
    if args.smoke:
        print("smoke run: ratios are not enforced on a tiny book, query counts are")
        failed = [r["name"] for r in results if "max_queries" in r and not r["ok"]]
    if failed:
        sys.exit(f"benchmarks over their limit: {', '.join(failed)}")


if __name__ == "__main__":
    main()
