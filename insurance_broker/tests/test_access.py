from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestAccess(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_client = cls.env["res.partner"].create(
            {
                "name": "Other's Client",
                "client_type": "company",
                "client_manager_id": cls.user_own_2.id,
            }
        )
        cls.own_policy = cls._create_policy(confirm=True)
        cls.other_policy = cls._create_policy(
            confirm=True, partner_id=cls.other_client.id
        )
        cls.foreign_policy = cls._create_policy(
            confirm=True,
            company_id=cls.other_company.id,
            partner_id=cls.other_client.id,
        )
        cls.foreign_policy.client_manager_id = cls.user_all

    def test_own_user_sees_only_own_clients(self):
        Policy = self.env["insurance.policy"].with_user(self.user_own)
        visible = Policy.search(
            [("id", "in", (self.own_policy | self.other_policy).ids)]
        )
        self.assertEqual(visible, self.own_policy)
        with self.assertRaises(AccessError):
            self.other_policy.with_user(self.user_own).read(["premium"])
        Partner = self.env["res.partner"].with_user(self.user_own)
        self.assertTrue(Partner.search([("id", "=", self.client.id)]))
        self.assertFalse(Partner.search([("id", "=", self.other_client.id)]))
        # Insurers are not clients: everyone sees them.
        self.assertTrue(Partner.search([("id", "=", self.insurer_a.id)]))
        installments = (
            self.env["insurance.policy.installment"].with_user(self.user_own).search([])
        )
        self.assertEqual(installments.policy_id, self.own_policy)

    def test_own_user_works_on_own_policies(self):
        policy = (
            self.env["insurance.policy"]
            .with_user(self.user_own)
            .create(self._policy_values(name="OWN-NEW", payment_frequency="monthly"))
        )
        self.assertEqual(policy.client_manager_id, self.user_own)
        policy.action_confirm()
        self.assertEqual(len(policy.installment_ids), 12)
        with self.assertRaises(AccessError):
            self.other_policy.with_user(self.user_own).write({"premium": 1.0})
        with self.assertRaises(AccessError):
            self.env["insurance.commission.rule"].with_user(self.user_own).create(
                {"insurer_id": self.insurer_b.id, "rate": 5}
            )

    def test_all_user_sees_all_clients_of_its_companies(self):
        Policy = self.env["insurance.policy"].with_user(self.user_all)
        visible = Policy.search(
            [
                (
                    "id",
                    "in",
                    (self.own_policy | self.other_policy | self.foreign_policy).ids,
                )
            ]
        )
        self.assertEqual(visible, self.own_policy | self.other_policy)
        with self.assertRaises(AccessError):
            self.foreign_policy.with_user(self.user_all).read(["premium"])
        self.other_policy.with_user(self.user_all).write({"sum_insured": 10000.0})
        with self.assertRaises(AccessError):
            self.env["insurance.product"].with_user(self.user_all).create(
                {"name": "Pets"}
            )

    def test_reader_reads_but_cannot_write(self):
        Policy = self.env["insurance.policy"].with_user(self.reader)
        self.assertEqual(
            Policy.search([("id", "in", (self.own_policy | self.other_policy).ids)]),
            self.own_policy | self.other_policy,
        )
        with self.assertRaises(AccessError):
            self.own_policy.with_user(self.reader).write({"premium": 1.0})
        with self.assertRaises(AccessError):
            Policy.create(self._policy_values(name="READER"))
        self.assertTrue(
            self.own_policy.installment_ids.with_user(self.reader).read(["amount"])
        )

    def test_manager_configures(self):
        product = (
            self.env["insurance.product"]
            .with_user(self.manager)
            .create({"name": "Pets", "category": "other"})
        )
        rule = (
            self.env["insurance.commission.rule"]
            .with_user(self.manager)
            .create(
                {"insurer_id": self.insurer_b.id, "product_id": product.id, "rate": 20}
            )
        )
        self.assertEqual(rule.company_id, self.company)
        self.env["insurance.portfolio.handover"].with_user(self.manager).create(
            {"from_user_id": self.user_own.id, "to_user_id": self.user_own_2.id}
        )
        with self.assertRaises(AccessError):
            self.env["insurance.portfolio.handover"].with_user(self.user_all).create(
                {"from_user_id": self.user_own.id, "to_user_id": self.user_own_2.id}
            )

    def test_other_company_rules_hidden(self):
        foreign_rule = self.env["insurance.commission.rule"].create(
            {
                "insurer_id": self.insurer_b.id,
                "rate": 3,
                "company_id": self.other_company.id,
            }
        )
        Rule = self.env["insurance.commission.rule"].with_user(self.manager)
        self.assertFalse(Rule.search([("id", "=", foreign_rule.id)]))
        self.assertTrue(Rule.search([("id", "=", self.rule_a_all.id)]))
