from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestForwarding(InsuranceCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "sales_team.group_sale_salesman_all_leads"
        cls.logistician = new_test_user(cls.env, login="logistician", groups=groups)
        cls.pickup_handler = new_test_user(cls.env, login="pickup", groups=groups)
        cls.head_of_sales = new_test_user(cls.env, login="head_of_sales", groups=groups)
        cls.env.company.write(
            {
                "insurance_logistician_id": cls.logistician.id,
                "insurance_pickup_handler_id": cls.pickup_handler.id,
            }
        )
        cls.env.ref(
            "insurance_broker_crm.team_insurance_renewal"
        ).user_id = cls.head_of_sales
        cls.quote = cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_a.id, "premium": 1000.0}
        )
        cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_b.id, "premium": 1100.0}
        )
        cls.quote.action_choose()
        cls.lead.write({"insured_object": "Volvo XC60, ABC 123", "delivery_cost": 15.0})

    def _hand_over(self, lead=None, delivery_type="courier"):
        lead = lead or self.lead
        lead.write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": delivery_type}
        )
        return lead.continued_lead_ids

    def test_won_sale_continues_in_fulfilment(self):
        fulfilment = self._hand_over()
        self.assertEqual(len(fulfilment), 1)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_new"])
        self.assertEqual(fulfilment.user_id, self.logistician)
        self.assertEqual(fulfilment.insurance_client_manager_id, self.salesman)
        self.assertEqual(fulfilment.origin_lead_id, self.lead)
        self.assertEqual(fulfilment.partner_id, self.client)
        self.assertEqual(fulfilment.insured_object, "Volvo XC60, ABC 123")
        self.assertEqual(fulfilment.delivery_cost, 15.0)
        self.assertEqual(len(fulfilment.quote_ids), 2)
        self.assertEqual(fulfilment.chosen_quote_id.insurer_id, self.insurer_a)
        self.assertEqual(fulfilment.deal_premium, 1000.0)
        # The sale itself is won and stays in Sales.
        self.assertEqual(self.lead.probability, 100)
        self.assertEqual(self.lead.team_id, self.team_sales)

    @freeze_time("2026-02-15")
    def test_people_with_limited_rights_move_the_deal_on(self):
        """A salesperson who sees only their own leads hands over to the
        logistician; a logistician who is no insurance user delivers."""
        seller = new_test_user(
            self.env, login="own_leads_only", groups="sales_team.group_sale_salesman"
        )
        self.lead.user_id = seller
        lead = self.lead.with_user(seller)
        lead.write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": "courier"}
        )
        fulfilment = self.lead.continued_lead_ids
        self.assertEqual(fulfilment.user_id, self.logistician)
        fulfilment.with_user(self.logistician).write(
            {"stage_id": self.stage["fulfilment_delivered"].id, "policy_number": "AL-9"}
        )
        self.assertEqual(fulfilment.policy_id.state, "active")
        renewal = fulfilment.continued_lead_ids
        self.assertEqual(len(renewal), 1)
        # The head of sales, no insurance user either, closes the renewal.
        renewal.with_user(self.head_of_sales).stage_id = self.stage["renewal_renewed"]
        self.assertEqual(renewal.continued_lead_ids.policy_id.state, "draft")

    def test_forwarding_twice_creates_one_lead(self):
        self._hand_over()
        self.lead.stage_id = self.stage["sales_documents"]
        self._hand_over()
        self.assertEqual(len(self.lead.continued_lead_ids), 1)

    def test_pickup_goes_to_the_pickup_handler(self):
        fulfilment = self._hand_over(delivery_type="pickup")
        self.assertEqual(fulfilment.user_id, self.pickup_handler)

    @freeze_time("2026-02-15")
    def test_delivered_confirms_the_policy_and_opens_its_renewal(self):
        fulfilment = self._hand_over()
        with self.assertRaisesRegex(UserError, "Policy Number"):
            fulfilment.stage_id = self.stage["fulfilment_delivered"]
        fulfilment.write(
            {"stage_id": self.stage["fulfilment_delivered"].id, "policy_number": "AL-1"}
        )
        policy = fulfilment.policy_id
        self.assertEqual(policy.state, "active")
        self.assertEqual(policy.name, "AL-1")
        self.assertEqual(policy.insurer_id, self.insurer_a)
        self.assertEqual(policy.premium, 1000.0)
        self.assertEqual(policy.date_start, date(2026, 3, 1))
        self.assertEqual(policy.date_end, date(2027, 2, 28))
        self.assertEqual(policy.commission_amount, 150.0)
        self.assertEqual(policy.client_manager_id, self.salesman)
        renewal = fulfilment.continued_lead_ids
        self.assertEqual(len(renewal), 1)
        # A year and two weeks left: the "Over 6 months" bucket.
        self.assertEqual(renewal.stage_id, self.stage["renewal_year"])
        self.assertEqual(renewal.user_id, self.head_of_sales)
        self.assertEqual(renewal.policy_id, policy)
        self.assertEqual(renewal.insurance_date_start, date(2027, 3, 1))

    @freeze_time("2026-11-15")
    def test_renewal_bucket_follows_the_months_left(self):
        fulfilment = self._hand_over()
        fulfilment.write(
            {"stage_id": self.stage["fulfilment_delivered"].id, "policy_number": "AL-2"}
        )
        # The policy ends on 28 Feb 2027: three and a half months left.
        self.assertEqual(
            fulfilment.continued_lead_ids.stage_id, self.stage["renewal_6_months"]
        )

    @freeze_time("2026-02-15")
    def test_renewed_starts_a_new_sale_of_the_successor(self):
        fulfilment = self._hand_over()
        fulfilment.write(
            {"stage_id": self.stage["fulfilment_delivered"].id, "policy_number": "AL-3"}
        )
        renewal = fulfilment.continued_lead_ids
        renewal.stage_id = self.stage["renewal_renewed"]
        sale = renewal.continued_lead_ids
        self.assertEqual(sale.stage_id, self.stage["sales_gathering"])
        self.assertEqual(sale.user_id, self.salesman)
        successor = sale.policy_id
        self.assertEqual(successor.predecessor_id, fulfilment.policy_id)
        self.assertEqual(successor.state, "draft")
        self.assertEqual(successor.date_start, date(2027, 3, 1))
        self.assertFalse(sale.quote_ids)

    def test_refused_is_lost_and_continues_in_lost_with_its_reason(self):
        reason = self.env["crm.lost.reason"].create({"name": "Found it cheaper"})
        self.lead.write(
            {"stage_id": self.stage["sales_refused"].id, "lost_reason_id": reason.id}
        )
        self.assertFalse(self.lead.active)
        lost = self.lead.with_context(active_test=False).continued_lead_ids
        self.assertEqual(len(lost), 1)
        self.assertEqual(lost.stage_id, self.stage["lost_win_back"])
        self.assertTrue(lost.active)
        self.assertEqual(lost.tag_ids.mapped("name"), ["Found it cheaper"])
        # Restored and lost again: still one lead in Lost.
        self.lead.action_unarchive()
        self.lead.action_set_lost(lost_reason_id=reason.id)
        self.assertEqual(
            len(self.lead.with_context(active_test=False).continued_lead_ids), 1
        )

    def test_lost_with_odoo_lost_button_anywhere(self):
        reason = self.env["crm.lost.reason"].create({"name": "No answer"})
        wizard = self.env["crm.lead.lost"].create(
            {"lead_ids": [(6, 0, self.lead.ids)], "lost_reason_id": reason.id}
        )
        wizard.action_lost_reason_apply()
        lost = self.lead.with_context(active_test=False).continued_lead_ids
        self.assertEqual(lost.stage_id, self.stage["lost_win_back"])
        self.assertEqual(lost.tag_ids.name, "No answer")
