from odoo.exceptions import AccessDenied
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

# The office of the demo data: login -> (groups the role needs, groups it
# must not have, the pipeline its home action opens). The password of each
# is its login (README, "Demo users").
SALES = "insurance_broker_crm.team_insurance_sales"
FULFILMENT = "insurance_broker_crm.team_insurance_fulfilment"
RENEWAL = "insurance_broker_crm.team_insurance_renewal"
OWN_SALESPERSON = (
    ["sales_team.group_sale_salesman", "insurance_broker.group_insurance_user_own"],
    [
        "sales_team.group_sale_salesman_all_leads",
        "insurance_broker.group_insurance_user",
    ],
    SALES,
)
FULFILMENT_STAFF = (
    ["sales_team.group_sale_salesman_all_leads"],
    ["sales_team.group_sale_manager", "insurance_broker.group_insurance_user_own"],
    FULFILMENT,
)
DEMO_OFFICE = {
    "lukas.vaitkus": OWN_SALESPERSON,
    "emma.schneider": OWN_SALESPERSON,
    "tomas.kazlauskas": (
        [
            "sales_team.group_sale_salesman_all_leads",
            "insurance_broker.group_insurance_user",
        ],
        ["sales_team.group_sale_manager", "insurance_broker.group_insurance_manager"],
        SALES,
    ),
    "daiva.petraitiene": (
        ["sales_team.group_sale_manager", "insurance_broker.group_insurance_user"],
        ["insurance_broker.group_insurance_manager"],
        SALES,
    ),
    "giedre.stankeviciene": (
        [
            "sales_team.group_sale_salesman_all_leads",
            "insurance_broker.group_insurance_user",
        ],
        ["sales_team.group_sale_manager", "insurance_broker.group_insurance_manager"],
        RENEWAL,
    ),
    "mindaugas.navickas": FULFILMENT_STAFF,
    "jurgita.bruzaite": FULFILMENT_STAFF,
    "paulius.zukauskas": FULFILMENT_STAFF,
    "aiste.rimkute": FULFILMENT_STAFF,
}


@tagged("post_install", "-at_install")
class TestDemoUsers(TransactionCase):
    """Each role of the office has a demo user who logs in with the password
    the README gives and lands on its own pipeline."""

    def _user(self, login):
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertEqual(len(user), 1, f"demo user {login} missing")
        return user

    def test_each_role_has_its_groups(self):
        for login, (groups, not_groups, _team) in DEMO_OFFICE.items():
            user = self._user(login)
            with self.subTest(login=login):
                for group in groups:
                    self.assertTrue(user.has_group(group), group)
                for group in not_groups:
                    self.assertFalse(user.has_group(group), group)
                self.assertEqual(user.company_id, self.env.ref("base.main_company"))
                self.assertEqual(user.tz, "Europe/Vilnius")

    def test_each_logs_in_with_its_login_as_password(self):
        for login in DEMO_OFFICE:
            user = self._user(login).with_user(self._user(login))
            with self.subTest(login=login):
                user._check_credentials(
                    {"login": login, "password": login, "type": "password"},
                    {"interactive": True},
                )
                with self.assertRaises(AccessDenied):
                    user._check_credentials(
                        {"login": login, "password": "admin", "type": "password"},
                        {"interactive": True},
                    )

    def test_home_action_opens_own_pipeline(self):
        for login, (_groups, _not_groups, team_xmlid) in DEMO_OFFICE.items():
            user = self._user(login)
            team = self.env.ref(team_xmlid)
            with self.subTest(login=login):
                # What the web client does on login: load the home action
                # (with superuser rights, /web/action/load), then list what
                # its domain and context give, as the user.
                action = self.env["ir.actions.act_window"].browse(user.action_id.id)
                self.assertEqual(action.res_model, "crm.lead")
                self.assertEqual(action.view_mode.split(",")[0], "kanban")
                context = safe_eval(action.context, {"uid": user.id})
                self.assertEqual(context["default_team_id"], team.id)
                leads = (
                    self.env["crm.lead"]
                    .with_user(user)
                    .with_context(**context)
                    .search(safe_eval(action.domain or "[]", {"uid": user.id}))
                )
                self.assertTrue(leads, "the demo pipeline shows deals")
                self.assertEqual(leads.team_id, team)
