from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import InsuranceCommon
from .common_pdf import PdfReportCase

REPORT = "insurance_broker.action_report_insurance_policy_contract"
COMPANY = "Ąžuolas Insurance Brokers UAB"
LICENCE = "BR-2026-0042"
FOOTER = "Registered insurance broker, Vilnius"
DISCLOSURE = "We act on your behalf, not on an insurer's"


@tagged("post_install", "-at_install")
class TestPolicyContractPdf(InsuranceCommon, PdfReportCase):
    """The policy confirmation and brokerage contract as the client reads and
    signs it: printed by the client manager (the demo's Marc Demo, Own
    Clients), on the broker's letterhead, in the client's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": COMPANY,
                # The header shows the company's name and address.
                "company_details": False,
                "report_footer": f"<p>{FOOTER}</p>",
                "insurance_licence_number": LICENCE,
                "insurance_supervisory_authority": "the Bank of Lithuania",
                "insurance_remuneration": "commission",
                "insurance_disclose_commission": True,
            }
        )
        cls.manager_demo = cls.env.ref("base.user_demo")
        cls.auditor = cls.env.ref("insurance_broker.user_auditor")
        cls.client_lt, cls.client_ru = cls.env["res.partner"].create(
            [
                {
                    "name": "Žemaitė Ąžuolienė",
                    "client_type": "individual",
                    "client_manager_id": cls.manager_demo.id,
                    "email": "zemaite@example.com",
                    "street": "Gedimino pr. 9",
                    "city": "Vilnius",
                },
                {
                    "name": "Ирина Быкова",
                    "client_type": "individual",
                    "client_manager_id": cls.manager_demo.id,
                    "email": "irina@example.com",
                },
            ]
        )
        # CASCO, 15 % commission: 1,200.00 in 4 quarterly instalments.
        cls.policy_casco = cls._create_policy(
            confirm=True,
            name="CASCO-2026-0101",
            partner_id=cls.client_lt.id,
            payment_frequency="quarterly",
            sum_insured=25000.0,
            vehicle_make="Toyota",
            vehicle_model="Corolla",
            vehicle_year=2022,
            vehicle_plate="KLM 042",
            vehicle_vin="JTDBR32E720012345",
        )
        cls.policy_home = cls._create_policy(
            confirm=True,
            name="HOME-2026-0202",
            partner_id=cls.client_ru.id,
            product_id=cls.product_property.id,
            insurer_id=cls.insurer_b.id,
            date_start="2026-03-01",
            premium=480.0,
            sum_insured=150000.0,
            object_description="Flat, Pylimo g. 4-12, Vilnius",
        )

    @staticmethod
    def _documents(pages):
        """The pages grouped by document: each document's page numbers
        start again at 1 (Odoo prints the footer per document)."""
        documents = []
        for page in pages:
            if "Page 1 /" in page or not documents:
                documents.append(page)
            else:
                documents[-1] += " " + page
        return documents

    def test_contract_reads_as_signed(self):
        """Everything the client signs, on the letterhead."""
        pages = self.render_pdf_pages(
            REPORT, self.policy_casco.with_user(self.manager_demo)
        )
        (text,) = self._documents(pages)
        for expected in (
            "Policy Confirmation and Brokerage Contract",
            "CASCO-2026-0101",
            "Žemaitė Ąžuolienė",
            "Gedimino pr. 9",
            "Alpha Insurance",
            "CASCO",
            "Toyota Corolla 2022",
            "KLM 042",
            "JTDBR32E720012345",
            # Period of insurance.
            "01/01/2026",
            "12/31/2026",
            "25,000.00",
            "1,200.00",
            "Quarterly",
            # The instalment schedule: four instalments of 300.00.
            "Instalment Schedule",
            "04/01/2026",
            "07/01/2026",
            "10/01/2026",
            "300.00",
            # The broker and the disclosure (IDD art. 18-19).
            f"Licence No. {LICENCE}",
            "is an insurance broker",
            DISCLOSURE,
            "the insurer pays us a commission",
            "180.00",
            "Brokerage Contract",
            # The signature blocks.
            "The Client",
            "The Broker",
            "Signature",
            "Date",
            self.manager_demo.name,
            # Letterhead and footer: printed only by a patched wkhtmltopdf.
            COMPANY,
            FOOTER,
            "Page 1 /",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertEqual(text.count("300.00"), 4, "four instalments of 300.00")
        self.assertNotIn("DRAFT", text)
        # Each page carries the letterhead and the footer.
        for page in pages:
            self.assertIn(COMPANY, page)
            self.assertIn(FOOTER, page)

    def test_signatures_kept_together(self):
        """The two signature blocks are never split over two pages."""
        pages = self.render_pdf_pages(
            REPORT, self.policy_casco.with_user(self.manager_demo)
        )
        signature_pages = [page for page in pages if "The Client" in page]
        self.assertEqual(len(signature_pages), 1)
        self.assertIn("The Broker", signature_pages[0])
        self.assertEqual(signature_pages[0].count("Signature"), 2)

    def test_two_policies_in_one_print(self):
        """Two clients' contracts printed at once: each its own document,
        each client's name in its own letters, each on the letterhead."""
        policies = (self.policy_casco | self.policy_home).with_user(self.manager_demo)
        documents = self._documents(self.render_pdf_pages(REPORT, policies))
        self.assertEqual(len(documents), 2)
        casco, home = documents
        self.assertIn("CASCO-2026-0101", casco)
        self.assertIn("Žemaitė Ąžuolienė", casco)
        self.assertNotIn("HOME-2026-0202", casco)
        self.assertNotIn("Ирина Быкова", casco)
        self.assertIn("HOME-2026-0202", home)
        self.assertIn("Ирина Быкова", home)
        self.assertIn("Beta Assurance", home)
        self.assertIn("Flat, Pylimo g. 4-12, Vilnius", home)
        self.assertIn("150,000.00", home)
        self.assertIn("480.00", home)
        self.assertIn("03/01/2026", home)
        self.assertIn("02/29/2028", home)
        self.assertNotIn("Žemaitė", home)
        for document in documents:
            self.assertIn(COMPANY, document)
            self.assertIn(FOOTER, document)
            self.assertIn(LICENCE, document)

    def test_each_contract_in_its_clients_language(self):
        """Printed together, each contract speaks its client's language: the
        dates in the Lithuanian and the Russian formats."""
        for lang in ("lt_LT", "ru_RU"):
            self.env["res.lang"]._activate_lang(lang)
        self.client_lt.lang = "lt_LT"
        self.client_ru.lang = "ru_RU"
        policies = (self.policy_casco | self.policy_home).with_user(self.manager_demo)
        casco, home = self._documents(self.render_pdf_pages(REPORT, policies))
        self.assertIn("2026-01-01", casco)
        self.assertIn("2026-12-31", casco)
        self.assertNotIn("01/01/2026", casco)
        self.assertIn("01.03.2026", home)
        self.assertIn("29.02.2028", home)

    def test_draft_prints_its_planned_schedule(self):
        """A draft is printed to be signed before it is confirmed: marked
        as a draft, with the instalments its confirmation will plan, and
        nothing written."""
        draft = self._create_policy(
            name=False,
            partner_id=self.client_lt.id,
            payment_frequency="semi_annual",
            premium=999.99,
        )
        pages = self.render_pdf_pages(REPORT, draft.with_user(self.manager_demo))
        (text,) = self._documents(pages)
        self.assertIn("DRAFT", text)
        self.assertIn("not in force", text)
        self.assertIn("to be given by the insurer", text)
        self.assertIn("499.99", text)
        self.assertIn("500.00", text)
        self.assertIn("07/01/2026", text)
        self.assertIn("999.99", text)
        self.assertFalse(draft.installment_ids, "printing plans nothing")

    def test_reader_prints_any_policy(self):
        """The demo's read-only auditor reads every policy, so prints it."""
        pages = self.render_pdf_pages(REPORT, self.policy_home.with_user(self.auditor))
        self.assertIn("HOME-2026-0202", " ".join(pages))

    def test_other_managers_policy_refused(self):
        """An Own Clients user does not print another manager's policy."""
        with self.assertRaises(AccessError):
            self.render_pdf(REPORT, self.policy_casco.with_user(self.user_own))

    def test_print_button(self):
        action = self.policy_casco.with_user(self.manager_demo).action_print_contract()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "insurance_broker.report_insurance_policy_contract"
        )

    def test_form_buttons_by_role(self):
        """The client manager sends and prints from the policy's form; the
        read-only auditor prints, and sends nothing."""
        for user, can_send in ((self.manager_demo, True), (self.auditor, False)):
            with self.subTest(user=user.login):
                arch = (
                    self.env["insurance.policy"]
                    .with_user(user)
                    .get_views([(False, "form")])["views"]["form"]["arch"]
                )
                self.assertIn('name="action_print_contract"', arch)
                self.assertEqual('name="action_send_contract"' in arch, can_send)

    def test_send_by_email(self):
        """The client manager sends the contract: the composer shows the
        template in the client's words, the e-mail carries the PDF."""
        policy = self.policy_casco.with_user(self.manager_demo)
        action = policy.action_send_contract()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.manager_demo)
            .with_context(**action["context"], force_report_rendering=True)
        )
        self.assertIn("CASCO-2026-0101", composer.subject)
        self.assertIn(COMPANY, composer.subject)
        self.assertIn("Žemaitė Ąžuolienė", composer.body)
        self.assertIn("Alpha Insurance", composer.body)
        self.assertIn(self.client_lt, composer.partner_ids)
        composer.save().action_send_mail()
        message = policy.message_ids[0]
        self.assertIn(self.client_lt, message.partner_ids)
        attachment = message.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.name, "Policy Confirmation - CASCO-2026-0101.pdf")
        (text,) = self._documents(self.pdf_pages(attachment.raw))
        self.assertIn("CASCO-2026-0101", text)
        self.assertIn("Žemaitė Ąžuolienė", text)
        self.assertIn(DISCLOSURE, text)

    def test_send_without_client_email_refused(self):
        self.client_ru.email = False
        with self.assertRaisesRegex(UserError, "Ирина Быкова.*no e-mail address"):
            self.policy_home.with_user(self.manager_demo).action_send_contract()
