from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestRenewalBuckets(InsuranceCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head_of_sales = new_test_user(
            cls.env,
            login="head_sales",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.renewal_team = cls.env.ref("insurance_broker_crm.team_insurance_renewal")
        cls.renewal_team.write(
            {"user_id": cls.head_of_sales.id, "member_ids": [(4, cls.salesman.id)]}
        )

    def _renewal_lead(self, date_start, stage="renewal_year", manager=None):
        policy = self._create_policy(confirm=True, date_start=date_start)
        return self.env["crm.lead"].create(
            {
                "name": f"Renew {policy.name}",
                "type": "opportunity",
                "partner_id": self.client.id,
                "team_id": self.renewal_team.id,
                "stage_id": self.stage[stage].id,
                "user_id": self.head_of_sales.id,
                "policy_id": policy.id,
                "insurance_client_manager_id": (manager or self.salesman).id,
            }
        )

    @freeze_time("2026-06-01")
    def test_leads_move_to_the_bucket_of_their_end_date(self):
        # Policies ending on 31 May 2027, 31 Dec 2026, 31 Aug 2026.
        far = self._renewal_lead("2026-06-01")
        half = self._renewal_lead("2026-01-01")
        near = self._renewal_lead("2025-09-01")
        moved = self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(moved, 2)
        self.assertEqual(far.stage_id, self.stage["renewal_year"])
        self.assertEqual(half.stage_id, self.stage["renewal_6_months"])
        self.assertEqual(near.stage_id, self.stage["renewal_3_months"])
        self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 0)

    @freeze_time("2026-06-01")
    def test_a_lead_moved_further_by_hand_stays(self):
        lead = self._renewal_lead("2026-01-01", stage="renewal_3_months")
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(lead.stage_id, self.stage["renewal_3_months"])
        taken = self._renewal_lead("2025-07-01", stage="renewal_take")
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(taken.stage_id, self.stage["renewal_take"])

    @freeze_time("2026-06-03")
    def test_a_month_before_the_manager_takes_it_within_the_weekly_cap(self):
        self.env.company.insurance_renewal_weekly_cap = 1
        first = self._renewal_lead("2025-07-01")  # ends 30 Jun 2026
        second = self._renewal_lead("2025-07-02")
        outsider = new_test_user(
            self.env, login="outsider", groups="sales_team.group_sale_salesman"
        )
        third = self._renewal_lead("2025-07-03", manager=outsider)
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(first.stage_id, self.stage["renewal_take"])
        self.assertEqual(first.user_id, self.salesman)
        self.assertEqual(
            first.activity_ids.mapped("summary"), ["Take the client into work"]
        )
        self.assertEqual(first.activity_ids.user_id, self.salesman)
        # Over the cap, or not in the renewal department: the head of sales assigns.
        for lead in (second, third):
            self.assertEqual(lead.stage_id, self.stage["renewal_month"])
            self.assertEqual(
                lead.activity_ids.mapped("summary"), ["Assign a renewal manager"]
            )
            self.assertEqual(lead.activity_ids.user_id, self.head_of_sales)
        # Run again: nothing moves, no second task.
        self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 0)
        self.assertEqual(len(second.activity_ids), 1)
