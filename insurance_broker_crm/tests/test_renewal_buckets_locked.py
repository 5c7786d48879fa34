import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.common_committed import CommittedCase


@tagged("post_install", "-at_install")
class TestRenewalBucketsLocked(CommittedCase):
    """The renewal-bucket cron while users hold some of its leads, for real:
    the leads are committed, users' transactions and the cron's are other
    database connections. The cron's work is never committed."""

    def setUp(self):
        super().setUp()

        def create(env):
            Lead = env["crm.lead"]
            today = fields.Date.context_today(Lead)
            # Ending in about four months: due in a bucket after "A year".
            policies = self._create_policies(env, today - relativedelta(months=8))
            year = Lead._insurance_stage("renewal_year")
            leads = self._to_remove(
                Lead.create(
                    [
                        {
                            "name": f"Renew {policy.name}",
                            "type": "opportunity",
                            "partner_id": policy.partner_id.id,
                            "team_id": year.team_id.id,
                            "stage_id": year.id,
                            "policy_id": policy.id,
                            "company_id": policy.company_id.id,
                            "user_id": False,
                        }
                        for policy in policies
                    ]
                )
            )
            return leads.ids, year.id

        self.lead_ids, self.year = self._committed(create)

    def _stages(self, env):
        env.invalidate_all()
        leads = env["crm.lead"].browse(self.lead_ids)
        return [lead.stage_id.id for lead in leads]

    def _moves(self, env):
        """The stage changes in each lead's chatter."""
        env.flush_all()
        env.cr.precommit.run()  # tracking values are written at commit time
        return [
            env["mail.tracking.value"].search_count(
                [
                    ("mail_message_id.model", "=", "crm.lead"),
                    ("mail_message_id.res_id", "=", lead_id),
                    ("field_id.name", "=", "stage_id"),
                ]
            )
            for lead_id in self.lead_ids
        ]

    def test_leads_users_hold_are_left_for_the_next_run(self):
        __, locked, edited = self.lead_ids
        year = self.year
        # One user's transaction holds a lead (as SELECT ... FOR UPDATE does),
        # another is saving an edit of another lead, not committed yet.
        holder = self._env()
        holder.cr.execute("SELECT id FROM crm_lead WHERE id = %s FOR UPDATE", [locked])
        editor = self._env()
        editor["crm.lead"].browse(edited).write({"description": "Calling back"})
        editor.flush_all()

        cron = self._env()
        # Without skipping locked rows, the run would wait for the users; it
        # must not wait at all.
        cron.cr.execute("SET LOCAL lock_timeout = '5s'")
        try:
            moved = cron["crm.lead"]._cron_renewal_buckets()
        except psycopg2.errors.LockNotAvailable:
            self.fail("the run waited for the leads users hold")
        due = self._stages(cron)[0]  # the bucket the end date calls for
        self.assertNotEqual(due, year)
        self.assertEqual(self._stages(cron), [due, year, year])
        self.assertGreaterEqual(moved, 1)

        # The first user lets go; the second saves: that lead changed after
        # the run's transaction began, and cannot be locked within it.
        holder.cr.rollback()
        editor.cr.commit()
        cron["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(self._stages(cron), [due, due, year])
        self.assertEqual(self._moves(cron), [1, 1, 0])

        # The next run, in a transaction of its own, moves the last one.
        cron.cr.rollback()
        next_run = self._env()
        next_run["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(self._stages(next_run), [due, due, due])
        self.assertEqual(self._moves(next_run), [1, 1, 1])
