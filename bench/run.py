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
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api, fields, sql_db  # noqa: E402
from odoo.tools import SQL  # noqa: E402

book = None  # bench/book.py, imported once Odoo knows the addons path

CONFIRM_BATCH = int(os.environ.get("BENCH_CONFIRM", 10_000))
MAX_RATIO = 3.0


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@contextmanager
def rolled_back(env):
    """Run a benchmark and undo everything it wrote, cache included."""
    env.flush_all()
    env.cr.execute("SAVEPOINT bench")
    try:
        yield
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench")
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
        result["ok"] = ratio is None or ratio <= MAX_RATIO
        if "max_queries" in extra:
            result["ok"] = result["ok"] and extra.get("queries_stable", True)
        self.results.append(result)

    # ------------------------------------------------------------------

    def expiry_cron(self):
        env = self.env
        Policy = env["insurance.policy"]
        today = fields.Date.context_today(Policy)
        with rolled_back(env):
            env.cr.execute(
                "UPDATE insurance_policy SET state = 'expired', write_date = now() "
                "WHERE state = 'active' AND date_end < %s",
                [today],
            )
        with rolled_back(env):
            start = time.perf_counter()
            env.cr.execute(
                "UPDATE insurance_policy SET state = 'expired', write_date = now() "
                "WHERE state = 'active' AND date_end < %s",
                [today],
            )
            floor_rows = env.cr.rowcount
            floor = time.perf_counter() - start
        with rolled_back(env):
            done, seconds, queries = timed(env, Policy._cron_expire_policies)
        assert done == floor_rows, f"cron expired {done} policies, SQL {floor_rows}"
        self.record(
            "expiry_cron", seconds, "sql_update_same_rows", floor, queries, done
        )

    def renewal_bucket_cron(self):
        """The daily renewal-bucket cron against one SQL UPDATE moving the
        same leads to the same stages; both rolled back."""
        env = self.env
        Lead = env["crm.lead"]
        buckets = [Lead._insurance_stage(code).id for code in book.BUCKET_CODES]
        today = fields.Date.context_today(Lead)
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
        # Every open lead in a bucket its policy's end date has left behind,
        # to that bucket, in one statement: the floor of the cron's work.
        floor_sql = SQL(
            """UPDATE crm_lead lead
                  SET stage_id = due.stage_id, write_uid = %(uid)s,
                      write_date = now() AT TIME ZONE 'UTC'
                 FROM (SELECT lead.id,
                              CASE WHEN policy.date_end + 1 >= %(in_12)s THEN %(year)s
                                   WHEN policy.date_end + 1 >= %(in_6)s THEN %(six)s
                                   WHEN policy.date_end + 1 >= %(in_3)s THEN %(three)s
                                   ELSE %(month)s END AS stage_id
                         FROM crm_lead lead
                         JOIN insurance_policy policy ON policy.id = lead.policy_id
                        WHERE lead.active AND lead.stage_id = ANY(%(buckets)s)) due
                WHERE due.id = lead.id
                  AND array_position(%(buckets)s, due.stage_id)
                      > array_position(%(buckets)s, lead.stage_id)
            RETURNING lead.id, lead.stage_id""",
            uid=env.uid,
            in_12=today + relativedelta(months=12),
            in_6=today + relativedelta(months=6),
            in_3=today + relativedelta(months=3),
            year=buckets[0],
            six=buckets[1],
            three=buckets[2],
            month=buckets[3],
            buckets=buckets,
        )
        env.cr.execute(
            "SELECT id, stage_id FROM crm_lead WHERE stage_id = ANY(%s)", [buckets]
        )
        before = dict(env.cr.fetchall())

        def measure_floor():
            with rolled_back(env):
                start = time.perf_counter()
                env.cr.execute(floor_sql)
                seconds = time.perf_counter() - start
                return dict(env.cr.fetchall()), seconds

        measure_floor()  # warms the caches
        due, floor_before = measure_floor()
        with rolled_back(env):
            env.cr.execute("SELECT max(id) FROM mail_tracking_value")
            last_tracking = env.cr.fetchone()[0] or 0
            done, seconds, queries = timed(env, Lead._cron_renewal_buckets)
            env.cr.execute(
                "SELECT id, stage_id FROM crm_lead WHERE id = ANY(%s)", [list(before)]
            )
            moved = {
                lead_id: stage_id
                for lead_id, stage_id in env.cr.fetchall()
                if stage_id != before[lead_id]
            }
            env.cr.execute(
                """SELECT message.res_id, value.old_value_integer,
                          value.new_value_integer
                     FROM mail_tracking_value value
                     JOIN mail_message message ON message.id = value.mail_message_id
                     JOIN ir_model_fields field ON field.id = value.field_id
                    WHERE value.id > %s AND field.model = 'crm.lead'
                      AND field.name = 'stage_id'""",
                [last_tracking],
            )
            tracked = set(env.cr.fetchall())
        # The floor again, after: the machine is shared, the mean of the two
        # is steadier than either.
        floor_after = measure_floor()[1]
        floor = (floor_before + floor_after) / 2
        # The same leads moved, each to the stage the floor gave it (those
        # reaching "A month" may be taken into work at once), each with its
        # stage change in the chatter.
        assert set(moved) == set(due), (
            f"the cron moved {len(moved)} leads, the SQL {len(due)}; "
            f"{len(set(moved) ^ set(due))} differ"
        )
        take = Lead._insurance_stage("renewal_take").id
        wrong = [
            lead_id
            for lead_id, stage_id in due.items()
            if moved[lead_id] != stage_id
            and not (stage_id == buckets[3] and moved[lead_id] == take)
        ]
        assert not wrong, f"{len(wrong)} leads in another stage, e.g. {wrong[:5]}"
        untracked = [
            lead_id
            for lead_id, stage_id in due.items()
            if (lead_id, before[lead_id], stage_id) not in tracked
        ]
        assert not untracked, f"{len(untracked)} moves not in the chatter"
        assert done == len(due), f"the cron reports {done} moves, not {len(due)}"
        self.record(
            "renewal_bucket_cron",
            seconds,
            "sql_update_same_rows",
            floor,
            queries,
            done,
            leads=len(before),
            reaching_a_month=sum(1 for s in due.values() if s == buckets[3]),
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
        with rolled_back(env):
            policies, floor, __ = timed(env, lambda: Policy.create(values))
            __, seconds, queries = timed(env, policies.action_confirm)
            installments = len(policies.installment_ids)
        self.record(
            "confirm_policies",
            seconds,
            "batched_create_same_policies",
            floor,
            queries,
            count,
            installments=installments,
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
            "policy_ids": {
                "fields": {
                    "name": {},
                    "insurer_id": {"fields": {"display_name": {}}},
                    "product_id": {"fields": {"display_name": {}}},
                    "date_start": {},
                    "date_end": {},
                    "premium": {},
                    "state": {},
                },
                "limit": 40,
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


def run_bench(env, size_name):
    size = book.SIZES.get(size_name) or int(size_name)
    bench = Bench(env, size)
    bench.expiry_cron()
    bench.renewal_bucket_cron()
    bench.confirm_policies()
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
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    odoo.modules.module.initialize_sys_path()
    global book  # noqa: PLW0603
    import book as book_module  # noqa: PLC0415

    book = book_module
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
            stats["seconds"] = round(time.perf_counter() - start, 1)
            problems = book.check_sample(env)
            if problems:
                print("\n".join(problems[:30]))
                sys.exit(f"the book is inconsistent: {len(problems)} differences")
            # The book is this program's output: keep it.
            cr.commit()  # pylint: disable=invalid-commit
            print(f"book {args.size}: {json.dumps(stats)}; sample re-validated")
            return
        results = run_bench(env, args.size)
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
