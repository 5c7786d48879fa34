from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestClientCard(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.group = Partner.create(
            {"name": "Holding AG", "is_company": True, "client_type": "company"}
        )
        cls.subsidiary = Partner.create(
            {
                "name": "Holding Logistics",
                "is_company": True,
                "client_type": "company",
                "parent_id": cls.group.id,
            }
        )
        cls.contact = Partner.create(
            {"name": "Eva Fleet", "parent_id": cls.subsidiary.id}
        )
        cls._create_policy(
            confirm=True,
            partner_id=cls.group.id,
            product_id=cls.product_property.id,
            premium=5000.0,
            date_start="2026-02-01",
        )
        cls._create_policy(
            confirm=True,
            partner_id=cls.subsidiary.id,
            product_id=cls.product_mtpl.id,
            premium=800.0,
            date_start="2026-05-01",
        )
        cls._create_policy(
            partner_id=cls.subsidiary.id, product_id=cls.product_casco.id, premium=999.0
        )

    @freeze_time("2026-06-01")
    def test_group_policies_visible_on_parent(self):
        self.assertEqual(self.group.policy_count, 3)
        self.assertEqual(self.group.active_policy_count, 2)
        self.assertEqual(self.group.active_premium_total, 5800.0)
        self.assertEqual(self.group.next_renewal_date, date(2027, 4, 30))
        self.assertEqual(
            self.group.held_product_ids, self.product_property | self.product_mtpl
        )
        self.assertEqual(self.subsidiary.policy_count, 2)
        self.assertEqual(self.subsidiary.active_premium_total, 800.0)
        self.assertEqual(self.subsidiary.held_product_ids, self.product_mtpl)
        action = self.group.action_view_policies()
        self.assertEqual(self.env["insurance.policy"].search_count(action["domain"]), 3)

    @freeze_time("2026-06-01")
    def test_card_lists_what_its_counters_count(self):
        """The parent company's card shows the group's policies, a member's
        its own (and its contacts'): the list, the counters and the smart
        button agree on each."""
        self._create_policy(
            confirm=True,
            partner_id=self.contact.id,
            product_id=self.product_casco.id,
            date_start="2026-03-01",
        )
        Policy = self.env["insurance.policy"]
        expected = {self.group: (4, 3), self.subsidiary: (3, 2), self.contact: (1, 1)}
        for partner, (count, active) in expected.items():
            form = Form(partner)
            listed = Policy.union(*form.card_policy_ids)
            self.assertEqual(len(listed), count, partner.name)
            self.assertEqual(form.policy_count, count, partner.name)
            self.assertEqual(form.active_policy_count, active, partner.name)
            self.assertEqual(
                len(listed.filtered(lambda p: p.state == "active")), active
            )
            self.assertEqual(
                Policy.search(partner.action_view_policies()["domain"]), listed
            )
        # Newest first in the list the card shows.
        card = self.group.web_read(
            {
                "card_policy_ids": {
                    "fields": {"date_start": {}},
                    "order": "date_start desc, id desc",
                }
            }
        )[0]["card_policy_ids"]
        starts = [row["date_start"] for row in card if row["date_start"]]
        self.assertEqual(starts, sorted(starts, reverse=True))
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="card_policy_ids"', arch)
        self.assertIn("Figures and policies of this client with its", arch)

    def test_contact_person_inherits_client_manager(self):
        self.subsidiary.client_manager_id = self.user_all
        self.assertEqual(self.contact.client_manager_id, self.user_all)
        self.assertEqual(self.contact.client_type, "company")

    def test_cross_sell_finder(self):
        Partner = self.env["res.partner"]
        without_mtpl = Partner.search(
            [("lacking_product_id", "=", self.product_mtpl.id)]
        )
        self.assertIn(self.client, without_mtpl)
        self.assertNotIn(self.subsidiary, without_mtpl)
        self.assertNotIn(self.group, without_mtpl, "the group holds what members hold")
        self.assertNotIn(self.insurer_a, without_mtpl, "insurers are not clients")
        # Typed in the search box: product by name. A draft CASCO is not held.
        without_casco = Partner.search([("lacking_product_id", "ilike", "CASC")])
        self.assertIn(self.subsidiary, without_casco)
        self.assertIn(self.group, without_casco)
        self.assertNotIn(self.contact, without_casco, "contacts are not clients")
        self._create_policy(confirm=True, partner_id=self.subsidiary.id)
        without_casco = Partner.search([("lacking_product_id", "ilike", "CASC")])
        self.assertNotIn(self.subsidiary, without_casco)
        self.assertNotIn(self.group, without_casco)
        self.assertIn(self.client, without_casco)

    def test_summary_queries_do_not_grow_with_policies(self):
        partners = self.group | self.subsidiary | self.client
        partners.invalidate_recordset()
        with self.assertQueryCount(__system__=7):
            partners.mapped("active_premium_total")
        for index in range(10):
            self._create_policy(
                confirm=True,
                partner_id=self.subsidiary.id,
                product_id=self.product_mtpl.id,
                date_start=f"2026-{index + 1:02d}-01",
            )
        more = partners | self.contact | self.insurer_a
        self.env.flush_all()
        more.invalidate_recordset()
        with self.assertQueryCount(__system__=7):
            more.mapped("active_premium_total")
        self.assertEqual(self.group.active_policy_count, 12)
