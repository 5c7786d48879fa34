from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import InsuranceCommon
from .common_bad_input import (
    BAD_DATES,
    BAD_NUMBERS,
    BadInputMixin,
    BigInt,
    is_clear_refusal,
    raw_xmlrpc_call,
    shown,
)

# What a user types on a policy (the cancellation date: through the wizard).
POLICY_FIELDS = (
    "premium",
    "sum_insured",
    "commission_rate",
    "commission_amount",
    "term_months",
    "vehicle_year",
    "date_start",
    "date_end",
)


@tagged("post_install", "-at_install")
class TestBadInput(BadInputMixin, InsuranceCommon):
    """NaN, infinities, 400-digit numbers, year 9999 and dates out of the
    cover are refused with a message naming the field; nothing is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Policy = cls.env["insurance.policy"].with_user(cls.user_all)
        cls.policy = cls._create_policy(name="BAD-1")

    def test_every_typed_field_is_bounded(self):
        self.assertEveryTypedFieldBounded(
            [
                self.env[name]
                for name in (
                    "insurance.policy",
                    "insurance.policy.installment",
                    "insurance.commission.rule",
                    "insurance.product",
                    "insurance.policy.cancel",
                )
            ],
            {"insurance_broker"},
        )

    def test_policy_create(self):
        values = self._policy_values(name="BAD-NEW")
        for field_name in POLICY_FIELDS:
            self.assertCreateRefused(self.Policy, values, field_name)

    def test_policy_write(self):
        policy = self.policy.with_user(self.user_all)
        for field_name in POLICY_FIELDS:
            self.assertWriteRefused(
                policy, field_name, extra=("date_end", "premium", "commission_amount")
            )

    def test_policy_form(self):
        for field_name in ("premium", "sum_insured", "term_months", "date_start"):
            self.assertOnchangeRefused(
                self.Policy,
                field_name,
                {"date_start": "2026-01-01", "term_months": 12, "premium": 10.0},
            )
        form = Form(self.Policy)
        form.partner_id = self.client
        with self.assertRaisesRegex(ValidationError, "Start Date"):
            form.date_start = date(9999, 12, 31)
        # A record in memory (an import's preview, a default) computes no end
        # out of the calendar: the constraint, not a crash, refuses it.
        draft = self.Policy.new({"date_start": date(9999, 12, 31), "term_months": 12})
        self.assertEqual(draft.date_end, date(9999, 12, 31))
        self.assertIsNone(self.Policy.end_date_for(date(9999, 12, 31), 12))
        self.assertIsNone(self.Policy.end_date_for(date(2026, 1, 1), 10**6))

    def test_import(self):
        """A spreadsheet import reports the bad cell of each refused row and
        imports nothing."""
        count = self.Policy.search_count([])
        columns = ["name", "partner_id/.id", "insurer_id/.id", "date_start", "premium"]
        for row in (
            ["IMP-1", self.client.id, self.insurer_a.id, "2026-01-01", "1e400"],
            ["IMP-2", self.client.id, self.insurer_a.id, "2026-01-01", "9" * 400],
            ["IMP-3", self.client.id, self.insurer_a.id, "9999-12-31", "10"],
        ):
            with self.subTest(row=row[0]):
                result = self.Policy.load(columns, [[str(value) for value in row]])
                self.assertFalse(result["ids"])
                self.assertRegex(result["messages"][0]["message"], "Premium|Start Date")
                BadInputMixin.probes += 1
        self.assertEqual(self.Policy.search_count([]), count)

    def test_values_in_bounds_accepted(self):
        policy = self._create_policy(
            name="BAD-OK",
            premium=999_999_999_999.0,
            sum_insured=0.0,
            date_start="1900-01-01",
            term_months=1200,
        )
        self.assertEqual(policy.date_end, date(1999, 12, 31))
        policy.write({"date_start": "2199-01-01", "term_months": 24})
        self.assertEqual(policy.date_end, date(2200, 12, 31))

    def test_computed_end_out_of_bounds(self):
        count = self.Policy.search_count([])
        with self.assertRaisesRegex(ValidationError, "End Date"):
            self._create_policy(name="BAD-END", date_start="2200-06-01")
        with self.assertRaisesRegex(ValidationError, "at most 100 years"):
            self._create_policy(
                name="BAD-LONG", date_start="2026-01-01", date_end="2200-01-01"
            )
        with self.assertRaisesRegex(ValidationError, r"Term \(months\)"):
            self._create_policy(name="BAD-TERM", term_months=1201)
        self.assertEqual(self.Policy.search_count([]), count)

    def test_cancellation_date_inside_cover(self):
        policy = self._create_policy(
            confirm=True, name="BAD-CANCEL", payment_frequency="quarterly"
        ).with_user(self.user_all)
        installments = policy.installment_ids
        for bad in ("2024-12-31", "2027-01-01", "2040-01-01", "9999-12-31"):
            with self.subTest(date=bad):
                with self.assertRaisesRegex(UserError, "is outside"):
                    policy._cancel("Sold", bad)
                self.assertEqual(policy.state, "active")
                self.assertFalse(policy.cancel_date)
                self.assertEqual(policy.installment_ids, installments)
        Wizard = self.env["insurance.policy.cancel"].with_user(self.user_all)
        for bad in BAD_DATES:
            with self.subTest(date=str(bad)), self.assertRaises(ValidationError) as e:
                Wizard.create({"policy_ids": policy.ids, "reason": "Sold", "date": bad})
            self.assertIn("Cancellation Date", str(e.exception))
        wizard = Form(
            Wizard.with_context(active_model=policy._name, active_ids=policy.ids)
        )
        wizard.reason = "Sold"
        wizard.date = date(2031, 1, 1)
        with self.assertRaisesRegex(UserError, "is outside"):
            wizard.save().action_cancel()
        self.assertEqual(policy.state, "active")
        # Cancelled before it starts: nothing is owed.
        policy._cancel("Insurer refused the risk", "2025-12-31")
        self.assertEqual(policy.state, "cancelled")
        self.assertFalse(policy.installment_ids)

    def test_commission_rule(self):
        Rule = self.env["insurance.commission.rule"].with_user(self.manager)
        values = {
            "insurer_id": self.insurer_b.id,
            "business_type": "any",
            "rate": 5.0,
        }
        for field_name in ("rate", "fixed_amount", "date_from", "date_to"):
            self.assertCreateRefused(Rule, values, field_name)
            self.assertWriteRefused(self.rule_a_all.with_user(self.manager), field_name)
        self.assertCreateRefused(Rule, values, "rate", bad=(100.5, -1.0))

    def test_installment_and_product(self):
        policy = self._create_policy(confirm=True, name="BAD-INST")
        installment = policy.installment_ids[:1].with_user(self.manager)
        for field_name in ("amount", "date_due", "sequence"):
            self.assertWriteRefused(installment, field_name)
        Product = self.env["insurance.product"].with_user(self.manager)
        self.assertCreateRefused(Product, {"name": "Odd"}, "default_term_months")
        self.assertWriteRefused(
            self.product_property.with_user(self.manager),
            "default_term_months",
            bad=(0, -12, 1201),
        )

    # ------------------------------------------------------------
    # Policy numbers
    # ------------------------------------------------------------

    def test_number_unique_after_normalising(self):
        first = self._create_policy(name="AB 123")
        self.assertEqual(first.name_key, "AB123")
        count = self.Policy.search_count([])
        for clash in ("AB123", "ab123", " a b 1 2 3 ", "Ab\u00a0123"):
            with self.subTest(number=clash):
                with self.assertRaisesRegex(ValidationError, "AB 123") as caught:
                    self.Policy.create(self._policy_values(name=clash))
                self.assertIn(self.client.name, str(caught.exception))
                self.assertIn(self.insurer_a.name, str(caught.exception))
        self.assertEqual(self.Policy.search_count([]), count)
        # Another insurer may use the same number.
        other = self.Policy.create(
            self._policy_values(name="ab123", insurer_id=self.insurer_b.id)
        )
        # Renaming or moving a policy onto the number is refused too.
        second = self._create_policy(name="CD-1").with_user(self.user_all)
        with self.assertRaisesRegex(ValidationError, "AB 123"):
            second.name = "ab 12 3"
        with self.assertRaisesRegex(ValidationError, "AB 123"):
            other.insurer_id = self.insurer_a
        second.invalidate_recordset()
        other.invalidate_recordset()
        self.assertEqual((second.name, other.insurer_id), ("CD-1", self.insurer_b))
        # Two policies given one number in one write.
        third = self._create_policy(name="CD-2").with_user(self.user_all)
        with self.assertRaisesRegex(ValidationError, "are the same"):
            (second | third).write({"name": "EF-1"})
        # Two new policies given one number in one import.
        with self.assertRaisesRegex(ValidationError, "GH 1 and gh1 are the same"):
            self.Policy.create(
                [self._policy_values(name="GH 1"), self._policy_values(name="gh1")]
            )
        # The unique index on the normalised number guards what races past.
        self.env.cr.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conname = 'insurance_policy_number_insurer_uniq'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], "UNIQUE (insurer_id, name_key)")

    def test_number_clash_does_not_show_an_unreadable_policy(self):
        stranger = self.env["res.partner"].create(
            {"name": "Secret Client", "client_manager_id": self.user_own_2.id}
        )
        self._create_policy(name="ZZ-9", partner_id=stranger.id)
        with self.assertRaisesRegex(ValidationError, "ZZ-9") as caught:
            self.env["insurance.policy"].with_user(self.user_own).create(
                self._policy_values(name="zz -9")
            )
        self.assertNotIn("Secret Client", str(caught.exception))


@tagged("post_install", "-at_install")
class TestBadInputRpc(HttpCase, InsuranceCommon):
    """The same refusals over XML-RPC: a warning naming the field, never a
    traceback, nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_all.password = "rpc-password"

    def _call(self, model, method, *args):
        return raw_xmlrpc_call(
            self.url_open,
            self.env.cr.dbname,
            self.user_all.id,
            "rpc-password",
            model,
            method,
            list(args),
        )

    def test_policy_over_xmlrpc(self):
        policy = self._create_policy(name="RPC-1")
        values = self._policy_values(name="RPC-2")
        count = self.env["insurance.policy"].search_count([])
        cases = [
            (name, value)
            for name in ("premium", "sum_insured")
            for value in (
                *BAD_NUMBERS[:3],
                BigInt(10**400),
                "9" * 400,
            )
        ]
        cases += [("term_months", BigInt(10**400)), ("term_months", BigInt(2**31))]
        cases += [("date_start", value) for value in ("9999-12-31", "10000-01-01")]
        for field_name, value in cases:
            label = self.env["insurance.policy"]._fields[field_name].string
            for method, args in (
                ("create", ([{**values, field_name: value}],)),
                ("write", (policy.ids, {field_name: value})),
            ):
                with self.subTest(field=field_name, method=method, value=shown(value)):
                    code, message = self._call("insurance.policy", method, *args)
                    self.assertTrue(is_clear_refusal(code, message, label), message)
        self.assertEqual(self.env["insurance.policy"].search_count([]), count)
        policy.invalidate_recordset()
        self.assertEqual(
            (policy.premium, policy.date_start, policy.term_months),
            (1200.0, date(2026, 1, 1), 12),
        )

    def test_cancellation_over_xmlrpc(self):
        policy = self._create_policy(name="RPC-3", confirm=True)
        code, wizard_id = self._call(
            "insurance.policy.cancel",
            "create",
            {
                "policy_ids": [(6, 0, policy.ids)],
                "reason": "Sold",
                "date": "2099-01-01",
            },
        )
        self.assertIsNone(code, wizard_id)
        code, message = self._call(
            "insurance.policy.cancel", "action_cancel", [wizard_id]
        )
        self.assertEqual(code, 2, message)
        self.assertIn("is outside", message)
        self.assertNotIn("Traceback", message)
        policy.invalidate_recordset()
        self.assertEqual(policy.state, "active")
