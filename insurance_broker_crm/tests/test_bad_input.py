from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.insurance_broker.tests.common_bad_input import (
    BadInputMixin,
    BigInt,
    is_clear_refusal,
    raw_xmlrpc_call,
    shown,
)

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestBadInput(BadInputMixin, InsuranceCrmCommon):
    """Deal amounts, cover dates, quotes, drivers and the CRM settings refuse
    NaN, infinities, 400-digit numbers and year 9999 with a message naming the
    field; nothing is written."""

    def test_every_typed_field_is_bounded(self):
        self.assertEveryTypedFieldBounded(
            [
                self.env[name]
                for name in (
                    "crm.lead",
                    "insurance.quote",
                    "insurance.lead.driver",
                    "mail.activity.type",
                    "res.company",
                    "res.config.settings",
                )
            ],
            {"insurance_broker_crm"},
        )

    def test_lead_create_and_write(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        values = {
            "name": "Bad input",
            "type": "opportunity",
            "partner_id": self.client.id,
            "user_id": self.salesman.id,
        }
        lead = self.lead.with_user(self.salesman)
        # What a user types on a lead: every bounded field but the totals
        # computed from them (refused on their own, test_deal_budget_...).
        typed = [
            name for name in Lead._insurance_bounds() if not Lead._fields[name].readonly
        ]
        self.assertIn("expected_revenue", typed)
        for field_name in typed:
            self.assertCreateRefused(Lead, values, field_name)
            self.assertWriteRefused(
                lead, field_name, extra=("deal_budget", "insurance_date_end")
            )
        self.assertWriteRefused(lead, "probability", bad=(100.5, -1))

    def test_lead_form(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        for field_name in ("insurance_date_start", "deal_premium", "discount"):
            self.assertOnchangeRefused(
                Lead,
                field_name,
                {"insurance_date_start": "2026-03-01", "insurance_term_months": 12},
            )
        form = Form(Lead)
        with self.assertRaisesRegex(ValidationError, "Desired Start Date"):
            form.insurance_date_start = date(9999, 12, 31)
        # In memory, a start in year 9999 computes no end, and no crash.
        draft = Lead.new(
            {"insurance_date_start": date(9999, 12, 31), "insurance_term_months": 12}
        )
        self.assertFalse(draft.insurance_date_end)

    def test_deal_budget_out_of_bounds(self):
        lead = self.lead.with_user(self.salesman)
        with self.assertRaisesRegex(ValidationError, "Amount to Collect"):
            lead.write(
                {
                    "deal_premium": 999_999_999_999.0,
                    "delivery_cost": 999_999_999_999.0,
                }
            )
        lead.invalidate_recordset()
        self.assertEqual(lead.deal_premium, 0.0)

    def test_quote_and_driver(self):
        Quote = self.env["insurance.quote"].with_user(self.salesman)
        values = {
            "lead_id": self.lead.id,
            "insurer_id": self.insurer_a.id,
            "premium": 100.0,
        }
        quote = Quote.create(values)
        for field_name in ("premium", "commission", "deductible"):
            self.assertCreateRefused(Quote, values, field_name)
            self.assertWriteRefused(quote, field_name, extra=("premium", "commission"))
        Driver = self.env["insurance.lead.driver"].with_user(self.salesman)
        driver_values = {"lead_id": self.lead.id, "name": "Ona"}
        driver = Driver.create(driver_values)
        for field_name in ("birth_date", "experience_years"):
            self.assertCreateRefused(Driver, driver_values, field_name)
            self.assertWriteRefused(driver, field_name)
        self.assertCreateRefused(Driver, driver_values, "experience_years", bad=(101,))

    def test_settings(self):
        company = self.env.company
        for field_name in ("insurance_card_cost", "insurance_renewal_weekly_cap"):
            self.assertWriteRefused(company, field_name)
            self.assertCreateRefused(self.env["res.config.settings"], {}, field_name)
            self.assertOnchangeRefused(self.env["res.config.settings"], field_name)
        activity_type = self.env["mail.activity.type"].create({"name": "Bad input"})
        for field_name in ("insurance_time_standard", "insurance_cost_standard"):
            self.assertWriteRefused(activity_type, field_name)


@tagged("post_install", "-at_install")
class TestBadInputRpc(HttpCase, InsuranceCrmCommon):
    """Deal amounts and cover dates sent over XML-RPC: a warning naming the
    field, never a traceback, nothing written."""

    def test_lead_over_xmlrpc(self):
        self.salesman.password = "rpc-password"
        lead = self.lead
        count = self.env["crm.lead"].search_count([])
        values = {"name": "RPC lead", "type": "opportunity"}
        cases = [
            (name, value)
            for name in ("deal_premium", "discount", "expected_revenue")
            for value in (float("nan"), float("inf"), BigInt(10**400), "9" * 400)
        ]
        cases += [
            ("insurance_term_months", BigInt(2**31)),
            ("insurance_date_start", "9999-12-31"),
            ("next_contact_date", "10000-01-01"),
        ]
        for field_name, value in cases:
            label = lead._fields[field_name].string
            for method, args in (
                ("create", [[{**values, field_name: value}]]),
                ("write", [lead.ids, {field_name: value}]),
            ):
                with self.subTest(field=field_name, method=method, value=shown(value)):
                    code, message = raw_xmlrpc_call(
                        self.url_open,
                        self.env.cr.dbname,
                        self.salesman.id,
                        "rpc-password",
                        "crm.lead",
                        method,
                        args,
                    )
                    self.assertTrue(is_clear_refusal(code, message, label), message)
        self.assertEqual(self.env["crm.lead"].search_count([]), count)
        lead.invalidate_recordset()
        self.assertEqual(lead.insurance_date_start, date(2026, 3, 1))
        self.assertEqual(lead.deal_premium, 0.0)
