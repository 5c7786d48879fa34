from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from ..models.crm_lead import RENEWAL_OPEN_CODES


@tagged("-standard", "document_pages", "post_install", "-at_install")
class TestDocumentPages(PdfReportCase):
    """Pictures of the documents for the Apps page (``make pages``): the first
    page of each, printed from the demo data as a client receives it."""

    def test_offer_page(self):
        # The demo's whole journey: three insurers compared, one recommended.
        deal = self.env.ref("insurance_broker_crm.lead_journey_ieva_casco")
        # In English for the Apps page (rolled back with the test).
        deal.partner_id.lang = "en_US"
        content = self.render_pdf(
            "insurance_broker_crm.action_report_insurance_offer", deal
        )
        self.save_page_png(content, "insurance_broker_crm", "offer")
        # The recommendation's payment schedule and the disclosure follow.
        self.save_page_png(content, "insurance_broker_crm", "offer_page_2", page=2)

    def test_renewal_notice_page(self):
        deals = self.env["crm.lead"].search(
            [
                ("stage_id.insurance_stage_code", "in", list(RENEWAL_OPEN_CODES)),
                ("policy_id", "!=", False),
                ("partner_id", "!=", False),
            ],
            order="id",
        )
        # A renewal offer when the demo has one, else the invitation to review.
        deal = deals.filtered("quote_ids")[:1] or deals[:1]
        deal.partner_id.lang = "en_US"
        content = self.render_pdf(
            "insurance_broker_crm.action_report_insurance_renewal_notice", deal
        )
        self.save_page_png(content, "insurance_broker_crm", "renewal_notice")
