"""How late the done tasks of an existing book were (issue 17): the new
stored fields computed by the ORM (``mail.activity._compute_insurance_lateness``)
for every kept done task, in batches with the cache emptied between them,
so that an upgrade over millions of tasks keeps its memory flat."""

from odoo import SUPERUSER_ID, api

BATCH_SIZE = 5000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    # Read what the database holds, not what a cache kept from before.
    env.invalidate_all()
    Activity = env["mail.activity"]
    fields_to_compute = [
        Activity._fields["insurance_done_late"],
        Activity._fields["insurance_days_late"],
    ]
    done = Activity.search([("active", "=", False), ("date_done", "!=", False)])
    for start in range(0, len(done), BATCH_SIZE):
        batch = done[start : start + BATCH_SIZE]
        for field in fields_to_compute:
            env.add_to_compute(field, batch)
        env.flush_all()
        env.invalidate_all()
