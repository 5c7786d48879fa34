from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from .common import InsuranceAccountCommon

REPORT = "account.account_invoices"
COMPANY = "Ąžuolas Broker House UAB"
BROKER_IBAN = "LT121000011101001000"
INSURER_IBAN = "LT607300010123456789"


@tagged("post_install", "-at_install")
class TestInvoicePdf(InsuranceAccountCommon, PdfReportCase):
    """Odoo's invoice PDF as the clients and insurers read it: a premium
    invoice names its policy and says whom to pay, a commission invoice lists
    its policies; on the broker's letterhead, in the client's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"name": COMPANY, "company_details": False})
        # The broker's account, which Odoo puts on its customer invoices, and
        # the account the insurer collecting its premiums is paid on.
        cls.env["res.partner.bank"].create(
            {"acc_number": BROKER_IBAN, "partner_id": cls.company.partner_id.id}
        )
        cls.env["res.partner.bank"].create(
            {"acc_number": INSURER_IBAN, "partner_id": cls.insurer_direct.id}
        )
        cls.client_lt = cls.env["res.partner"].create(
            {
                "name": "Žydrūnė Ąžuolaitė",
                "client_type": "individual",
                "client_manager_id": cls.insurance_manager.id,
                "company_id": cls.company.id,
            }
        )
        # Broker collects: 4 quarterly instalments of 300.00.
        cls.policy_broker = cls._create_policy(
            name="PDF-CASCO-001",
            payment_frequency="quarterly",
            vehicle_plate="KNS 123",
            vehicle_make="Volvo",
            vehicle_model="XC60",
        )
        # Insurer collects: 2 half-yearly instalments of 500.00.
        cls.policy_insurer = cls._create_policy(
            name="PDF-MTPL-002",
            partner_id=cls.client_lt.id,
            insurer_id=cls.insurer_direct.id,
            product_id=cls.product_mtpl.id,
            payment_frequency="semi_annual",
            premium=1000.0,
            object_description="Family house\nVilnius, Gedimino pr. 1",
        )
        cls.invoice_broker = cls._invoice(cls.policy_broker, 2)
        # The suite invoices the instalments of broker-collected policies
        # only; a premium invoice of an insurer-collected policy (the
        # instalment invoiced for the client's information) is made here
        # directly, to print what its client is told.
        cls.invoice_insurer = cls._invoice(cls.policy_insurer, 1)

    @classmethod
    def _invoice(cls, policy, sequence):
        installment = policy.installment_ids.filtered(lambda i: i.sequence == sequence)
        return cls.env["insurance.policy.installment"]._invoice_batch(
            cls.company, installment.ids, invoice_date="2026-01-01", send=False
        )

    def _date(self, value, lang="en_US"):
        return format_date(self.env, value, lang_code=lang)

    def test_premium_invoice_names_its_policy_and_the_broker_is_paid(self):
        invoice = self.invoice_broker
        self.assertEqual(invoice.insurance_installment_id.sequence, 2)
        pages = self.render_pdf_pages(REPORT, invoice.with_user(self.invoicing_user))
        self.assertEqual(len(pages), 1)
        page = pages[0]
        # The broker's letterhead.
        self.assertIn(COMPANY, page)
        self.assertIn(invoice.name, page)
        for text in (
            "Policy PDF-CASCO-001",
            "Alpha Insurance (broker collects)",
            "CASCO",
            "KNS 123 Volvo XC60",
            f"{self._date(self.policy_broker.date_start)} – "
            f"{self._date(self.policy_broker.date_end)}",
            "Instalment 2 of 4",
            f"Please pay this premium to {COMPANY} on the account {BROKER_IBAN} "
            f"by {self._date(invoice.invoice_date_due)}, with the payment "
            f"reference {invoice.payment_reference}.",
        ):
            self.assertIn(text, page)
        self.assertEqual(self._date(invoice.invoice_date_due), "04/01/2026")
        self.assertIn("01/01/2026 – 12/31/2026", page)
        # Said once: Odoo's own payment communication is left out.
        self.assertNotIn("Payment Communication", page)
        self.assertNotIn("The insurer collects", page)

    def test_premium_collected_by_the_insurer_is_paid_to_the_insurer(self):
        invoice = self.invoice_insurer
        page = self.render_pdf_pages(REPORT, invoice.with_user(self.invoicing_user))[0]
        self.assertIn(COMPANY, page)
        self.assertIn("Policy PDF-MTPL-002", page)
        self.assertIn("MTPL", page)
        # The insured object's first line only.
        self.assertIn("Family house", page)
        self.assertNotIn("Gedimino", page)
        self.assertIn("Instalment 1 of 2", page)
        self.assertIn(
            "The insurer collects this premium: please pay it to Beta Assurance "
            f"(insurer collects), not to us, on the account {INSURER_IBAN}",
            page,
        )
        self.assertIn(invoice.payment_reference, page)
        # Not the broker's account, nor a QR code to pay the broker.
        self.assertNotIn(BROKER_IBAN, page)
        self.assertNotIn("Please pay this premium to", page)
        self.assertNotIn("Scan this QR Code", page)

    def test_two_invoices_printed_at_once_each_name_their_policy(self):
        invoices = self.invoice_broker | self.invoice_insurer
        pages = self.render_pdf_pages(REPORT, invoices.with_user(self.invoicing_user))
        self.assertEqual(len(pages), 2)
        by_number = {
            "PDF-CASCO-001": "PDF-MTPL-002",
            "PDF-MTPL-002": "PDF-CASCO-001",
        }
        for page, invoice in zip(pages, invoices.sorted("id"), strict=True):
            number = invoice.insurance_policy_id.name
            with self.subTest(policy=number):
                self.assertIn(COMPANY, page)
                self.assertIn(invoice.partner_id.name, page)
                self.assertIn(f"Policy {number}", page)
                self.assertNotIn(by_number[number], page)

    def test_paid_invoice_and_credit_note_give_no_payment_instructions(self):
        invoice = self.invoice_broker
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": "2026-01-05"})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        credit_note = self.invoice_insurer._insurance_credit_in_full()
        self.assertEqual(credit_note.insurance_policy_id, self.policy_insurer)
        paid_page, credit_page = self.render_pdf_pages(
            REPORT, (invoice | credit_note).with_user(self.invoicing_user)
        )
        self.assertIn("Policy PDF-CASCO-001", paid_page)
        self.assertIn("Instalment 2 of 4", paid_page)
        self.assertNotIn("Please pay", paid_page)
        self.assertIn("Credit Note", credit_page)
        self.assertIn("Policy PDF-MTPL-002", credit_page)
        self.assertNotIn("please pay", credit_page.lower())

    def test_lithuanian_client_reads_odoo_labels_in_lithuanian(self):
        self.env["res.lang"]._activate_lang("lt_LT")
        self.env["ir.module.module"]._load_module_terms(["account"], ["lt_LT"])
        self.client_lt.lang = "lt_LT"
        invoice = self.invoice_insurer
        page = self.render_pdf_pages(REPORT, invoice.with_user(self.invoicing_user))[0]
        self.assertIn("Žydrūnė Ąžuolaitė", page)
        self.assertIn(COMPANY, page)
        # Odoo's own labels, translated by Odoo; the policy block's are the
        # suite's, translated with its other terms.
        self.assertIn("Sąskaita-faktūra", page)
        self.assertIn("Sąskaitos data", page)
        self.assertNotIn("Invoice Date", page)
        self.assertIn("PDF-MTPL-002", page)
        self.assertIn(
            f"{self._date(self.policy_insurer.date_start, 'lt_LT')} – "
            f"{self._date(self.policy_insurer.date_end, 'lt_LT')}",
            page,
        )

    def test_commission_invoice_lists_its_policies(self):
        # A second policy of the same insurer, of the Lithuanian client, and
        # a quarterly one: its January instalment only.
        single = self._create_policy(
            name="PDF-CASCO-003",
            insurer_id=self.insurer_direct.id,
            date_start="2026-01-10",
        )
        invoice = self.env["insurance.commission.line"]._create_commission_invoices(
            "2026-01-31", date_from="2026-01-01", insurers=self.insurer_direct
        )
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            invoice.invoice_line_ids.insurance_policy_id, single | self.policy_insurer
        )
        page = self.render_pdf_pages(REPORT, invoice.with_user(self.invoicing_user))[0]
        self.assertIn(COMPANY, page)
        self.assertIn("Policies", page)
        # Policy, client, product, premium, rate, commission; by number.
        self.assertIn(
            "PDF-CASCO-003 Jonas Client CASCO $ 1,200.00 15.00 % $ 180.00", page
        )
        self.assertIn(
            "PDF-MTPL-002 Žydrūnė Ąžuolaitė MTPL $ 500.00 15.00 % $ 75.00", page
        )
        self.assertLess(page.index("PDF-CASCO-003 Jonas"), page.index("PDF-MTPL-002 Ž"))
        # No premium invoice's block on the insurer's invoice.
        self.assertNotIn("Instalment", page)
        self.assertNotIn("Please pay this premium", page)

    def test_insurer_bill_lists_its_policies(self):
        invoice = self.invoice_broker
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": "2026-01-05"})._create_payments()
        bill = self.env["insurance.commission.line"]._create_insurer_bills(
            "2026-01-31", date_from="2026-01-01", insurers=self.insurer_broker
        )
        self.assertEqual(bill.move_type, "in_invoice")
        page = self.render_pdf_pages(REPORT, bill.with_user(self.invoicing_user))[0]
        # 10 % of the 300.00 instalment retained.
        self.assertIn("PDF-CASCO-001 Jonas Client CASCO $ 300.00 10.00 % $ 30.00", page)

    def test_invoice_without_policy_has_no_policy_block(self):
        invoice = self.init_invoice(
            "out_invoice", partner=self.client, amounts=[100.0], post=True
        )
        page = self.render_pdf_pages(REPORT, invoice.with_user(self.invoicing_user))[0]
        self.assertIn(COMPANY, page)
        self.assertIn("Jonas Client", page)
        for text in ("Policy", "Instalment", "Please pay", "Commission Rate"):
            self.assertNotIn(text, page)
        # Odoo's own payment instructions stay.
        self.assertIn("Payment Communication", page)

    def test_own_clients_invoicing_user_prints_every_policy_of_the_insurer(self):
        """An Invoicing user who sees only their own clients' policies prints
        an insurer's commission invoice whole, with the policies of the other
        clients; a salesperson without Invoicing prints no invoice."""
        own_invoicing = new_test_user(
            self.env,
            login="acc_own_invoicing",
            groups="base.group_user,insurance_broker.group_insurance_user_own,"
            "account.group_account_invoice",
            name="Olga Own",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        invoice = self.env["insurance.commission.line"]._create_commission_invoices(
            "2026-01-31", date_from="2026-01-01", insurers=self.insurer_direct
        )
        with self.assertRaises(AccessError):
            self.policy_insurer.with_user(own_invoicing).check_access("read")
        page = self.render_pdf_pages(REPORT, invoice.with_user(own_invoicing))[0]
        self.assertIn(
            "PDF-MTPL-002 Žydrūnė Ąžuolaitė MTPL $ 500.00 15.00 % $ 75.00", page
        )
        with self.assertRaises(AccessError):
            self.render_pdf(REPORT, self.invoice_insurer.with_user(self.salesperson))

    def test_premium_invoice_emailed_with_the_policy_block(self):
        """The premium invoice e-mail carries the invoice PDF with the
        policy block (Odoo's sending renders it)."""
        invoice = self.invoice_broker
        invoice.sending_data = {
            "author_user_id": self.env.user.id,
            "author_partner_id": self.env.user.partner_id.id,
        }
        self.env["account.move"].with_context(
            force_report_rendering=True
        )._cron_account_move_send(job_count=10)
        self.assertTrue(invoice.is_move_sent)
        message = invoice.message_ids.filtered(
            lambda m: (
                m.message_type == "comment" and "PDF-CASCO-001" in (m.subject or "")
            )
        )
        self.assertEqual(len(message), 1)
        attachment = message.attachment_ids.filtered(lambda a: a.name.endswith(".pdf"))
        self.assertEqual(len(attachment), 1)
        page = self.pdf_pages(attachment.raw)[0]
        self.assertIn("Policy PDF-CASCO-001", page)
        self.assertIn("Instalment 2 of 4", page)
        self.assertIn(f"Please pay this premium to {COMPANY}", page)


@tagged("post_install", "-at_install")
class TestInvoicePdfDemo(PdfReportCase):
    """The demo's accountant prints a demo premium invoice."""

    def test_accountant_prints_a_demo_premium_invoice(self):
        accountant = self.env.ref("insurance_broker_account.user_accountant")
        self.assertEqual(accountant.login, "ieva.jankauskiene")
        policy = self.env.ref("insurance_broker_account.policy_laura_casco_broker")
        invoice = self.env["account.move"].search(
            [
                ("insurance_policy_id", "=", policy.id),
                ("insurance_move_kind", "=", "premium"),
                ("move_type", "=", "out_invoice"),
            ],
            order="id",
            limit=1,
        )
        self.assertTrue(invoice)
        # Laura reads Lithuanian: the policy block is printed in it.
        self.assertEqual(policy.partner_id.lang, "lt_LT")
        page = self.render_pdf_pages(REPORT, invoice.with_user(accountant))[0]
        self.assertIn(invoice.company_id.name, page)
        self.assertIn(f"Polisas {policy.name}", page)
        self.assertIn(policy.insurer_id.name, page)
        self.assertIn("LRA 215 Volkswagen Polo 1.0 TSI", page)
        self.assertIn(
            f"Įmokos dalis {invoice.insurance_installment_id.sequence} iš "
            f"{len(policy.installment_ids)}",
            page,
        )
