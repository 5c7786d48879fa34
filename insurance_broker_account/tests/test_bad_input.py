from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.common_bad_input import (
    BAD_NUMBERS,
    BadInputMixin,
)

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestBadInput(BadInputMixin, InsuranceAccountCommon):
    """Producer shares, reminder levels, commission lines, the invoicing
    settings and the period wizards refuse NaN, infinities, 400-digit numbers
    and year 9999 with a message naming the field; nothing is written."""

    def test_every_typed_field_is_bounded(self):
        self.assertEveryTypedFieldBounded(
            [
                self.env[name]
                for name in (
                    "insurance.producer.share",
                    "insurance.reminder.level",
                    "insurance.commission.line",
                    "insurance.commission.invoice.wizard",
                    "insurance.producer.statement.wizard",
                    "res.company",
                    "res.config.settings",
                )
            ],
            {"insurance_broker_account"},
        )

    def test_producer_share(self):
        Share = self.env["insurance.producer.share"].with_user(self.accountant)
        values = {
            "user_id": self.salesperson.id,
            "percent": 30.0,
            "date_from": "2026-01-01",
        }
        share = Share.create(values)
        values["user_id"] = self.insurance_manager.id
        for field_name in ("percent", "date_from", "date_to"):
            self.assertCreateRefused(Share, values, field_name)
            self.assertWriteRefused(share, field_name)
        self.assertCreateRefused(Share, values, "percent", bad=(100.01, -5.0))

    def test_reminder_level(self):
        Level = self.env["insurance.reminder.level"].with_user(self.accountant)
        values = {"name": "Late", "days": 45}
        level = Level.create(values)
        self.assertCreateRefused(Level, values, "days")
        self.assertWriteRefused(level, "days", bad=(*BAD_NUMBERS, 0, 3651))

    def test_commission_line(self):
        policy = self._create_policy()
        line = policy.commission_line_ids[:1].with_user(self.accountant)
        self.assertTrue(line)
        for field_name in ("amount", "date"):
            self.assertWriteRefused(line, field_name)
            self.assertCreateRefused(
                self.env["insurance.commission.line"].with_user(self.accountant),
                {"policy_id": policy.id, "date": "2026-01-01", "amount": 1.0},
                field_name,
            )

    def test_settings_and_wizards(self):
        self.assertWriteRefused(self.company, "insurance_invoice_lead_days")
        Settings = self.env["res.config.settings"]
        self.assertCreateRefused(Settings, {}, "insurance_invoice_lead_days")
        self.assertOnchangeRefused(Settings, "insurance_invoice_lead_days")
        for model in (
            "insurance.commission.invoice.wizard",
            "insurance.producer.statement.wizard",
        ):
            Wizard = self.env[model].with_user(self.accountant)
            for field_name in ("date_from", "date_to"):
                self.assertCreateRefused(Wizard, {}, field_name)
                self.assertOnchangeRefused(Wizard, field_name)

    def test_cancellation_keeps_invoices_when_refused(self):
        policy = self._create_policy(payment_frequency="quarterly")
        lines = policy.commission_line_ids
        with self.assertRaisesRegex(UserError, "is outside"):
            policy.with_user(self.insurance_manager)._cancel("Sold", "2031-01-01")
        self.assertEqual(policy.state, "active")
        self.assertEqual(policy.commission_line_ids, lines)
        self.assertEqual(len(policy.installment_ids), 4)
