from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoLanguages(TransactionCase):
    """The demo has a client in each language of the suite, and a database
    with these languages active shows the suite's own translations without
    loading them by hand."""

    def test_demo_clients_speak_each_language(self):
        ref = self.env.ref
        active_langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for xmlid, lang in (
            ("insurance_broker.client_laura_petrauskaite", "lt_LT"),
            ("insurance_broker.client_tomas_jankauskas", "lt_LT"),
            ("insurance_broker.client_irina_bykova", "ru_RU"),
            ("insurance_broker.client_wang_wei", "zh_CN"),
        ):
            with self.subTest(client=xmlid):
                client = ref(xmlid)
                self.assertEqual(client.lang, lang)
                self.assertIn(lang, active_langs)
                self.assertTrue(
                    client.policy_ids.filtered(lambda p: p.state == "active")
                )

    def test_suite_translated_at_install(self):
        menus = self.env.ref("insurance_broker.menu_insurance_root") | self.env.ref(
            "insurance_broker.menu_insurance_policy"
        )
        for lang, names in (
            ("lt_LT", ["Draudimas", "Polisai"]),
            ("ru_RU", ["Страхование", "Полисы"]),
            ("zh_CN", ["保险", "保单"]),
        ):
            with self.subTest(lang=lang):
                self.assertEqual(menus.with_context(lang=lang).mapped("name"), names)
