from odoo.tests import tagged

from .common_pdf import PdfReportCase


@tagged("-standard", "document_pages", "post_install", "-at_install")
class TestDocumentPages(PdfReportCase):
    """Pictures of the documents for the Apps page (``make pages``): the first
    page of each, printed from the demo data as a client receives it."""

    def test_policy_contract_page(self):
        # A demo policy paid in instalments whose schedule fits the first page.
        policies = self.env["insurance.policy"].search(
            [("state", "=", "active")], order="id"
        )
        policy = policies.filtered(lambda p: 1 < len(p.installment_ids) <= 4)[:1]
        # In English for the Apps page (rolled back with the test).
        policy.partner_id.lang = "en_US"
        content = self.render_pdf(
            "insurance_broker.action_report_insurance_policy_contract", policy
        )
        self.save_page_png(content, "insurance_broker", "policy_contract")
