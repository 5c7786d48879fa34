from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_lead_policy_trust import InsuranceTrustCommon


@tagged("post_install", "-at_install")
class TestRenewalTerms(InsuranceTrustCommon):
    """A renewal placed with another insurer: the renewal deal's quotes earn
    the renewal rates, and the successor the Renewed stage issues takes the
    chosen quote's insurer, product, premium and commission."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.renewal_manager = new_test_user(
            cls.env,
            login="terms_renewal_manager",
            groups="sales_team.group_sale_salesman_all_leads,"
            "insurance_broker.group_insurance_user",
            name="Rena Renewals",
        )
        Rule = cls.env["insurance.commission.rule"]
        cls.rule_b_casco_new = Rule.create(
            {
                "insurer_id": cls.insurer_b.id,
                "product_id": cls.product_casco.id,
                "business_type": "new",
                "rate": 20.0,
            }
        )
        cls.rule_b_casco_renewal = Rule.create(
            {
                "insurer_id": cls.insurer_b.id,
                "product_id": cls.product_casco.id,
                "business_type": "renewal",
                "rate": 11.0,
            }
        )

    def _renewal_deal(self):
        """The policy of insurer A (CASCO, 1,200, 1 Jan - 31 Dec 2026) in
        force, and the renewal deal its confirmation opened."""
        policy = self._create_policy(confirm=True, date_start="2026-01-01")
        deal = self.env["crm.lead"].search(
            [
                ("policy_id", "=", policy.id),
                ("stage_id.insurance_stage_code", "=like", "renewal\\_%"),
            ]
        )
        self.assertEqual(len(deal), 1)
        return policy, deal

    def _quote(self, deal, insurer, premium, user=None):
        return (
            self.env["insurance.quote"]
            .with_user(user or self.renewal_manager)
            .create({"lead_id": deal.id, "insurer_id": insurer.id, "premium": premium})
        )

    @freeze_time("2026-12-05")
    def test_quotes_on_a_renewal_deal_earn_the_renewal_rates(self):
        __, deal = self._renewal_deal()
        self.assertEqual(deal.insurance_business_type, "renewal")
        same = self._quote(deal, self.insurer_a, 1000.0)
        other = self._quote(deal, self.insurer_b, 1000.0)
        self.assertEqual(same.commission, 125.0)  # 12.5 %, not 15 % (new)
        self.assertEqual(other.commission, 110.0)  # 11 %, not 20 % (new)
        # A sale to a new client earns the new-business rate.
        sale_quote = self._quote(self.lead, self.insurer_b, 1000.0, user=self.salesman)
        self.assertEqual(self.lead.insurance_business_type, "new")
        self.assertEqual(sale_quote.commission, 200.0)

    @freeze_time("2026-12-05")
    def test_renewed_with_another_insurer_issues_the_chosen_terms(self):
        policy, deal = self._renewal_deal()
        self._quote(deal, self.insurer_a, 1150.0)
        chosen = self._quote(deal, self.insurer_b, 1100.0)
        chosen.action_choose()
        deal.with_user(self.renewal_manager).write(
            {"stage_id": self.stage["renewal_renewed"].id}
        )
        successor = policy.successor_id
        self.assertEqual(successor.predecessor_id, policy)
        self.assertEqual(successor.state, "draft")
        self.assertEqual(successor.insurer_id, self.insurer_b)
        self.assertEqual(successor.product_id, self.product_casco)
        self.assertEqual(successor.premium, 1100.0)
        self.assertEqual(successor.business_type, "renewal")
        self.assertEqual(successor.commission_rule_id, self.rule_b_casco_renewal)
        self.assertEqual(successor.commission_amount, 121.0)
        self.assertEqual(successor.commission_amount, chosen.commission)
        self.assertFalse(successor.commission_override_reason)
        # The dates follow on from the old policy, still in force until
        # the successor is confirmed on delivery.
        self.assertEqual(successor.date_start, date(2027, 1, 1))
        self.assertEqual(successor.date_end, date(2027, 12, 31))
        self.assertEqual(policy.state, "active")
        self.assertEqual(deal.stage_id, self.stage["renewal_renewed"])
        sale = deal.continued_lead_ids
        self.assertEqual(sale.stage_id, self.stage["sales_gathering"])
        self.assertEqual(sale.policy_id, successor)
        self.assertEqual(sale.insurance_business_type, "renewal")
        self.assertEqual(sale.expected_revenue, 121.0)

    @freeze_time("2026-12-05")
    def test_a_commission_changed_on_the_quote_is_kept_with_its_reason(self):
        policy, deal = self._renewal_deal()
        chosen = self._quote(deal, self.insurer_b, 1100.0)
        chosen.commission = 130.0
        chosen.action_choose()
        deal.with_user(self.renewal_manager).write(
            {"stage_id": self.stage["renewal_renewed"].id}
        )
        successor = policy.successor_id
        self.assertEqual(successor.commission_rule_id, self.rule_b_casco_renewal)
        self.assertEqual(successor.commission_amount, 130.0)
        self.assertIn(deal.name, successor.commission_override_reason)

    @freeze_time("2026-12-05")
    def test_without_a_chosen_quote_the_policy_is_renewed_on_its_terms(self):
        policy, deal = self._renewal_deal()
        self._quote(deal, self.insurer_b, 1100.0)  # quoted, not chosen
        deal.with_user(self.renewal_manager).write(
            {"stage_id": self.stage["renewal_renewed"].id}
        )
        successor = policy.successor_id
        self.assertEqual(successor.insurer_id, self.insurer_a)
        self.assertEqual(successor.premium, 1200.0)
        self.assertEqual(successor.commission_rule_id, self.rule_a_casco_renewal)

    @freeze_time("2026-12-05")
    def test_a_draft_prepared_with_renew_takes_the_chosen_terms(self):
        policy, deal = self._renewal_deal()
        draft = policy.with_user(self.user_all).action_renew()
        successor = policy.successor_id
        self.assertEqual(draft["res_id"], successor.id)
        self._quote(deal, self.insurer_b, 1100.0).action_choose()
        deal.with_user(self.renewal_manager).write(
            {"stage_id": self.stage["renewal_renewed"].id}
        )
        self.assertEqual(policy.successor_id, successor)
        self.assertEqual(successor.insurer_id, self.insurer_b)
        self.assertEqual(successor.premium, 1100.0)
        self.assertEqual(successor.commission_rule_id, self.rule_b_casco_renewal)
        self.assertEqual(deal.continued_lead_ids.policy_id, successor)

    @freeze_time("2026-12-05")
    def test_the_head_of_sales_renews_the_deals_own_policy_on_the_quote(self):
        """The head of sales, no insurance user, may not read the policy
        nor the commission rules: the pipeline renews the deal's own policy
        on the chosen quote all the same."""
        policy, deal = self._renewal_deal()
        self._quote(deal, self.insurer_b, 1100.0).action_choose()
        with self.assertRaises(AccessError):
            policy.with_user(self.head_of_sales).check_access("read")
        deal.with_user(self.head_of_sales).write(
            {"stage_id": self.stage["renewal_renewed"].id}
        )
        self.assertEqual(policy.successor_id.insurer_id, self.insurer_b)
        self.assertEqual(
            policy.successor_id.commission_rule_id, self.rule_b_casco_renewal
        )

    @freeze_time("2026-11-15")
    def test_a_chosen_quote_opens_no_way_to_a_policy_the_user_may_not_change(self):
        """A policy neither given by the pipeline nor linked by someone
        allowed to change it: choosing another insurer's quote does not let
        the head of sales renew it on those terms."""
        deal = self._lead(self.marc, "renewal_take")
        deal.with_user(self.marc).write({"policy_id": self.foreign_active.id})
        self.assertFalse(deal.insurance_policy_trusted)
        self._quote(deal, self.insurer_b, 900.0, user=self.marc).action_choose()
        with self.assertRaisesRegex(AccessError, "neither issued from this deal"):
            deal.with_user(self.head_of_sales).write(
                {"stage_id": self.stage["renewal_renewed"].id}
            )
        self.assertFalse(self.foreign_active.successor_id)
        self.assertFalse(
            self.env["insurance.policy"].search(
                [("predecessor_id", "=", self.foreign_active.id)]
            )
        )
        self.assertEqual(deal.stage_id, self.stage["renewal_take"])
