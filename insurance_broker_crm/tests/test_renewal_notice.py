from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import format_date
from odoo.tools.safe_eval import safe_eval

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from .common import InsuranceCrmCommon

REPORT = "insurance_broker_crm.action_report_insurance_renewal_notice"
COMPANY = "Ąžuolas Insurance Brokers UAB"


@tagged("post_install", "-at_install")
class TestRenewalNotice(InsuranceCrmCommon, PdfReportCase):
    """The renewal notice a renewal manager sends a client before their policy
    ends, read back from the PDF: the current cover, the renewal offer (the
    deal's quotes) or an invitation to review, the date to answer by."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": COMPANY,
                # The header shows the company's name and address.
                "company_details": False,
                "report_footer": "<p>Licensed insurance broker No. 000123</p>",
                "insurance_renewal_answer_days": 14,
            }
        )
        # The demo's renewal manager (README, "Demo users").
        cls.renewal_manager = cls.env.ref("insurance_broker_crm.user_renewal_manager")
        cls.renewal_manager.phone = "+370 611 22334"
        cls.today = fields.Date.context_today(
            cls.env["crm.lead"].with_user(cls.renewal_manager)
        )
        cls.client_lt, cls.client_ru = cls.env["res.partner"].create(
            [
                {
                    "name": "Žemaitė Ąžuolienė",
                    "client_type": "individual",
                    "email": "zemaite@example.com",
                    "lang": "en_US",
                },
                {
                    "name": "Иван Петров",
                    "client_type": "individual",
                    "email": "ivan@example.com",
                    "lang": "en_US",
                },
            ]
        )
        # Ends in 39 days: a month and more; ends in 5 days: too late for the
        # company's 14 days to answer.
        cls.policy_offer = cls._create_policy(
            confirm=True,
            name="POL-RN-0001",
            partner_id=cls.client_lt.id,
            date_start=cls.today + relativedelta(days=40, months=-12),
            object_description="Toyota Corolla 2022, plate ABC 123",
            sum_insured=25000.0,
            premium=1200.0,
        )
        cls.policy_review = cls._create_policy(
            confirm=True,
            name="POL-RN-0002",
            partner_id=cls.client_ru.id,
            insurer_id=cls.insurer_b.id,
            product_id=cls.product_mtpl.id,
            date_start=cls.today + relativedelta(days=6, months=-12),
            premium=320.0,
        )
        Lead = cls.env["crm.lead"]
        cls.deal_offer = Lead.search([("policy_id", "=", cls.policy_offer.id)])
        cls.deal_review = Lead.search([("policy_id", "=", cls.policy_review.id)])
        cls.deals = cls.deal_offer | cls.deal_review
        # The renewal manager took both into work.
        cls.deals.write(
            {
                "user_id": cls.renewal_manager.id,
                "stage_id": cls.stage["renewal_take"].id,
            }
        )
        cls.quote_alpha, cls.quote_beta = cls.env["insurance.quote"].create(
            [
                {
                    "lead_id": cls.deal_offer.id,
                    "insurer_id": cls.insurer_a.id,
                    "premium": 1234.0,
                    "deductible": 250.0,
                    "terms": "Theft, fire and glass",
                },
                {
                    "lead_id": cls.deal_offer.id,
                    "insurer_id": cls.insurer_b.id,
                    "premium": 987.65,
                    "commission": 77.77,
                    "deductible": 500.0,
                    "terms": "Damage only",
                },
            ]
        )
        cls.quote_alpha.action_choose()

    def _date(self, value, lang="en_US"):
        return format_date(self.env, value, lang_code=lang)

    # Answer-by date ------------------------------------------------------

    def test_answer_by_date(self):
        end_offer = self.policy_offer.date_end
        end_review = self.policy_review.date_end
        self.assertEqual(end_offer, self.today + relativedelta(days=39))
        self.assertEqual(end_review, self.today + relativedelta(days=5))
        deal_offer = self.deal_offer.with_user(self.renewal_manager)
        deal_review = self.deal_review.with_user(self.renewal_manager)
        # The company's 14 days before the end...
        self.assertEqual(
            deal_offer.insurance_renewal_answer_by,
            end_offer - relativedelta(days=14),
        )
        # ... or, too late for them, the day before the end: never past.
        self.assertEqual(
            deal_review.insurance_renewal_answer_by,
            end_review - relativedelta(days=1),
        )
        # Set in Settings.
        settings = self.env["res.config.settings"].create(
            {"insurance_renewal_answer_days": 30}
        )
        settings.execute()
        self.assertEqual(self.company.insurance_renewal_answer_days, 30)
        self.deals.invalidate_recordset(["insurance_renewal_answer_by"])
        self.assertEqual(
            deal_offer.insurance_renewal_answer_by,
            end_offer - relativedelta(days=30),
        )
        with self.assertRaisesRegex(ValidationError, "Days to Answer"):
            self.company.insurance_renewal_answer_days = 0
        # A policy already ended: answer today.
        self.policy_review.date_end = self.today - relativedelta(days=3)
        self.assertEqual(deal_review.insurance_renewal_answer_by, self.today)

    # The PDF -------------------------------------------------------------

    def test_offer_and_review_printed_together(self):
        """The renewal manager prints the notices of two deals at once: each
        on the letterhead, one with the insurers' terms and the recommended
        one, the other inviting the client to review their cover."""
        pages = self.render_pdf_pages(
            REPORT, self.deals.with_user(self.renewal_manager)
        )
        self.assertEqual(len(pages), 2, pages)
        offer, review = pages
        end_offer = self.policy_offer.date_end
        end_review = self.policy_review.date_end
        for page in pages:
            self.assertIn("Renewal Notice", page)
            # Letterhead and footer: printed only by a patched wkhtmltopdf.
            self.assertIn(COMPANY, page)
            self.assertIn("Licensed insurance broker No. 000123", page)
            self.assertIn("Page 1 / 1", page)
            # The advisor and how to reach her.
            self.assertIn("Giedrė Stankevičienė", page)
            self.assertIn("giedre.stankeviciene@broker.example", page)
            self.assertIn("+370 611 22334", page)

        self.assertIn("Žemaitė Ąžuolienė", offer)
        self.assertNotIn("Иван Петров", offer)
        self.assertIn("POL-RN-0001", offer)
        self.assertIn("Toyota Corolla 2022, plate ABC 123", offer)
        self.assertIn("25,000.00", offer)  # sum insured
        self.assertIn("1,200.00", offer)  # current premium
        self.assertIn(
            f"{self._date(end_offer - relativedelta(months=12, days=-1))} – "
            f"{self._date(end_offer)}",
            offer,
        )
        self.assertIn(f"ends on {self._date(end_offer)}", offer)
        answer_by = self._date(end_offer - relativedelta(days=14))
        self.assertIn(f"Please answer by {answer_by}", offer)
        # The renewal offer: both insurers, the chosen one recommended.
        self.assertIn("Our Renewal Offer", offer)
        # Cheapest first, as in the offer; "Recommended" printed in capitals.
        self.assertIn("Beta Assurance Alpha Insurance RECOMMENDED", offer)
        self.assertEqual(offer.lower().count("recommended"), 1)
        self.assertIn("Premium $ 987.65 $ 1,234.00", offer)
        self.assertNotIn("contact your advisor to review", offer)
        # What the broker earns never reaches the client.
        self.assertNotIn("77.77", offer)
        self.assertNotIn("ommission", offer)

        self.assertIn("Иван Петров", review)
        self.assertNotIn("Žemaitė", review)
        self.assertIn("POL-RN-0002", review)
        self.assertIn("Beta Assurance", review)
        self.assertIn("MTPL", review)
        self.assertIn(
            f"Your policy ends on {self._date(end_review)}; contact your advisor "
            "to review your cover",
            review,
        )
        answer_by = self._date(end_review - relativedelta(days=1))
        self.assertIn(f"Please answer by {answer_by}", review)
        self.assertNotIn("recommended", review.lower())
        self.assertNotIn("Alpha Insurance", review)

    def test_each_notice_in_its_clients_language(self):
        """Printed together, each notice is written in its own client's
        language: Lithuanian and Russian dates, whatever the manager's."""
        for lang in ("lt_LT", "ru_RU"):
            self.env["res.lang"]._activate_lang(lang)
        self.client_lt.lang = "lt_LT"
        self.client_ru.lang = "ru_RU"
        pages = self.render_pdf_pages(
            REPORT, self.deals.with_user(self.renewal_manager)
        )
        self.assertEqual(len(pages), 2, pages)
        for page, policy, lang in zip(
            pages,
            self.policy_offer | self.policy_review,
            ("lt_LT", "ru_RU"),
            strict=True,
        ):
            with self.subTest(lang=lang):
                self.assertIn(policy.name, page)
                self.assertIn(self._date(policy.date_end, lang), page)
                self.assertNotIn(self._date(policy.date_end), page)
        self.assertIn(self.policy_offer.date_end.isoformat(), pages[0])
        self.assertIn(self.policy_review.date_end.strftime("%d.%m.%Y"), pages[1])

    def test_print_button(self):
        deal = self.deal_offer.with_user(self.renewal_manager)
        self.assertTrue(deal.insurance_renewal_notice_ready)
        action = deal.action_print_renewal_notice()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"],
            "insurance_broker_crm.report_insurance_renewal_notice",
        )
        self.assertEqual(action["context"]["active_ids"], deal.ids)

    # Sending -------------------------------------------------------------

    def _not_sent_domain(self):
        """The search view's "Renewal notice not sent" filter."""
        arch = self.env["crm.lead"].get_view(
            self.env.ref("crm.view_crm_case_opportunities_filter").id, "search"
        )["arch"]
        (node,) = etree.fromstring(arch).xpath(
            "//filter[@name='insurance_renewal_notice_not_sent']"
        )
        return safe_eval(node.get("domain"))

    def test_send_notice(self):
        deal = self.deal_offer.with_user(self.renewal_manager)
        not_sent = self.env["crm.lead"].search(self._not_sent_domain())
        self.assertIn(self.deal_offer, not_sent)
        self.assertIn(self.deal_review, not_sent)
        self.assertNotIn(self.lead, not_sent)  # a sales deal

        action = deal.action_send_renewal_notice()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer_form = Form(
            self.env["mail.compose.message"]
            .with_user(self.renewal_manager)
            .with_context(**action["context"], force_report_rendering=True)
        )
        end = self._date(self.policy_offer.date_end)
        answer_by = self._date(self.policy_offer.date_end - relativedelta(days=14))
        self.assertEqual(
            composer_form.subject, f"{COMPANY}: your policy POL-RN-0001 ends on {end}"
        )
        self.assertFalse(deal.insurance_renewal_notice_sent)
        composer_form.save().action_send_mail()

        message = deal.message_ids[0]
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.author_id, self.renewal_manager.partner_id)
        self.assertEqual(message.partner_ids, self.client_lt)
        self.assertIn("POL-RN-0001", message.body)
        self.assertIn(answer_by, message.body)
        self.assertNotIn("77.77", message.body)
        attachment = message.attachment_ids
        self.assertEqual(attachment.name, "Renewal Notice - POL-RN-0001.pdf")
        self.assertEqual(attachment.mimetype, "application/pdf")
        (page,) = self.pdf_pages(attachment.raw)
        self.assertIn("POL-RN-0001", page)
        self.assertIn(f"Please answer by {answer_by}", page)
        self.assertIn(COMPANY, page)

        self.assertTrue(deal.insurance_renewal_notice_sent)
        self.assertFalse(self.deal_review.insurance_renewal_notice_sent)
        not_sent = self.env["crm.lead"].search(self._not_sent_domain())
        self.assertNotIn(self.deal_offer, not_sent)
        self.assertIn(self.deal_review, not_sent)

    # Refused -------------------------------------------------------------

    def _assert_refused(self, lead, message, user=None):
        lead = lead.with_user(user or self.renewal_manager)
        messages = lead.message_ids
        for action in ("action_send_renewal_notice", "action_print_renewal_notice"):
            with (
                self.subTest(action=action),
                self.assertRaisesRegex(UserError, message),
            ):
                getattr(lead, action)()
        # From the Print menu too.
        with self.assertRaisesRegex(UserError, message):
            self.render_pdf(REPORT, lead)
        self.assertEqual(lead.message_ids, messages)
        self.assertFalse(lead.insurance_renewal_notice_sent)

    def test_refused_for_a_sales_deal(self):
        self.assertFalse(self.lead.insurance_renewal_notice_ready)
        self.lead.user_id = self.renewal_manager
        self._assert_refused(self.lead, "is not an open deal of the Renewal pipeline")

    def test_refused_for_a_closed_renewal(self):
        self.deal_review.write(
            {
                "stage_id": self.stage["renewal_refused"].id,
                "lost_reason_id": self.env["crm.lost.reason"].search([], limit=1).id,
            }
        )
        self.assertFalse(self.deal_review.insurance_renewal_notice_ready)
        self._assert_refused(
            self.deal_review, "is not an open deal of the Renewal pipeline"
        )

    def test_refused_without_client_or_policy(self):
        self.deal_review.partner_id = False
        self._assert_refused(self.deal_review, "has no client")
        no_policy = self.env["crm.lead"].create(
            {
                "name": "Renewal of a policy not linked",
                "type": "opportunity",
                "partner_id": self.client_ru.id,
                "team_id": self.stage["renewal_take"].team_id.id,
                "stage_id": self.stage["renewal_take"].id,
                "user_id": self.renewal_manager.id,
            }
        )
        self.assertFalse(no_policy.insurance_renewal_notice_ready)
        self._assert_refused(no_policy, "has no policy")

    def test_sending_needs_the_clients_email(self):
        self.client_ru.email = False
        deal = self.deal_review.with_user(self.renewal_manager)
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            deal.action_send_renewal_notice()
        # Printed to hand over, it needs none.
        self.assertTrue(self.render_pdf(REPORT, deal))

    def test_salesperson_prints_only_own_renewal_deals(self):
        """A salesperson limited to their own documents cannot print the
        notice of another user's renewal deal; theirs they can."""
        with self.assertRaises(AccessError):
            self.deal_offer.with_user(self.salesman).action_print_renewal_notice()
        with self.assertRaises(AccessError):
            self.render_pdf(REPORT, self.deal_offer.with_user(self.salesman))
        self.deal_review.user_id = self.salesman
        self.client_ru.client_manager_id = self.salesman
        (page,) = self.render_pdf_pages(
            REPORT, self.deal_review.with_user(self.salesman)
        )
        self.assertIn("POL-RN-0002", page)
        self.assertIn("Sam Seller", page)
