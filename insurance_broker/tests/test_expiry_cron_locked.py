import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common_committed import CommittedCase


@tagged("post_install", "-at_install")
class TestExpiryCronLocked(CommittedCase):
    """The expiry cron while users hold some of its policies, for real: the
    policies are committed, users' transactions and the cron's are other
    database connections. The cron's work is never committed."""

    def setUp(self):
        super().setUp()

        def create(env):
            today = fields.Date.context_today(env["insurance.policy"])
            # Ended a month ago, active as confirmed ones are, without what
            # confirming adds (the instalments): the cron reads only the
            # state and the end date.
            policies = self._create_policies(env, today - relativedelta(months=13))
            env.cr.execute(
                "UPDATE insurance_policy SET state = 'active' WHERE id = ANY(%s)",
                [policies.ids],
            )
            return policies.ids

        self.policy_ids = self._committed(create)

    def _states(self, env):
        env.invalidate_all()
        return env["insurance.policy"].browse(self.policy_ids).mapped("state")

    def _state_notes(self, env):
        """The state changes in each policy's chatter."""
        env.flush_all()
        return [
            env["mail.tracking.value"].search_count(
                [
                    ("mail_message_id.model", "=", "insurance.policy"),
                    ("mail_message_id.res_id", "=", policy_id),
                    ("field_id.name", "=", "state"),
                ]
            )
            for policy_id in self.policy_ids
        ]

    def test_policies_users_hold_are_left_for_the_next_run(self):
        __, locked, edited = self.policy_ids
        # One user's transaction holds a policy (as SELECT ... FOR UPDATE
        # does), another is saving an edit of another one, not committed yet.
        holder = self._env()
        holder.cr.execute(
            "SELECT id FROM insurance_policy WHERE id = %s FOR UPDATE", [locked]
        )
        editor = self._env()
        editor["insurance.policy"].browse(edited).write({"note": "<p>Called</p>"})
        editor.flush_all()

        cron = self._env()
        # Without skipping locked rows, the run would wait for the users; it
        # must not wait at all.
        cron.cr.execute("SET LOCAL lock_timeout = '5s'")
        try:
            cron["insurance.policy"]._cron_expire_policies(batch_size=2)
        except psycopg2.errors.LockNotAvailable:
            self.fail("the run waited for the policies users hold")
        self.assertEqual(self._states(cron), ["expired", "active", "active"])

        # The first user lets go; the second saves: that policy changed after
        # the run's transaction began, and cannot be locked within it.
        holder.cr.rollback()
        editor.cr.commit()
        cron["insurance.policy"]._cron_expire_policies(batch_size=2)
        self.assertEqual(self._states(cron), ["expired", "expired", "active"])
        self.assertEqual(self._state_notes(cron), [1, 1, 0])

        # The next run, in a transaction of its own, expires the last one.
        cron.cr.rollback()
        next_run = self._env()
        next_run["insurance.policy"]._cron_expire_policies(batch_size=2)
        self.assertEqual(self._states(next_run), ["expired"] * 3)
        self.assertEqual(self._state_notes(next_run), [1, 1, 1])
