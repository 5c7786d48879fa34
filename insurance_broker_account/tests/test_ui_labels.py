from lxml import etree

from odoo.tests import freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestUiLabels(InsuranceAccountCommon):
    """What the accounting screens show, as the user who opens them."""

    @freeze_time("2026-03-15")
    def test_billing_status_of_future_instalments_tells_the_truth(self):
        insurer_collects = self._create_policy(
            payment_frequency="quarterly", insurer_id=self.insurer_direct.id
        )
        broker_collects = self._create_policy(payment_frequency="quarterly")
        # Due 1 January: collected by the insurer; 1 April onwards: not due.
        self.assertEqual(
            insurer_collects.installment_ids.mapped("billing_status"),
            ["insurer", "not_due", "not_due", "not_due"],
        )
        self.assertEqual(
            broker_collects.installment_ids.mapped("billing_status"),
            ["to_invoice"] * 4,
        )
        labels = dict(
            self.env["insurance.policy.installment"]
            ._fields["billing_status"]
            ._description_selection(self.env)
        )
        self.assertEqual(labels["not_due"], "Not due yet")
        stored = dict(
            self.env["insurance.policy.installment"]
            ._fields["invoice_state"]
            ._description_selection(self.env)
        )
        self.assertNotIn("Paid", stored["not_billed"])
        # The lists show it, not the stored status.
        for view_type in ("list", "form"):
            arch = etree.fromstring(
                self.env["insurance.policy.installment"].get_view(view_type=view_type)[
                    "arch"
                ]
            )
            shown = [
                node.get("name")
                for node in arch.xpath("//field")
                if node.get("column_invisible") not in ("True", "1")
                and node.get("invisible") not in ("True", "1")
            ]
            self.assertIn("billing_status", shown, view_type)
            self.assertNotIn("invoice_state", shown, view_type)

    def test_accountant_sees_no_button_to_change_a_policy(self):
        """An accountant reads policies: Confirm, Renew, Cancel and Reset are
        hidden from them; invoicing the due instalments is theirs."""
        for user in (self.invoicing_user, self.accountant):
            arch = etree.fromstring(
                self.env["insurance.policy"]
                .with_user(user)
                .get_view(view_type="form")["arch"]
            )
            buttons = {node.get("name") for node in arch.xpath("//header/button")}
            self.assertEqual(
                buttons
                & {
                    "action_confirm",
                    "action_renew",
                    "action_open_cancel_wizard",
                    "action_reset_to_draft",
                },
                set(),
                user.name,
            )
            self.assertIn("action_invoice_due_installments", buttons)
        arch = etree.fromstring(
            self.env["insurance.policy"]
            .with_user(self.salesperson)
            .get_view(view_type="form")["arch"]
        )
        self.assertTrue(arch.xpath("//header/button[@name='action_renew']"))

    def test_analyses_open_on_the_last_12_months(self):
        for xmlid in (
            "insurance_broker_account.insurance_payment_report_action",
            "insurance_broker_account.insurance_commission_leakage_report_action",
            "insurance_broker_account.insurance_commission_line_action_analysis",
        ):
            action = self.env.ref(xmlid)
            self.assertTrue(action.view_mode.startswith("pivot"), xmlid)
            context = safe_eval(action.context or "{}")
            self.assertEqual(context.get("search_default_last_12_months"), 1, xmlid)
            search = etree.fromstring(
                self.env[action.res_model].get_view(
                    action.search_view_id.id, view_type="search"
                )["arch"]
            )
            self.assertTrue(search.xpath("//filter[@name='last_12_months']"), xmlid)
        self.assertEqual(
            self.env.ref(
                "insurance_broker_account.insurance_commission_line_menu_reporting"
            ).action,
            self.env.ref(
                "insurance_broker_account.insurance_commission_line_action_analysis"
            ),
        )

    def test_premium_settings_are_on_the_insurance_page(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_view(view_type="form")["arch"]
        )
        (app,) = arch.xpath("//app[@name='insurance_broker']")
        for name in (
            "insurance_invoice_lead_days",
            "insurance_invoice_grace_days",
            "insurance_insurer_bill_grouping",
            "insurance_commission_tax_id",
        ):
            self.assertTrue(app.xpath(f".//field[@name='{name}']"), name)
