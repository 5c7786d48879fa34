from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestCommissionRule(InsuranceCommon):
    def _find(self, product, business_type="new", day=date(2026, 6, 1), insurer=None):
        return self.env["insurance.commission.rule"].find_rule(
            insurer or self.insurer_a, product, business_type, day
        )

    def test_most_specific_rule_wins(self):
        # Product-specific rule for the exact business type beats the catch-all.
        self.assertEqual(self._find(self.product_casco, "new"), self.rule_a_casco_new)
        self.assertEqual(
            self._find(self.product_casco, "renewal"), self.rule_a_casco_renewal
        )
        # No product rule: the insurer-wide rule applies.
        self.assertEqual(self._find(self.product_mtpl, "new"), self.rule_a_all)
        # Cross-sales and up-sales are new business for the insurer.
        self.assertEqual(
            self._find(self.product_casco, "cross_sale"), self.rule_a_casco_new
        )
        self.assertEqual(
            self._find(self.product_casco, "up_sale"), self.rule_a_casco_new
        )

    def test_product_beats_business_type(self):
        product_any = self.env["insurance.commission.rule"].create(
            {
                "insurer_id": self.insurer_a.id,
                "product_id": self.product_mtpl.id,
                "business_type": "any",
                "rate": 7.0,
            }
        )
        all_products_new = self.env["insurance.commission.rule"].create(
            {"insurer_id": self.insurer_a.id, "business_type": "new", "rate": 9.0}
        )
        self.assertEqual(self._find(self.product_mtpl, "new"), product_any)
        self.assertEqual(self._find(self.product_property, "new"), all_products_new)
        self.assertEqual(self._find(self.product_property, "renewal"), self.rule_a_all)

    def test_validity_dates(self):
        Rule = self.env["insurance.commission.rule"]
        self.rule_a_casco_new.date_to = date(2026, 6, 30)
        successor = Rule.create(
            {
                "insurer_id": self.insurer_a.id,
                "product_id": self.product_casco.id,
                "business_type": "new",
                "rate": 18.0,
                "date_from": date(2026, 7, 1),
            }
        )
        self.assertEqual(
            self._find(self.product_casco, day=date(2026, 6, 30)), self.rule_a_casco_new
        )
        self.assertEqual(
            self._find(self.product_casco, day=date(2026, 7, 1)), successor
        )
        self.assertFalse(self._find(self.product_casco, insurer=self.insurer_b))

    def test_overlapping_rules_refused(self):
        Rule = self.env["insurance.commission.rule"]
        count = Rule.search_count([])
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            Rule.create(
                {
                    "insurer_id": self.insurer_a.id,
                    "product_id": self.product_casco.id,
                    "business_type": "new",
                    "rate": 20.0,
                    "date_from": date(2030, 1, 1),
                }
            )
        self.rule_a_casco_new.date_to = date(2026, 12, 31)
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            Rule.create(
                {
                    "insurer_id": self.insurer_a.id,
                    "product_id": self.product_casco.id,
                    "business_type": "new",
                    "rate": 20.0,
                    "date_from": date(2026, 12, 31),
                }
            )
        self.assertEqual(Rule.search_count([]), count)
        # Another company may have its own rule for the same key.
        Rule.create(
            {
                "insurer_id": self.insurer_a.id,
                "product_id": self.product_casco.id,
                "business_type": "new",
                "rate": 20.0,
                "company_id": self.other_company.id,
            }
        )

    def test_rate_out_of_range_refused(self):
        for rate in (-1, 100.5):
            with self.subTest(rate=rate):
                with self.assertRaises(ValidationError):
                    self.env["insurance.commission.rule"].create(
                        {"insurer_id": self.insurer_b.id, "rate": rate}
                    )
        with self.assertRaisesRegex(ValidationError, "cannot end before"):
            self.rule_a_all.write({"date_from": "2026-02-01", "date_to": "2026-01-31"})

    def test_fixed_commission(self):
        self.env["insurance.commission.rule"].create(
            {
                "insurer_id": self.insurer_b.id,
                "commission_type": "fixed",
                "fixed_amount": 35.0,
            }
        )
        policy = self._create_policy(insurer_id=self.insurer_b.id, premium=900.0)
        self.assertEqual(policy.commission_rate, 0.0)
        self.assertEqual(policy.commission_amount, 35.0)
