import importlib.util

from freezegun import freeze_time

from odoo.tests import Form, tagged
from odoo.tools.misc import file_path

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestExpectedRevenue(InsuranceCrmCommon):
    """A deal's value in the pipeline is the broker's commission on it: the
    chosen quote's, or an estimate before one is chosen, so that the
    pipeline, team and forecast totals add up commissions."""

    def _quote(self, lead, insurer, premium, user=None):
        return (
            self.env["insurance.quote"]
            .with_user(user or self.salesman)
            .create({"lead_id": lead.id, "insurer_id": insurer.id, "premium": premium})
        )

    def test_the_chosen_quote_gives_the_expected_revenue(self):
        lead = self.lead.with_user(self.salesman)
        cheap = self._quote(lead, self.insurer_a, 1000.0)  # 15 %: 150
        dear = self._quote(lead, self.insurer_a, 1400.0)  # 15 %: 210
        # Before a choice: the cheapest quote's commission, the one a client
        # most often takes.
        self.assertEqual(lead.expected_revenue, 150.0)
        dear.action_choose()
        self.assertEqual(lead.expected_revenue, dear.commission)
        self.assertEqual(lead.expected_revenue, 210.0)
        cheap.action_choose()
        self.assertEqual(lead.expected_revenue, 150.0)
        cheap.premium = 1200.0
        self.assertEqual(lead.expected_revenue, 180.0)
        cheap.commission = 175.0  # corrected by hand
        self.assertEqual(lead.expected_revenue, 175.0)
        self.assertEqual(
            lead.prorated_revenue, round(175.0 * lead.probability / 100.0, 2)
        )

    def test_the_form_shows_it_as_the_quote_is_chosen(self):
        self.client.client_manager_id = self.salesman  # the form shows the client
        with Form(self.lead.with_user(self.salesman)) as form:
            with form.quote_ids.new() as quote:
                quote.insurer_id = self.insurer_a
                quote.premium = 800.0
                quote.chosen = True
            self.assertEqual(form.expected_revenue, 120.0)
        self.assertEqual(self.lead.expected_revenue, 120.0)

    @freeze_time("2026-06-01")
    def test_a_renewal_deal_is_worth_its_renewal_commission_before_a_quote(self):
        policy = self._create_policy(confirm=True, date_start="2026-01-01")
        deal = self.env["crm.lead"].search([("policy_id", "=", policy.id)])
        # 1,200 at the renewal rate (12.5 %), not what the policy earns now
        # as new business (15 %).
        self.assertEqual(policy.commission_amount, 180.0)
        self.assertEqual(deal.expected_revenue, 150.0)
        quote = self._quote(deal, self.insurer_a, 1000.0, user=self.env.user)
        self.assertEqual(deal.expected_revenue, 125.0)
        quote.action_choose()
        self.assertEqual(deal.expected_revenue, 125.0)

    def test_a_lead_without_insurance_keeps_the_revenue_entered(self):
        lead = self.env["crm.lead"].create(
            {"name": "Consulting", "type": "opportunity", "expected_revenue": 500.0}
        )
        self.assertEqual(lead.expected_revenue, 500.0)
        lead.write({"name": "Consulting, 2 days", "expected_revenue": 650.0})
        self.assertEqual(lead.expected_revenue, 650.0)
        self.env.flush_all()
        self.assertEqual(lead.expected_revenue, 650.0)

    @freeze_time("2026-06-01")
    def test_the_upgrade_values_the_existing_deals(self):
        """Deals of an older version: expected revenue 0, a renewal deal's
        quote priced at the new-business rate."""
        self._quote(self.lead, self.insurer_a, 1000.0).action_choose()
        policy = self._create_policy(confirm=True, date_start="2026-01-01")
        deal = self.env["crm.lead"].search([("policy_id", "=", policy.id)])
        renewal_quote = self._quote(deal, self.insurer_a, 1000.0, user=self.env.user)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE insurance_quote SET commission = 150 WHERE id = %s",
            [renewal_quote.id],
        )
        self.env.cr.execute(
            "UPDATE crm_lead SET expected_revenue = 0, prorated_revenue = 0 "
            "WHERE id IN %s",
            [(self.lead.id, deal.id)],
        )
        self.env.invalidate_all()
        path = file_path("insurance_broker_crm/migrations/18.0.1.2.0/post-migration.py")
        spec = importlib.util.spec_from_file_location("post_expected_revenue", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(renewal_quote.commission, 125.0)  # renewal rate
        self.assertEqual(deal.expected_revenue, 125.0)  # its cheapest quote
        self.assertEqual(self.lead.expected_revenue, 150.0)  # the chosen quote
        self.assertEqual(
            self.lead.prorated_revenue,
            round(150.0 * self.lead.probability / 100.0, 2),
        )


@tagged("post_install", "-at_install")
class TestPipelineValueInDemo(InsuranceCrmCommon):
    """The demo's pipelines, as the head of sales reads their columns."""

    def test_every_column_with_deals_has_a_value(self):
        head_of_sales = self.env.ref("insurance_broker_crm.user_head_of_sales")
        Lead = self.env["crm.lead"].with_user(head_of_sales)
        teams = [
            self.env.ref(f"insurance_broker_crm.team_insurance_{name}")
            for name in ("sales", "renewal")
        ]
        for team in teams:
            groups = Lead.read_group(
                [("team_id", "=", team.id), ("type", "=", "opportunity")],
                ["expected_revenue:sum"],
                ["stage_id"],
            )
            with_deals = [group for group in groups if group["stage_id_count"]]
            self.assertTrue(with_deals, team.name)
            for group in with_deals:
                self.assertGreater(
                    group["expected_revenue"], 0, f"{team.name}: {group['stage_id']}"
                )
        # The team's forecast adds them up too.
        total = sum(
            Lead.search([("team_id", "in", [team.id for team in teams])]).mapped(
                "expected_revenue"
            )
        )
        self.assertGreater(total, 0)
