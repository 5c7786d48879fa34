from odoo.tests import Form, tagged

from .common import InsuranceCrmCommon

LANGS = ("lt_LT", "ru_RU")


@tagged("post_install", "-at_install")
class TestOfferLanguage(InsuranceCrmCommon):
    """The offer e-mail is written in the client's language, whatever the
    language of the salesperson who sends it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Active languages get the suite's .po at install; load them here too
        # so that the test does not depend on the demo data activating them.
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["insurance_broker_crm"], LANGS)
        cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_a.id, "premium": 640.0}
        ).action_choose()
        cls.lead.insurance_recommendation = "The widest cover for the price."

    def _offer_composer(self, lang, user_lang="en_US"):
        # The web client sends the user's own language in the context.
        self.client.write(
            {
                "email": "client@example.com",
                "client_manager_id": self.salesman.id,
                "lang": lang,
            }
        )
        lead = self.lead.with_user(self.salesman).with_context(lang=user_lang)
        action = lead.action_send_offer()
        return Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**dict(action["context"], lang=user_lang))
        )

    def test_offer_in_clients_language(self):
        expected = {
            "lt_LT": ("Jūsų draudimo pasiūlymas", "Rekomenduojame", "Sveiki"),
            "ru_RU": ("ваше страховое предложение", "Здравствуйте", "обращайтесь"),
        }
        for lang, (subject, *body_words) in expected.items():
            with self.subTest(lang=lang):
                composer_form = self._offer_composer(lang)
                self.assertEqual(
                    composer_form.subject, f"YourCompany: {subject} (CASCO)"
                )
                for word in body_words:
                    self.assertIn(word, composer_form.body)
                self.assertIn("Alpha Insurance", composer_form.body)
                self.assertNotIn("Hello", composer_form.body)
                composer_form.save().action_send_mail()
                message = self.lead.message_ids[0]
                self.assertEqual(message.subject, f"YourCompany: {subject} (CASCO)")
                self.assertIn(body_words[0], message.body)

    def test_offer_in_english_from_lithuanian_salesperson(self):
        # An English-speaking client gets the English source, even from a
        # salesperson working in Lithuanian.
        self.salesman.lang = "lt_LT"
        composer_form = self._offer_composer("en_US", user_lang="lt_LT")
        self.assertEqual(
            composer_form.subject, "YourCompany: your insurance offer (CASCO)"
        )
        self.assertIn("Hello", composer_form.body)
        self.assertNotIn("Sveiki", composer_form.body)

    def test_courier_sms_in_clients_language(self):
        """The courier's SMS (sms_template_courier) reaches a Lithuanian client
        in Lithuanian and a Russian-speaking one in Russian."""
        template = self.env.ref("insurance_broker_crm.sms_template_courier")
        self.lead.write(
            {
                "delivery_date": "2026-03-02 09:00:00",
                "courier_name": "Jonas",
                "courier_phone": "+37060000000",
            }
        )
        expected = {
            "lt_LT": "Jūsų polisas bus pristatytas",
            "ru_RU": "Ваш полис будет доставлен",
        }
        for lang, sentence in expected.items():
            with self.subTest(lang=lang):
                self.client.lang = lang
                body = template.with_user(self.salesman)._render_field(
                    "body", self.lead.ids, compute_lang=True
                )[self.lead.id]
                self.assertIn(sentence, body)
                self.assertIn("Jonas", body)
                self.assertNotIn("will be delivered", body)
