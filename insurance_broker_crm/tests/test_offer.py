from lxml import html as lxml_html

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .common import InsuranceCrmCommon

REPORT = "insurance_broker_crm.action_report_insurance_offer"


@tagged("post_install", "-at_install")
class TestOffer(InsuranceCrmCommon, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report's assets from this server,
    which must see the test transaction (a TransactionCase would deadlock).
    The PDF itself, read back as text: test_report_pdf."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The salesperson sends the offer to a client of their own.
        cls.client.write(
            {"email": "jonas@example.com", "client_manager_id": cls.salesman.id}
        )
        cls.lead.write(
            {
                "insured_object": "Toyota Corolla 2022, plate ABC 123",
                "delivery_cost": 20.0,
                "insurance_recommendation": "Glass and a courtesy car included.",
            }
        )
        # Alpha's CASCO rule gives 15 %, i.e. 185.10; Beta has no rule, its
        # commission is typed in. Neither may reach the client.
        cls.quote_alpha, cls.quote_beta = cls.env["insurance.quote"].create(
            [
                {
                    "lead_id": cls.lead.id,
                    "insurer_id": cls.insurer_a.id,
                    "premium": 1234.0,
                    "deductible": 250.0,
                    "terms": "Theft, fire and glass; courtesy car",
                },
                {
                    "lead_id": cls.lead.id,
                    "insurer_id": cls.insurer_b.id,
                    "premium": 987.65,
                    "commission": 77.77,
                    "deductible": 500.0,
                    "terms": "Damage only, no glass",
                },
            ]
        )
        cls.quote_alpha.action_choose()

    def _render_html(self, lead=None):
        lead = lead or self.lead
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, lead.ids)[0]
        return html.decode()

    def _quote_headers(self, html):
        tree = lxml_html.fromstring(html)
        return [
            " ".join(th.text_content().split())
            for th in tree.xpath("//table[@name='offer_quotes']/thead/tr/th")[1:]
        ]

    def test_offer_compares_quotes_without_commission(self):
        self.assertEqual(self.quote_alpha.commission, 185.10)
        html = self._render_html()
        for expected in (
            "Jonas Client",
            "CASCO",
            "Toyota Corolla 2022, plate ABC 123",
            "03/01/2026",  # desired start date
            "02/28/2027",  # end of the 12 months' cover
            "Alpha Insurance",
            "Beta Assurance",
            "1,234.00",
            "987.65",
            "250.00",
            "500.00",
            "Theft, fire and glass; courtesy car",
            "Damage only, no glass",
            "1,254.00",  # amount to pay: premium + delivery
        ):
            self.assertIn(expected, html)
        for secret in ("185.10", "77.77", "Commission"):
            self.assertNotIn(secret, html)
        # Only that the insurer pays one (IDD art. 19), not how much.
        self.assertIn("the insurer pays us a commission", html)
        self.assertIn("Glass and a courtesy car included.", html)
        # Side by side, cheapest first; only the chosen one is recommended.
        self.assertEqual(
            self._quote_headers(html),
            ["Beta Assurance", "Alpha Insurance Recommended"],
        )
        self.assertEqual(html.count("Recommended"), 1)

    def test_offer_without_choice_recommends_nothing(self):
        self.quote_alpha.chosen = False
        html = self._render_html()
        self.assertEqual(
            self._quote_headers(html), ["Beta Assurance", "Alpha Insurance"]
        )
        self.assertNotIn("Recommended", html)

    def test_offer_in_client_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.ref(
            "insurance_broker_crm.report_insurance_offer_document"
        ).update_field_translations("arch_db", {"fr_FR": {"Recommended": "Recommandé"}})
        self.client.lang = "fr_FR"
        html = self._render_html()
        self.assertIn("Recommandé", html)
        self.assertNotIn("Recommended", html)
        self.assertIn("01/03/2026", html)  # French date format: day first
        self.assertNotIn("03/01/2026", html)
        self.assertIn("987,65", html)  # and French amounts: decimal comma
        self.assertNotIn("987.65", html)

    def test_print_offer(self):
        action = self.lead.with_user(self.salesman).action_print_offer()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "insurance_broker_crm.report_insurance_offer"
        )
        self.assertEqual(action["context"]["active_ids"], self.lead.ids)

    def test_send_offer(self):
        lead = self.lead.with_user(self.salesman)
        action = lead.action_send_offer()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer_form = Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"], force_report_rendering=True)
        )
        self.assertEqual(
            composer_form.subject,
            "YourCompany: your insurance offer (CASCO)",
        )
        composer_form.save().action_send_mail()

        message = lead.message_ids[0]
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.author_id, self.salesman.partner_id)
        self.assertEqual(message.partner_ids, self.client)
        self.assertEqual(
            message.notification_ids.filtered(
                lambda notif: notif.notification_type == "email"
            ).res_partner_id,
            self.client,
        )
        self.assertIn("Alpha Insurance", message.body)
        self.assertNotIn("185.10", message.body)
        attachment = message.attachment_ids
        self.assertEqual(attachment.name, "Offer - CASCO for Jonas.pdf")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("crm.lead", lead.id)
        )

    def test_no_offer_without_quotes_or_email(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Home for Jonas",
                "type": "opportunity",
                "partner_id": self.client.id,
                "team_id": self.team_sales.id,
                "user_id": self.salesman.id,
            }
        )
        messages = lead.message_ids
        write_date = lead.write_date
        for action in ("action_send_offer", "action_print_offer"):
            with self.assertRaisesRegex(UserError, "has no quotes"):
                getattr(lead.with_user(self.salesman), action)()
        self.assertEqual(lead.message_ids, messages)
        self.assertEqual(lead.write_date, write_date)

        self.client.email = False
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            self.lead.action_send_offer()
        # Printing it to hand over needs no e-mail.
        self.assertTrue(self.lead.action_print_offer())

    def test_send_offer_needs_recommendation(self):
        """Recommending a quote, the offer says why (IDD art. 20): the demo
        salesperson cannot send it before writing the reason; printing it to
        discuss is allowed."""
        lukas = self.env.ref("insurance_broker_crm.user_salesperson_lukas")
        self.client.client_manager_id = lukas
        self.lead.write({"user_id": lukas.id, "insurance_recommendation": " \n "})
        lead = self.lead.with_user(lukas)
        messages = lead.message_ids
        with self.assertRaisesRegex(
            UserError,
            "The offer of CASCO for Jonas recommends Alpha Insurance: write why "
            "in “Why we recommend it”",
        ):
            lead.action_send_offer()
        self.assertEqual(lead.message_ids, messages)
        self.assertEqual(lead.action_print_offer()["type"], "ir.actions.report")

        lead.insurance_recommendation = "Glass and a courtesy car included."
        self.assertEqual(lead.action_send_offer()["res_model"], "mail.compose.message")

        # Quotes compared, none recommended: nothing to explain.
        self.quote_alpha.chosen = False
        lead.insurance_recommendation = False
        self.assertEqual(lead.action_send_offer()["res_model"], "mail.compose.message")

    def test_offer_schedule_is_the_policys(self):
        """The instalments the offer prints are those the policy issued from
        the deal plans: its frequency carried over, the same split."""
        self.lead.write(
            {"insurance_payment_frequency": "monthly", "policy_number": "POL-OFFER-1"}
        )
        self.quote_alpha.premium = 1000.0
        plan = self.lead._insurance_offer_installments()
        self.assertEqual(len(plan), 12)
        self.assertEqual(round(sum(amount for __, amount in plan), 2), 1000.0)
        self.assertEqual(plan[-1][1], 83.37)  # 11 x 83.33 + the remainder
        policy = self.lead._ensure_policy()
        self.assertEqual(policy.payment_frequency, "monthly")
        self.assertEqual(
            [(i.date_due, i.amount) for i in policy.installment_ids.sorted("sequence")],
            plan,
        )

    def test_demo_offers_explain_their_recommendation(self):
        """The demo's Sales deals recommending a quote can be sent: each says
        why."""
        for xmlid in (
            "lead_journey_ieva_casco",
            "lead_sales_ruta_mtpl",
            "lead_sales_jan_casco",
            "lead_sales_andrius_mtpl",
        ):
            deal = self.env.ref(f"insurance_broker_crm.{xmlid}")
            with self.subTest(deal=deal.name):
                self.assertTrue(deal.chosen_quote_id)
                self.assertTrue(deal.insurance_makes_offers)
                self.assertTrue(deal.insurance_recommendation)
