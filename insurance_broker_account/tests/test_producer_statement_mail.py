import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from .common import InsuranceAccountCommon

TEMPLATE = "insurance_broker_account.mail_template_insurance_producer_statement"


@tagged("post_install", "-at_install")
class TestProducerStatementMail(InsuranceAccountCommon, PdfReportCase):
    """Each producer gets their own statement by e-mail: one mail each, the
    PDF of their statement alone attached, in their language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "office@broker.example.com"
        cls.insurance_manager.partner_id.email = "mia@example.com"
        # Sam Sales has 30 %; Mia Manager no share.
        cls.env["insurance.producer.share"].create(
            {"user_id": cls.salesperson.id, "percent": 30.0, "date_from": "2026-01-01"}
        )
        clients = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "client_type": "individual",
                    "client_manager_id": manager.id,
                    "company_id": cls.company.id,
                }
                for name, manager in (
                    ("Žemaitė Ąžuolienė", cls.salesperson),
                    ("Greta Gruber", cls.insurance_manager),
                )
            ]
        )
        # 15 % of 1000 (Sam: 30 % of it, 45.00 due) and of 800 (Mia: 120.00
        # of commission, nothing due).
        cls.policy_sam = cls._create_policy(
            partner_id=clients[0].id,
            insurer_id=cls.insurer_direct.id,
            date_start="2026-03-10",
            premium=1000.0,
        )
        cls.policy_mia = cls._create_policy(
            partner_id=clients[1].id,
            insurer_id=cls.insurer_direct.id,
            date_start="2026-03-12",
            premium=800.0,
        )
        cls.Wizard = cls.env["insurance.producer.statement.wizard"]

    def _wizard(self, user=None):
        wizard = self.Wizard.with_user(user or self.invoicing_user).create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        # The PDF as wkhtmltopdf prints it, not the HTML of test mode.
        return wizard.with_context(force_report_rendering=True)

    def _mails_to(self, user):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", user.partner_id.ids)]
        )

    def _pdf_text(self, mail):
        self.assertEqual(len(mail.attachment_ids), 1)
        attachment = mail.attachment_ids
        self.assertEqual(attachment.mimetype, "application/pdf")
        pages = self.pdf_pages(base64.b64decode(attachment.datas))
        return " ".join(pages), len(pages)

    def test_each_producer_gets_their_own_statement(self):
        mails_before = self.env["mail.mail"].search([])
        wizard = self._wizard()
        self.assertEqual(wizard.user_ids, self.salesperson | self.insurance_manager)
        action = wizard.action_send_mail()
        self.assertEqual(action["tag"], "display_notification")
        mails = self.env["mail.mail"].search([]) - mails_before
        self.assertEqual(len(mails), 2, "one mail per producer")
        sam_mail = self._mails_to(self.salesperson)
        mia_mail = self._mails_to(self.insurance_manager)
        self.assertEqual(sam_mail | mia_mail, mails)
        for mail, producer in (
            (sam_mail, self.salesperson),
            (mia_mail, self.insurance_manager),
        ):
            with self.subTest(producer=producer.name):
                self.assertEqual(mail.recipient_ids, producer.partner_id)
                self.assertFalse(mail.email_to)
                self.assertFalse(mail.email_cc)
                # Queued, not sent at once; kept after sending.
                self.assertEqual(mail.state, "outgoing")
                self.assertFalse(mail.auto_delete)
                self.assertEqual(
                    mail.subject, "Your commission statement for March 2026"
                )
                self.assertIn(producer.name, mail.body_html)
                # On no record's chatter: no colleague reads the figures.
                self.assertFalse(mail.model)
                self.assertFalse(mail.res_id)
                self.assertIn(self.invoicing_user.email, mail.email_from)

        sam_text, sam_pages = self._pdf_text(sam_mail)
        self.assertEqual(sam_pages, 1)
        self.assertIn("Producer Statement: Sam Sales", sam_text)
        self.assertIn("Žemaitė Ąžuolienė", sam_text)
        self.assertIn(self.policy_sam.name, sam_text)
        self.assertIn("150.00", sam_text)
        self.assertIn("45.00", sam_text)
        for other in ("Mia Manager", "Greta Gruber", self.policy_mia.name, "120.00"):
            self.assertNotIn(other, sam_text)
        self.assertIn("45.00", sam_mail.body_html)
        self.assertNotIn("Mia Manager", sam_mail.body_html)

        mia_text, mia_pages = self._pdf_text(mia_mail)
        self.assertEqual(mia_pages, 1)
        self.assertIn("Producer Statement: Mia Manager", mia_text)
        self.assertIn("Greta Gruber", mia_text)
        self.assertIn(self.policy_mia.name, mia_text)
        self.assertIn("120.00", mia_text)
        self.assertIn("no share", mia_text)
        for other in ("Sam Sales", "Žemaitė", self.policy_sam.name, "45.00"):
            self.assertNotIn(other, mia_text)
        self.assertIn("0.00", mia_mail.body_html)
        self.assertNotIn("45.00", mia_mail.body_html)
        self.assertNotIn("Sam Sales", mia_mail.body_html)

        # Only the sender (and the administrators) read the statement sent.
        attachment = sam_mail.attachment_ids
        attachment.with_user(self.invoicing_user).read(["datas"])
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            attachment.with_user(self.accountant).read(["datas"])
        self.assertFalse(
            sam_mail.mail_message_id.with_user(self.accountant).has_access("read")
        )

        # An explicit action: sending again sends again.
        self._wizard().action_send_mail()
        self.assertEqual(len(self._mails_to(self.salesperson)), 2)

    def test_in_the_producers_language(self):
        """A Lithuanian producer gets the mail and the PDF in Lithuanian:
        the month's name, the amounts and the suite's translated labels; the
        template's words as the broker translated them."""
        self.env["res.lang"]._activate_lang("lt_LT")
        self.env["ir.module.module"]._load_module_terms(
            ["insurance_broker_account"], ["lt_LT"]
        )
        self.salesperson.lang = "lt_LT"
        # The broker's translation of the subject (the suite's own is the
        # lead's to write).
        self.env.ref(TEMPLATE).with_context(
            lang="lt_LT"
        ).subject = "Jūsų komisinių ataskaita: {{ object.statement_period_label }}"
        self._wizard().action_send_mail()
        sam_mail = self._mails_to(self.salesperson)
        self.assertEqual(sam_mail.subject, "Jūsų komisinių ataskaita: kovas 2026")
        self.assertIn("45,00", sam_mail.body_html)
        sam_text, _pages = self._pdf_text(sam_mail)
        self.assertIn("Pardavėjo ataskaita: Sam Sales", sam_text)
        self.assertIn("Laikotarpis", sam_text)
        self.assertIn("45,00", sam_text)
        self.assertNotIn("Producer Statement", sam_text)
        # Mia keeps English.
        mia_mail = self._mails_to(self.insurance_manager)
        self.assertEqual(mia_mail.subject, "Your commission statement for March 2026")
        mia_text, _pages = self._pdf_text(mia_mail)
        self.assertIn("Producer Statement: Mia Manager", mia_text)

    def test_period_other_than_a_month(self):
        wizard = self._wizard()
        wizard.write({"date_from": "2026-03-01", "date_to": "2026-03-09"})
        wizard.user_ids = self.salesperson
        wizard.action_send_mail()
        mail = self._mails_to(self.salesperson)
        self.assertEqual(
            mail.subject,
            "Your commission statement for 03/01/2026 – 03/09/2026",
        )
        self.assertIn("no commission in this period", mail.body_html)

    def test_producer_without_email_refused(self):
        mails_before = self.env["mail.mail"].search([])
        self.insurance_manager.partner_id.email = False
        wizard = self._wizard()
        with self.assertRaises(UserError) as refused:
            wizard.action_send_mail()
        self.assertIn("no e-mail address: Mia Manager", str(refused.exception))
        self.assertNotIn("Sam Sales", str(refused.exception))
        self.assertEqual(self.env["mail.mail"].search([]), mails_before)
        # Nor a period that ends before it starts.
        wizard.write({"date_from": "2026-03-10", "date_to": "2026-03-01"})
        with self.assertRaisesRegex(UserError, "cannot end before it starts"):
            wizard.action_send_mail()
        self.assertEqual(self.env["mail.mail"].search([]), mails_before)

    def test_only_who_may_run_the_statements_sends_them(self):
        mails_before = self.env["mail.mail"].search([])
        # The insurance manager who pays producers may.
        self._wizard(self.insurance_manager).action_send_mail()
        self.assertEqual(len(self.env["mail.mail"].search([]) - mails_before), 2)
        mails_before = self.env["mail.mail"].search([])
        # A salesperson may neither open the wizard nor send from another's.
        wizard = self._wizard()
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            self._wizard(self.salesperson)
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            wizard.with_user(self.salesperson).action_send_mail()
        self.assertEqual(self.env["mail.mail"].search([]), mails_before)
