"""The batch step the suite's crons share."""

from odoo import modules


def cron_batch_done(env, done, remaining):
    """After a batch of a cron: report the progress to ir.cron
    (``_notify_progress``), commit when run by ir.cron, and empty the cache
    (flushing first), so that memory stays flat over a million rows, a run
    interrupted half-way keeps the batches done, and the next batch sees
    what an overlapping run committed meanwhile.

    Called from code, a button or a data file, the caller owns the
    transaction: nothing is committed then (nor in tests)."""
    env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    if env.context.get("cron_id") and not modules.module.current_test:
        env.cr.commit()  # pylint: disable=invalid-commit
    env.invalidate_all()


def cron_batches(env, items, size):
    """Yield ``items`` (records or a list) in batches of ``size``, ending
    each with ``cron_batch_done``."""
    total = len(items)
    for start in range(0, total, size):
        batch = items[start : start + size]
        yield batch
        done = start + len(batch)
        cron_batch_done(env, done, total - done)
