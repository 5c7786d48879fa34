from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import InsuranceCrmCommon


@freeze_time("2026-03-16")
@tagged("post_install", "-at_install")
class TestRenewalDealSuperuserPaths(InsuranceCrmCommon):
    """A policy's renewal deal is opened, won and lost as superuser, because
    whoever confirms or cancels a policy (an own-clients broker, the back
    office, an accountant) need not be a user of the Renewal pipeline. What
    that gives a user: the deal of the policy they acted on, nothing more,
    and out of their reach afterwards."""

    def _renewal_deals(self, policies):
        return (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search(
                [
                    ("policy_id", "in", policies.ids),
                    ("stage_id.insurance_stage_code", "=like", "renewal\\_%"),
                ]
            )
        )

    def test_confirming_opens_only_that_policys_deal_out_of_reach(self):
        mine = self._create_policy(date_start="2026-01-01")
        untouched = self._create_policy(date_start="2026-01-01")
        mine.with_user(self.user_own).action_confirm()
        deals = self._renewal_deals(mine | untouched)
        self.assertEqual(deals.policy_id, mine)
        self.assertEqual(len(deals), 1)
        # An insurance user without the CRM neither reads nor changes it.
        with self.assertRaises(AccessError):
            deals.with_user(self.user_own).read(["name"])
        with self.assertRaises(AccessError):
            deals.with_user(self.user_own).write({"name": "Mine now"})

    def test_no_deal_for_a_policy_the_user_may_not_confirm(self):
        # The client is managed by user_own: user_own_2 may not confirm its
        # policy, so no deal is opened through the superuser path either.
        policy = self._create_policy(date_start="2026-01-01")
        with self.assertRaises(AccessError):
            policy.with_user(self.user_own_2).action_confirm()
        self.assertEqual(policy.state, "draft")
        self.assertFalse(self._renewal_deals(policy))

    def test_cancelling_closes_only_that_policys_deal(self):
        cancelled = self._create_policy(confirm=True, date_start="2026-01-01")
        kept = self._create_policy(confirm=True, date_start="2026-01-01")
        deals = self._renewal_deals(cancelled | kept)
        self.assertEqual(len(deals), 2)
        wizard = (
            self.env["insurance.policy.cancel"]
            .with_user(self.user_own)
            .with_context(active_model="insurance.policy", active_ids=cancelled.ids)
            .create({"reason": "Car sold", "date": "2026-03-20"})
        )
        wizard.action_cancel()
        lost = deals.filtered(lambda deal: deal.policy_id == cancelled)
        open_deal = deals - lost
        self.assertFalse(lost.active)
        self.assertTrue(open_deal.active)
        self.assertEqual(open_deal.stage_id.insurance_stage_code, "renewal_year")
        with self.assertRaises(AccessError):
            lost.with_user(self.user_own).read(["name"])

    def test_a_user_of_another_company_opens_nothing_here(self):
        policy = self._create_policy(date_start="2026-01-01")
        outsider = self.user_own_2.copy(
            {
                "login": "other_company_own",
                "company_id": self.other_company.id,
                "company_ids": [(6, 0, self.other_company.ids)],
            }
        )
        with self.assertRaises(AccessError):
            policy.with_user(outsider).action_confirm()
        self.assertFalse(self._renewal_deals(policy))
