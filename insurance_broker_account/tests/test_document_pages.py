from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase


@tagged("-standard", "document_pages", "post_install", "-at_install")
class TestDocumentPages(PdfReportCase):
    """Pictures of the documents for the Apps page (``make pages``): the first
    page of each, printed from the demo data as a client receives it."""

    def _demo_move(self, kind):
        return self.env["account.move"].search(
            [("insurance_move_kind", "=", kind), ("state", "=", "posted")],
            order="id",
            limit=1,
        )

    def test_premium_invoice_page(self):
        content = self.render_pdf(
            "account.account_invoices", self._demo_move("premium")
        )
        self.save_page_png(content, "insurance_broker_account", "premium_invoice")

    def test_commission_invoice_page(self):
        content = self.render_pdf(
            "account.account_invoices", self._demo_move("commission")
        )
        self.save_page_png(content, "insurance_broker_account", "commission_invoice")

    def test_producer_statement_page(self):
        # Last month's statements: the demo's policies started then.
        last_month = fields.Date.today() + relativedelta(months=-1, day=1)
        wizard = self.env["insurance.producer.statement.wizard"].create(
            {
                "date_from": last_month,
                "date_to": last_month + relativedelta(day=31),
            }
        )
        content = self.render_pdf(
            "insurance_broker_account.insurance_producer_statement_pdf", wizard
        )
        self.save_page_png(content, "insurance_broker_account", "producer_statement")
