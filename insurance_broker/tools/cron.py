"""The batch step the suite's crons share."""

from odoo import modules


def cron_batches(records, size):
    """Yield ``records`` in batches of ``size``; after each batch, report the
    progress to ir.cron (``_notify_progress``), commit when run by ir.cron,
    and empty the cache (flushing first), so that memory stays flat over a
    million rows and a run interrupted half-way keeps the batches done.

    Called from code or a data file, the caller owns the transaction:
    nothing is committed then (nor in tests)."""
    env = records.env
    total = len(records)
    for start in range(0, total, size):
        batch = records[start : start + size]
        yield batch
        done = start + len(batch)
        env["ir.cron"]._notify_progress(done=done, remaining=total - done)
        if env.context.get("cron_id") and not modules.module.current_test:
            env.cr.commit()  # pylint: disable=invalid-commit
        env.invalidate_all()
