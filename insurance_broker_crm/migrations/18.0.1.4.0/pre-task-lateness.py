"""How late the done tasks of an existing book were (issue 17), in SQL before
the ORM would compute it task by task (millions of kept done tasks): the same
rule as ``mail.activity._compute_insurance_lateness`` for a task done on an
earlier day, taken as done at the end of its done day."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        ALTER TABLE mail_activity
            ADD COLUMN IF NOT EXISTS insurance_done_late boolean,
            ADD COLUMN IF NOT EXISTS insurance_days_late integer
        """
    )
    cr.execute(
        """
        UPDATE mail_activity
           SET insurance_days_late = CASE
                   WHEN date_done IS NULL OR date_deadline IS NULL THEN 0
                   ELSE GREATEST(date_done - date_deadline, 0)
               END,
               insurance_done_late = CASE
                   WHEN date_done IS NULL OR date_deadline IS NULL THEN FALSE
                   WHEN insurance_due_at IS NOT NULL
                       THEN insurance_due_at < (date_done + 1)::timestamp
                   ELSE date_done > date_deadline
               END
        """
    )
