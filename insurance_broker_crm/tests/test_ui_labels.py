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
