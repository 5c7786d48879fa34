from odoo.exceptions import AccessDenied
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestDemoAccountant(TransactionCase):
    """The accountant of the demo data (Invoicing alone, as in the README's
    roles) logs in with the password the README gives and lands on the
    premium invoices; the sales pipelines are not theirs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.env.ref("insurance_broker_account.user_accountant")

    def test_accountant_groups_and_password(self):
        self.assertEqual(self.accountant.login, "ieva.jankauskiene")
        self.assertTrue(self.accountant.has_group("account.group_account_invoice"))
        for group in (
            "account.group_account_manager",
            "insurance_broker.group_insurance_reader",
            "insurance_broker.group_insurance_user_own",
            "sales_team.group_sale_salesman",
        ):
            self.assertFalse(self.accountant.has_group(group), group)
        accountant = self.accountant.with_user(self.accountant)
        accountant._check_credentials(
            {
                "login": "ieva.jankauskiene",
                "password": "ieva.jankauskiene",
                "type": "password",
            },
            {"interactive": True},
        )
        with self.assertRaises(AccessDenied):
            accountant._check_credentials(
                {"login": "ieva.jankauskiene", "password": "admin", "type": "password"},
                {"interactive": True},
            )

    def test_accountant_lands_on_premium_invoices(self):
        # The web client loads the action for the user with
        # superuser rights (/web/action/load); what it lists is read as the user.
        action = self.env["ir.actions.act_window"].browse(self.accountant.action_id.id)
        self.assertEqual(
            action,
            self.env.ref(
                "insurance_broker_account.account_move_action_insurance_premium"
            ),
        )
        invoices = (
            self.env["account.move"]
            .with_user(self.accountant)
            .search(safe_eval(action.domain))
        )
        self.assertTrue(invoices, "the demo's premium invoices")
        self.assertEqual(set(invoices.mapped("insurance_move_kind")), {"premium"})

    def test_accountant_sees_no_pipeline(self):
        """The Insurance app opens for the policies and clients the accountant
        reads; no menu of it (nor of any other app) opens a CRM deal."""
        menus = self.env["ir.ui.menu"].browse(
            self.env["ir.ui.menu"].with_user(self.accountant)._visible_menu_ids()
        )
        self.assertIn(self.env.ref("insurance_broker.menu_insurance_root"), menus)
        self.assertIn(self.env.ref("insurance_broker.menu_insurance_policy"), menus)
        self.assertFalse(
            menus.filtered(
                lambda menu: (
                    menu.action
                    and menu.action._name == "ir.actions.act_window"
                    and menu.action.res_model == "crm.lead"
                )
            )
        )
