from ast import literal_eval
from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestUiLabels(InsuranceCommon):
    """What the screens show: as each user sees them."""

    def _form_arch(self, user=None):
        Policy = self.env["insurance.policy"]
        if user:
            Policy = Policy.with_user(user)
        return etree.fromstring(Policy.get_view(view_type="form")["arch"])

    def test_vehicle_year_has_no_thousands_separator(self):
        (year,) = self._form_arch().xpath("//field[@name='vehicle_year']")
        self.assertIs(literal_eval(year.get("options"))["enable_formatting"], False)

    def test_read_only_user_sees_no_button_to_change_a_policy(self):
        buttons = (
            "action_confirm",
            "action_renew",
            "action_open_cancel_wizard",
            "action_reset_to_draft",
        )
        for user, shown in ((self.reader, False), (self.user_own, True)):
            header = self._form_arch(user).xpath("//header")[0]
            for name in buttons:
                self.assertEqual(
                    bool(header.xpath(f"button[@name='{name}']")),
                    shown,
                    f"{name} for {user.name}",
                )

    @freeze_time("2026-06-15")
    def test_analysis_opens_on_the_last_12_months(self):
        action = self.env.ref("insurance_broker.insurance_policy_action_report")
        context = safe_eval(action.context)
        self.assertEqual(context.get("search_default_last_12_months"), 1)
        search = etree.fromstring(
            self.env["insurance.policy"].get_view(
                action.search_view_id.id, view_type="search"
            )["arch"]
        )
        (last_12,) = search.xpath("//filter[@name='last_12_months']")
        domain = safe_eval(
            last_12.get("domain"),
            {
                "context_today": lambda: date(2026, 6, 15),
                "relativedelta": relativedelta,
            },
        )
        old = self._create_policy(confirm=True, date_start="2025-06-30")
        recent = self._create_policy(confirm=True, date_start="2025-07-01")
        found = self.env["insurance.policy"].search(
            [*domain, ("id", "in", (old | recent).ids)]
        )
        self.assertEqual(found, recent)

    def test_insurance_has_its_own_settings_page(self):
        action = self.env.ref("insurance_broker.insurance_config_settings_action")
        self.assertEqual(safe_eval(action.context)["module"], "insurance_broker")
        arch = etree.fromstring(
            self.env["res.config.settings"].get_view(
                action.view_id.id, view_type="form"
            )["arch"]
        )
        (app,) = arch.xpath("//app[@name='insurance_broker']")
        self.assertEqual(app.get("string"), "Insurance")
        self.assertTrue(app.xpath(".//setting[@id='insurance_commission_rules']"))
        menu = self.env.ref("insurance_broker.menu_insurance_config_settings")
        self.assertEqual(
            menu.parent_id,
            self.env.ref("insurance_broker.menu_insurance_configuration"),
        )
