from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestHandover(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_2 = cls.env["res.partner"].create(
            {
                "name": "Second Client",
                "client_type": "vip",
                "client_manager_id": cls.user_own.id,
            }
        )
        cls.kept_client = cls.env["res.partner"].create(
            {
                "name": "Kept Client",
                "client_type": "individual",
                "client_manager_id": cls.user_all.id,
            }
        )
        cls.policy_1 = cls._create_policy(
            confirm=True, client_manager_id=cls.user_own.id
        )
        cls.policy_2 = cls._create_policy(
            confirm=True, partner_id=cls.client_2.id, client_manager_id=cls.user_own.id
        )
        cls.policy_kept = cls._create_policy(
            confirm=True,
            partner_id=cls.kept_client.id,
            client_manager_id=cls.user_all.id,
        )

    def _wizard(self, **values):
        wizard = Form(self.env["insurance.portfolio.handover"].with_user(self.manager))
        wizard.from_user_id = values.get("from_user", self.user_own)
        wizard.to_user_id = values.get("to_user", self.user_own_2)
        for partner in values.get("partners", []):
            wizard.partner_ids.add(partner)
        return wizard.save()

    def test_hand_over_every_client(self):
        wizard = self._wizard()
        self.assertEqual(wizard.client_count, 2)
        action = wizard.action_handover()
        self.assertEqual(
            (self.client | self.client_2).client_manager_id, self.user_own_2
        )
        self.assertEqual(
            (self.policy_1 | self.policy_2).client_manager_id, self.user_own_2
        )
        self.assertEqual(self.kept_client.client_manager_id, self.user_all)
        self.assertEqual(self.policy_kept.client_manager_id, self.user_all)
        self.assertIn("2 clients", action["params"]["message"])
        self.assertIn("2 policies", action["params"]["message"])
        note = self.client.message_ids.filtered(
            lambda m: "Portfolio handover" in (m.body or "")
        )
        self.assertTrue(note)
        self.assertTrue(
            self.policy_1.message_ids.filtered(
                lambda m: "Portfolio handover" in (m.body or "")
            )
        )

    def test_contact_persons_follow_their_company(self):
        company = self.env["res.partner"].create(
            {
                "name": "Fleet Ltd",
                "is_company": True,
                "client_type": "company",
                "client_manager_id": self.user_own.id,
            }
        )
        contact = self.env["res.partner"].create(
            {"name": "Fleet Manager", "parent_id": company.id}
        )
        self.assertEqual(contact.client_manager_id, self.user_own)
        wizard = self._wizard()
        self.assertEqual(wizard.client_count, 3, "two clients and the company")
        wizard.action_handover()
        self.assertEqual(contact.client_manager_id, self.user_own_2)

    def test_hand_over_some_clients(self):
        self._wizard(partners=[self.client_2]).action_handover()
        self.assertEqual(self.client_2.client_manager_id, self.user_own_2)
        self.assertEqual(self.policy_2.client_manager_id, self.user_own_2)
        self.assertEqual(self.client.client_manager_id, self.user_own)
        self.assertEqual(self.policy_1.client_manager_id, self.user_own)

    def test_new_manager_sees_the_portfolio(self):
        Policy = self.env["insurance.policy"]
        self.assertFalse(
            Policy.with_user(self.user_own_2).search([("id", "=", self.policy_1.id)])
        )
        self._wizard().action_handover()
        self.assertTrue(
            Policy.with_user(self.user_own_2).search([("id", "=", self.policy_1.id)])
        )
        self.assertFalse(
            Policy.with_user(self.user_own).search([("id", "=", self.policy_1.id)])
        )

    def test_bad_handover_refused(self):
        with self.assertRaisesRegex(UserError, "two different"):
            self._wizard(to_user=self.user_own).action_handover()
        with self.assertRaisesRegex(UserError, "no client"):
            self._wizard(from_user=self.reader).action_handover()
        self.assertEqual(self.client.client_manager_id, self.user_own)
