from lxml import etree

from odoo.tests import tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestUiLabels(InsuranceCrmCommon):
    """What the CRM screens show of the insurance data."""

    def test_quote_is_named_by_insurer_product_and_premium(self):
        quote = self.env["insurance.quote"].create(
            {
                "lead_id": self.lead.id,
                "insurer_id": self.insurer_a.id,
                "premium": 1234.5,
                "currency_id": self.env.ref("base.EUR").id,
            }
        )
        self.assertEqual(
            quote.display_name.split(" · ")[:2], ["Alpha Insurance", "CASCO"]
        )
        self.assertIn("1,234.50", quote.display_name)
        self.assertIn("€", quote.display_name)
        self.assertNotIn("insurance.quote", quote.display_name)
        quote.action_choose()
        # The lead names its chosen quote so, for its salesperson too.
        chosen = self.lead.with_user(self.salesman).read(["chosen_quote_id"])[0]
        self.assertEqual(chosen["chosen_quote_id"][1], quote.display_name)

    def test_pipeline_settings_are_on_the_insurance_page(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_view(view_type="form")["arch"]
        )
        (app,) = arch.xpath("//app[@name='insurance_broker']")
        for name in ("insurance_card_cost", "insurance_logistician_id"):
            self.assertTrue(app.xpath(f".//field[@name='{name}']"), name)

    def test_offer_buttons_only_where_offers_are_made(self):
        """Send and Print Offer on a Sales or Renewal deal, not on the
        Fulfilment deal that continues it (the logistician has no offer to
        make), whose form shows the same quotes."""
        arch = etree.fromstring(
            self.env["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for name in ("action_send_offer", "action_print_offer"):
            [button] = arch.xpath(f"//button[@name='{name}']")
            self.assertIn("not insurance_makes_offers", button.get("invisible"))
        self.env["insurance.quote"].create(
            {"lead_id": self.lead.id, "insurer_id": self.insurer_a.id, "premium": 900}
        ).action_choose()
        self.assertTrue(self.lead.insurance_makes_offers)
        self.lead.write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": "courier"}
        )
        fulfilment = self.lead.continued_lead_ids
        self.assertEqual(fulfilment.team_id.name, "Fulfilment")
        self.assertFalse(fulfilment.insurance_makes_offers)
        renewal = self.env["crm.lead"].new({"stage_id": self.stage["renewal_month"]})
        self.assertTrue(renewal.insurance_makes_offers)
