from datetime import date
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.insurance_broker_crm.models.crm_lead import renewal_bucket_code

from .common import InsuranceCrmCommon

TODAY = date(2026, 3, 16)


@tagged("post_install", "-at_install")
class TestRenewalDeals(InsuranceCrmCommon):
    """Each policy in force has one open renewal deal, in the bucket of the
    time left until its renewal, whoever confirmed it and however."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "sales_team.group_sale_salesman_all_leads"
        cls.head_of_sales = new_test_user(cls.env, login="rd_head", groups=groups)
        cls.logistician = new_test_user(cls.env, login="rd_logistics", groups=groups)
        cls.renewal_manager = new_test_user(
            cls.env,
            login="rd_renewal",
            groups="sales_team.group_sale_salesman,"
            "insurance_broker.group_insurance_user_own",
        )
        cls.renewal_team = cls.env.ref("insurance_broker_crm.team_insurance_renewal")
        cls.renewal_team.write(
            {
                "user_id": cls.head_of_sales.id,
                "member_ids": [(4, cls.renewal_manager.id)],
            }
        )
        cls.env.company.insurance_logistician_id = cls.logistician
        # An insurance user of the back office: no access to the CRM at all.
        cls.back_office = new_test_user(
            cls.env,
            login="rd_back_office",
            groups="base.group_user,insurance_broker.group_insurance_user",
        )

    def _policy(self, renewal, **values):
        """A draft policy renewed on ``renewal`` (it ends the day before)."""
        return self._create_policy(
            date_start=renewal - relativedelta(months=12), **values
        )

    def _deals(self, policies, active_test=True):
        """The deals of the Renewal pipeline on ``policies``."""
        return (
            self.env["crm.lead"]
            .with_context(active_test=active_test)
            .search(
                [
                    ("policy_id", "in", policies.ids),
                    ("team_id", "=", self.renewal_team.id),
                ]
            )
        )

    # Buckets (issue 14, defect 3) ----------------------------------------

    # Renewal day -> bucket, on TODAY (16 March 2026).
    BOUNDARIES = [
        (TODAY + relativedelta(months=6, days=1), "renewal_year"),
        (TODAY + relativedelta(months=6), "renewal_6_months"),  # exactly 6 months
        (TODAY + relativedelta(months=6, days=-1), "renewal_6_months"),
        (TODAY + relativedelta(months=3, days=1), "renewal_6_months"),
        (TODAY + relativedelta(months=3), "renewal_3_months"),  # exactly 3 months
        (TODAY + relativedelta(days=80), "renewal_3_months"),
        (TODAY + relativedelta(months=1, days=1), "renewal_3_months"),
        (TODAY + relativedelta(months=1), "renewal_month"),  # exactly a month
        (TODAY + relativedelta(days=3), "renewal_month"),
    ]

    def test_the_bucket_rule_at_its_boundaries(self):
        for renewal, code in self.BOUNDARIES:
            self.assertEqual(
                renewal_bucket_code(renewal - relativedelta(days=1), TODAY),
                code,
                renewal,
            )

    @freeze_time(TODAY)
    def test_the_cron_moves_each_lead_to_the_bucket_of_its_time_left(self):
        leads = self.env["crm.lead"]
        for renewal, __ in self.BOUNDARIES:
            policy = self._policy(renewal)
            # An old book's lead, waiting in the first bucket
            policy.with_context(
                insurance_renewal_deal_by_pipeline=True
            ).action_confirm()
            leads |= self.env["crm.lead"].create(
                {
                    "name": f"Renew {policy.name}",
                    "type": "opportunity",
                    "team_id": self.renewal_team.id,
                    "stage_id": self.stage["renewal_year"].id,
                    "user_id": self.head_of_sales.id,
                    "policy_id": policy.id,
                }
            )
        self.env["crm.lead"]._cron_renewal_buckets()
        for lead, (renewal, code) in zip(leads, self.BOUNDARIES, strict=True):
            if code == "renewal_month":  # handed over: none is the client's
                self.assertEqual(
                    lead.activity_ids.mapped("summary"), ["Assign a renewal manager"]
                )
            self.assertEqual(lead.stage_id, self.stage[code], renewal)

    @freeze_time(TODAY)
    def test_a_confirmed_policy_opens_its_renewal_in_its_bucket(self):
        policies = self.env["insurance.policy"]
        for renewal, __ in self.BOUNDARIES:
            policies |= self._policy(renewal)
        policies.with_user(self.back_office).action_confirm()
        for policy, (renewal, code) in zip(policies, self.BOUNDARIES, strict=True):
            deal = self._deals(policy)
            self.assertEqual(len(deal), 1, renewal)
            self.assertEqual(deal.stage_id, self.stage[code], renewal)

    @freeze_time(TODAY)
    def test_the_renewal_deal_keeps_the_way_the_client_pays(self):
        # The renewal offer prints its instalments: as the client pays now.
        policy = self._policy(TODAY + relativedelta(months=5))
        policy.payment_frequency = "quarterly"
        policy.with_user(self.back_office).action_confirm()
        self.assertEqual(self._deals(policy).insurance_payment_frequency, "quarterly")

    def test_the_buckets_say_their_window(self):
        self.assertEqual(
            [
                self.stage[code].name
                for code in (
                    "renewal_year",
                    "renewal_6_months",
                    "renewal_3_months",
                    "renewal_month",
                )
            ],
            ["Over 6 months", "6–3 months", "3–1 months", "Last month"],
        )

    @freeze_time(TODAY)
    def test_a_renewal_card_shows_the_end_date_insurer_and_premium(self):
        policy = self._policy(date(2026, 11, 1), premium=1450.0)
        policy.action_confirm()
        deal = self._deals(policy).with_user(self.renewal_manager)
        self.assertTrue(deal.is_insurance_renewal)
        self.assertEqual(deal.insurance_policy_date_end, date(2026, 10, 31))
        self.assertEqual(deal.insurance_policy_insurer_id, self.insurer_a)
        self.assertEqual(deal.insurance_policy_premium, 1450.0)
        self.assertEqual(deal.insurance_policy_currency_id, policy.currency_id)
        self.assertFalse(self.lead.is_insurance_renewal)  # a Sales deal
        arch = (
            self.env["crm.lead"]
            .with_user(self.renewal_manager)
            .get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        )
        for name in (
            "insurance_policy_date_end",
            "insurance_policy_insurer_id",
            "insurance_policy_premium",
        ):
            self.assertIn(f'name="{name}"', arch)

    # One open renewal deal per policy in force (defect 4) -----------------

    @freeze_time(TODAY)
    def test_confirming_many_policies_opens_their_deals_in_one_create(self):
        policies = self._policy(date(2027, 1, 1))
        for __ in range(4):
            policies |= self._policy(date(2027, 1, 1))
        Lead = type(self.env["crm.lead"])
        original, calls = Lead.create, []

        def create(records, vals_list):
            calls.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return original(records, vals_list)

        with patch.object(Lead, "create", create):
            policies.with_user(self.back_office).action_confirm()
        self.assertEqual(calls, [5])
        deals = self._deals(policies)
        self.assertEqual(deals.policy_id, policies)
        self.assertEqual(len(deals), 5)
        deal = deals[0]
        self.assertEqual(deal.stage_id, self.stage["renewal_year"])
        self.assertEqual(deal.user_id, self.head_of_sales)
        self.assertEqual(deal.partner_id, self.client)
        self.assertEqual(deal.insurance_client_manager_id, self.user_own)
        self.assertEqual(deal.insurance_product_id, self.product_casco)
        self.assertEqual(deal.insurance_date_start, date(2027, 1, 1))
        self.assertEqual(deal.deal_premium, 1200.0)
        self.assertTrue(deal.insurance_policy_trusted)

    @freeze_time(TODAY)
    def test_confirming_from_the_form_opens_the_deal(self):
        policy = self._policy(date(2026, 12, 1))
        form = Form(policy.with_user(self.back_office))
        form.record.action_confirm()
        self.assertEqual(len(self._deals(policy)), 1)

    def _deliver(self, lead=None):
        """Sell ``lead`` (the common Sales lead) and deliver it in Fulfilment
        as the logistician: the policy is issued and confirmed."""
        lead = lead or self.lead
        quote = self.env["insurance.quote"].create(
            {"lead_id": lead.id, "insurer_id": self.insurer_a.id, "premium": 900.0}
        )
        quote.action_choose()
        lead.write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": "courier"}
        )
        fulfilment = lead.continued_lead_ids
        fulfilment.with_user(self.logistician).write(
            {
                "stage_id": self.stage["fulfilment_delivered"].id,
                "policy_number": f"DLV-{lead.id}",
            }
        )
        return fulfilment

    @freeze_time("2026-02-20")
    def test_delivery_opens_one_deal_continuing_the_fulfilment_deal(self):
        fulfilment = self._deliver()
        policy = fulfilment.policy_id
        self.assertEqual(policy.state, "active")
        deal = self._deals(policy)
        self.assertEqual(len(deal), 1)
        self.assertEqual(deal.origin_lead_id, fulfilment)
        self.assertEqual(deal.stage_id, self.stage["renewal_year"])

    @freeze_time("2026-02-20")
    def test_a_policy_confirmed_before_delivery_keeps_its_one_deal(self):
        policy = self._create_policy(date_start="2026-03-01")
        self.lead.policy_id = policy
        policy.with_user(self.back_office).action_confirm()
        opened = self._deals(policy)
        self.assertEqual(len(opened), 1)
        fulfilment = self._deliver()
        self.assertEqual(fulfilment.policy_id, policy)
        self.assertEqual(self._deals(policy), opened)
        self.assertEqual(opened.origin_lead_id, fulfilment)
        self.assertEqual(fulfilment.continued_lead_ids, opened)

    @freeze_time(TODAY)
    def test_renewed_by_a_confirmed_successor_the_deal_is_won(self):
        policy = self._policy(date(2026, 5, 1))
        policy.action_confirm()
        deal = self._deals(policy)
        successor = policy._create_successors()
        successor.name = f"{policy.name}-R"
        successor.with_user(self.back_office).action_confirm()
        self.assertEqual(policy.state, "renewed")
        self.assertTrue(deal.active)
        self.assertEqual(deal.stage_id, self.stage["renewal_renewed"])
        self.assertEqual(deal.probability, 100)
        # Sold already: no new sale of the successor starts in Sales
        self.assertFalse(deal.continued_lead_ids)
        new = self._deals(successor)
        self.assertEqual(len(new), 1)
        self.assertEqual(new.stage_id, self.stage["renewal_year"])

    @freeze_time(TODAY)
    def test_a_cancelled_policy_loses_its_deal(self):
        policy = self._policy(date(2026, 9, 1))
        policy.action_confirm()
        deal = self._deals(policy)
        wizard = (
            self.env["insurance.policy.cancel"]
            .with_user(self.back_office)
            .with_context(active_model="insurance.policy", active_ids=policy.ids)
            .create({"reason": "Car sold", "date": "2026-03-20"})
        )
        wizard.action_cancel()
        self.assertEqual(policy.state, "cancelled")
        self.assertFalse(deal.active)
        self.assertEqual(deal.probability, 0)
        self.assertEqual(
            deal.lost_reason_id,
            self.env.ref("insurance_broker_crm.lost_reason_policy_cancelled"),
        )
        self.assertFalse(self._deals(policy))
        # to win back, as every lost deal
        win_back = deal.with_context(active_test=False).continued_lead_ids
        self.assertEqual(win_back.stage_id, self.stage["lost_win_back"])
        self.assertEqual(win_back.tag_ids.mapped("name"), ["Policy cancelled"])

    @freeze_time(TODAY)
    def test_a_cancelled_renewal_gives_its_predecessor_a_deal_again(self):
        policy = self._policy(date(2026, 9, 1))
        policy.action_confirm()
        successor = policy._create_successors()
        successor.name = f"{policy.name}-R"
        successor.action_confirm()
        won = self._deals(policy)
        self.assertEqual(won.stage_id, self.stage["renewal_renewed"])
        successor._cancel("Issued by mistake", successor.date_start)
        self.assertEqual(policy.state, "active")
        reopened = self._deals(policy) - won
        self.assertEqual(len(reopened), 1)
        self.assertEqual(reopened.stage_id, self.stage["renewal_6_months"])
        self.assertFalse(self._deals(successor))

    @freeze_time(TODAY)
    def test_the_backfill_opens_the_missing_deals_once(self):
        # A book confirmed before this addon opened deals on confirmation
        old = self._policy(date(2026, 8, 1)) | self._policy(date(2026, 4, 1))
        old.with_context(insurance_renewal_deal_by_pipeline=True).action_confirm()
        with_deal = self._policy(date(2026, 10, 1))
        with_deal.action_confirm()
        refused = self._policy(date(2026, 6, 1))
        refused.action_confirm()
        reason = self.env["crm.lost.reason"].create({"name": "Moved abroad"})
        self._deals(refused).action_set_lost(lost_reason_id=reason.id)
        draft = self._policy(date(2026, 8, 1))
        Policy = self.env["insurance.policy"]
        before = self._deals(Policy.search([]), active_test=False)
        created = Policy._insurance_create_missing_renewal_deals()
        new = self._deals(Policy.search([]), active_test=False) - before
        self.assertEqual(new.policy_id, old)
        self.assertEqual(created, len(new))
        self.assertEqual(
            new.sorted("insurance_date_start").stage_id,
            self.stage["renewal_month"] | self.stage["renewal_6_months"],
        )
        self.assertEqual(len(self._deals(with_deal)), 1)
        self.assertFalse(self._deals(refused))  # the client said no: not asked again
        self.assertFalse(self._deals(draft))
        # Run again: nothing more.
        self.assertEqual(Policy._insurance_create_missing_renewal_deals(), 0)
        self.assertEqual(
            self._deals(Policy.search([]), active_test=False) - before, new
        )

    def test_the_administrator_runs_the_backfill_from_the_settings(self):
        policy = self._create_policy()
        policy.with_context(insurance_renewal_deal_by_pipeline=True).action_confirm()
        admin = new_test_user(
            self.env, login="rd_admin", groups="base.group_user,base.group_system"
        )
        settings = self.env["res.config.settings"].with_user(admin).create({})
        action = settings.action_insurance_create_missing_renewal_deals()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(self._deals(policy)), 1)
        with self.assertRaises(AccessError):
            self.env["insurance.policy"].with_user(
                self.back_office
            ).action_insurance_create_missing_renewal_deals()

    # Entering "Last month" directly: handed over (defect 5) ----------------

    @freeze_time("2027-02-10")
    def test_delivered_in_its_last_month_the_client_manager_takes_it(self):
        # The policy ends on 28 Feb 2027: its renewal is created in its last
        # month; the client manager is in the renewal team.
        self.lead.user_id = self.renewal_manager
        fulfilment = self._deliver()
        deal = self._deals(fulfilment.policy_id)
        self.assertEqual(deal.origin_lead_id, fulfilment)
        self.assertEqual(deal.stage_id, self.stage["renewal_take"])
        self.assertEqual(deal.user_id, self.renewal_manager)
        self.assertEqual(
            deal.activity_ids.mapped("summary"), ["Take the client into work"]
        )
        self.assertEqual(deal.activity_ids.user_id, self.renewal_manager)

    @freeze_time("2027-02-10")
    def test_delivered_in_its_last_month_the_head_of_sales_assigns_it(self):
        # The salesperson is not in the renewal team.
        fulfilment = self._deliver()
        deal = self._deals(fulfilment.policy_id)
        self.assertEqual(deal.stage_id, self.stage["renewal_month"])
        self.assertEqual(deal.user_id, self.head_of_sales)
        self.assertEqual(
            deal.activity_ids.mapped("summary"), ["Assign a renewal manager"]
        )
        self.assertEqual(deal.activity_ids.user_id, self.head_of_sales)

    @freeze_time(TODAY)
    def test_confirmed_in_its_last_month_within_the_weekly_cap(self):
        self.env.company.insurance_renewal_weekly_cap = 1
        self.client.client_manager_id = self.renewal_manager
        policies = self._policy(date(2026, 4, 1)) | self._policy(date(2026, 4, 2))
        policies.with_user(self.back_office).action_confirm()
        first, second = (self._deals(policy) for policy in policies)
        self.assertEqual(first.stage_id, self.stage["renewal_take"])
        self.assertEqual(first.user_id, self.renewal_manager)
        # Over the cap: the head of sales assigns it.
        self.assertEqual(second.stage_id, self.stage["renewal_month"])
        self.assertEqual(
            second.activity_ids.mapped("summary"), ["Assign a renewal manager"]
        )
        self.assertEqual(second.activity_ids.user_id, self.head_of_sales)
