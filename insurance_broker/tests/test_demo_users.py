from odoo.exceptions import AccessDenied, AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestDemoAuditor(TransactionCase):
    """The read-only auditor of the demo data logs in with the password the
    README gives, lands on the policies and reads them all, changing none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auditor = cls.env.ref("insurance_broker.user_auditor")

    def test_auditor_groups_and_password(self):
        self.assertEqual(self.auditor.login, "ruta.mazeikiene")
        self.assertTrue(
            self.auditor.has_group("insurance_broker.group_insurance_reader")
        )
        self.assertFalse(
            self.auditor.has_group("insurance_broker.group_insurance_user_own")
        )
        auditor = self.auditor.with_user(self.auditor)
        auditor._check_credentials(
            {
                "login": "ruta.mazeikiene",
                "password": "ruta.mazeikiene",
                "type": "password",
            },
            {"interactive": True},
        )
        with self.assertRaises(AccessDenied):
            auditor._check_credentials(
                {"login": "ruta.mazeikiene", "password": "admin", "type": "password"},
                {"interactive": True},
            )

    def test_auditor_lands_on_every_policy_and_changes_none(self):
        # The web client loads the action for the user with
        # superuser rights (/web/action/load); what it lists is read as the user.
        action = self.env["ir.actions.act_window"].browse(self.auditor.action_id.id)
        self.assertEqual(
            action, self.env.ref("insurance_broker.insurance_policy_action")
        )
        policies = self.env["insurance.policy"].with_user(self.auditor)
        seen = policies.search(safe_eval(action.domain or "[]"))
        self.assertEqual(
            len(seen), self.env["insurance.policy"].search_count([]), "reads them all"
        )
        with self.assertRaises(AccessError):
            seen[0].write({"note": "audited"})
        menus = self.env["ir.ui.menu"].with_user(self.auditor)._visible_menu_ids()
        self.assertIn(self.env.ref("insurance_broker.menu_insurance_policy").id, menus)
        self.assertNotIn(
            self.env.ref("insurance_broker.menu_insurance_configuration").id, menus
        )
