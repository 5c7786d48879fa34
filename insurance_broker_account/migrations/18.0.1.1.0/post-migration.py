"""What ``insurance.reminder.init()`` left in the database until 18.0.1.1.0
(issue 18), removed so that an upgraded database is a freshly installed one.

- The partial index on ``account_move`` (posted unpaid premium invoices by
  due date): a table of the account module. The planner did not even use it
  for the reminders' selection nor the debtors' report (it prefers the
  ``insurance_move_kind`` index, whose estimate it trusts more); it only
  cost every write of an accounting entry.
- The database default of ``insurance_reminder.state``: every INSERT gives
  the state, as the recording query does; a row written without one fails
  on the NOT NULL column instead of passing for a reminder sent.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "DROP INDEX IF EXISTS %s",
            SQL.identifier("account_move_insurance_premium_unpaid_due_index"),
        )
    )
    cr.execute(
        SQL(
            "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT",
            SQL.identifier("insurance_reminder"),
            SQL.identifier("state"),
        )
    )
