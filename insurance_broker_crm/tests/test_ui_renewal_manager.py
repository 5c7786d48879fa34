from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRenewalManagerTour(HttpCase):
    """The renewal manager's day in the web client, as the demo's renewal
    manager: a renewal in its last month, placed with another insurer."""

    def setUp(self):
        super().setUp()
        self.manager = self.env.ref("insurance_broker_crm.user_renewal_manager")
        # The demo password is the login (README, "Demo users"); set here too,
        # so that the tour does not depend on how the demo sets it.
        self.manager.password = self.manager.login
        self.deal = self.env.ref("insurance_broker_crm.lead_renewal_mikko_mtpl")
        self.policy = self.env.ref("insurance_broker.policy_mikko_mtpl")
        self.stage = {
            code: self.env.ref(f"insurance_broker_crm.stage_{code}")
            for code in ("renewal_month", "renewal_renewed", "sales_gathering")
        }

    def test_renewal_manager_renews_with_another_insurer(self):
        self.assertEqual(self.deal.stage_id, self.stage["renewal_month"])
        self.assertEqual(
            self.policy.insurer_id, self.env.ref("insurance_broker.insurer_nordlys")
        )
        self.start_tour(
            "/odoo/action-insurance_broker_crm.crm_lead_action_insurance_renewal",
            "insurance_renewal_manager_tour",
            login=self.manager.login,
        )
        self.env.invalidate_all()  # the tour wrote through the server's environments

        other_insurer = self.env.ref("insurance_broker.insurer_baltic_shield")
        quote = self.deal.chosen_quote_id
        self.assertEqual(quote.insurer_id, other_insurer)
        self.assertEqual(quote.premium, 265.0)
        self.assertEqual(quote.commission, 18.55)  # renewal rate: 7 %
        self.assertEqual(self.deal.expected_revenue, 18.55)
        self.assertEqual(self.deal.stage_id, self.stage["renewal_renewed"])
        self.assertEqual(self.deal.probability, 100)

        successor = self.policy.successor_id
        self.assertEqual(successor.predecessor_id, self.policy)
        self.assertEqual(successor.state, "draft")
        self.assertEqual(successor.insurer_id, other_insurer)
        self.assertEqual(successor.product_id, self.policy.product_id)
        self.assertEqual(successor.premium, 265.0)
        self.assertEqual(successor.business_type, "renewal")
        self.assertEqual(
            successor.commission_rule_id,
            self.env.ref("insurance_broker.commission_bs_mtpl_renewal"),
        )
        self.assertEqual(successor.commission_amount, 18.55)
        self.assertEqual(
            successor.date_start, self.policy.date_end + relativedelta(days=1)
        )
        # The old policy runs until its end; the successor replaces it when
        # confirmed on delivery.
        self.assertEqual(self.policy.state, "active")

        sale = self.deal.continued_lead_ids
        self.assertEqual(len(sale), 1)
        self.assertEqual(sale.stage_id, self.stage["sales_gathering"])
        self.assertEqual(sale.policy_id, successor)
        self.assertEqual(sale.expected_revenue, 18.55)
