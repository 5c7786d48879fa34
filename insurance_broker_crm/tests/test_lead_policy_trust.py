import importlib.util

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from .common import InsuranceCrmCommon


class InsuranceTrustCommon(InsuranceCrmCommon):
    """The people of a broker who move deals without being insurance users,
    and policies some of them may read or change and others not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        all_leads = "sales_team.group_sale_salesman_all_leads"
        # CRM only: own leads, no insurance group at all.
        cls.crm_only = new_test_user(
            cls.env,
            login="trust_crm_only",
            groups="sales_team.group_sale_salesman",
            name="Cora CRM",
        )
        # Salesperson and insurance read-only (as the demo's Marc Demo).
        cls.marc = new_test_user(
            cls.env,
            login="trust_marc",
            groups="sales_team.group_sale_salesman,insurance_broker.group_insurance_reader",
            name="Marc Reader",
        )
        cls.logistician = new_test_user(cls.env, login="trust_logi", groups=all_leads)
        cls.head_of_sales = new_test_user(cls.env, login="trust_head", groups=all_leads)
        cls.env.company.insurance_logistician_id = cls.logistician
        cls.env.ref(
            "insurance_broker_crm.team_insurance_renewal"
        ).user_id = cls.head_of_sales
        cls.own_client = cls.env["res.partner"].create(
            {
                "name": "Ona Own-Client",
                "client_type": "individual",
                "client_manager_id": cls.salesman.id,
            }
        )
        # Policies of a client of another manager (Olga): only insurance
        # users of all clients, readers and Olga may read them.
        cls.foreign_draft = cls._create_policy()
        cls.foreign_active = cls._create_policy(confirm=True)
        cls.own_active = cls._create_policy(confirm=True, partner_id=cls.own_client.id)
        cls.own_draft = cls._create_policy(partner_id=cls.own_client.id)
        cls.quote = cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_a.id, "premium": 1000.0}
        )
        cls.quote.action_choose()

    def _lead(self, user, stage_code="sales_gathering", **values):
        stage = self.stage[stage_code]
        return self.env["crm.lead"].create(
            {
                "name": f"Deal of {user.name}",
                "type": "opportunity",
                "partner_id": self.client.id,
                "team_id": stage.team_id.id,
                "stage_id": stage.id,
                "user_id": user.id,
                "insurance_product_id": self.product_casco.id,
                "insurance_date_start": "2026-03-01",
                **values,
            }
        )

    def _link_as_before_the_fix(self, lead, policy):
        """A link written before links were checked (or behind the ORM's
        back): nothing tells it was given by someone allowed to."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET policy_id = %s WHERE id = %s", [policy.id, lead.id]
        )
        lead.invalidate_recordset()


@tagged("post_install", "-at_install")
class TestLeadPolicyTrust(InsuranceTrustCommon):
    """A user links to a deal only a policy they may read, of the deal's
    company; the pipeline confirms (Delivered) and renews (Renewed) with
    superuser rights only the policy the deal issued itself or was given by
    someone allowed to change it."""

    # Linking ------------------------------------------------------------

    def test_crm_only_salesperson_cannot_link_a_policy(self):
        lead = self._lead(self.crm_only)
        with self.assertRaisesRegex(AccessError, "not allowed to read it"):
            lead.with_user(self.crm_only).write({"policy_id": self.foreign_draft.id})
        self.assertFalse(lead.policy_id)
        Lead = self.env["crm.lead"].with_user(self.crm_only)
        with self.assertRaisesRegex(AccessError, "not allowed to read it"):
            Lead.create(
                {
                    "name": "Deal with someone's policy",
                    "type": "opportunity",
                    "team_id": self.team_sales.id,
                    "policy_id": self.foreign_active.id,
                }
            )
        self.assertFalse(
            self.env["crm.lead"].search([("name", "=", "Deal with someone's policy")])
        )
        result = Lead.load(
            ["name", "type", "policy_id/.id"],
            [["Imported deal", "opportunity", str(self.foreign_active.id)]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("not allowed to read it", result["messages"][0]["message"])
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Imported deal")]))

    def test_own_clients_salesperson_cannot_link_another_managers_policy(self):
        lead = self.lead.with_user(self.salesman)
        with self.assertRaisesRegex(AccessError, "not allowed to read it"):
            lead.write({"policy_id": self.foreign_active.id})
        self.assertFalse(self.lead.policy_id)
        lead.write({"policy_id": self.own_active.id})
        self.assertEqual(self.lead.policy_id, self.own_active)

    def test_another_company_policy_is_refused(self):
        self.salesman.company_ids |= self.other_company
        other_policy = self._create_policy(
            partner_id=self.own_client.id, company_id=self.other_company.id
        )
        lead = self.lead.with_user(self.salesman)
        # Working in both companies, they may read it: not of the deal's company.
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            lead.write({"policy_id": other_policy.id})
        self.assertFalse(self.lead.policy_id)
        # Working in this company only, they may not even read it.
        with self.assertRaisesRegex(AccessError, "not allowed to read it"):
            lead.with_context(allowed_company_ids=self.company.ids).write(
                {"policy_id": other_policy.id}
            )
        self.assertFalse(self.lead.policy_id)

    def test_a_user_never_marks_the_policy_as_given_by_the_pipeline(self):
        lead = self._lead(self.marc)
        lead.with_user(self.marc).write(
            {"policy_id": self.foreign_active.id, "insurance_policy_trusted": True}
        )
        self.assertEqual(lead.policy_id, self.foreign_active)
        self.assertFalse(lead.insurance_policy_trusted, "a reader may not change it")
        legacy = self._lead(self.crm_only)
        self._link_as_before_the_fix(legacy, self.foreign_active)
        legacy.with_user(self.crm_only).write({"insurance_policy_trusted": True})
        self.assertFalse(legacy.insurance_policy_trusted)
        created = (
            self.env["crm.lead"]
            .with_user(self.crm_only)
            .create(
                {
                    "name": "Self-trusted deal",
                    "type": "opportunity",
                    "insurance_policy_trusted": True,
                }
            )
        )
        self.assertFalse(created.insurance_policy_trusted)
        # Linked by someone allowed to change it: the pipeline may act on it.
        own = self.lead.with_user(self.salesman)
        own.write({"policy_id": self.own_active.id})
        self.assertTrue(self.lead.insurance_policy_trusted)

    # Delivered: the policy is confirmed ----------------------------------

    @freeze_time("2026-02-15")
    def test_delivered_does_not_confirm_a_policy_the_user_could_not_change(self):
        """Marc reads every policy; linking another manager's draft to his
        deal does not let the logistician (no insurance user) confirm it
        when delivering."""
        lead = self._lead(self.marc)
        self.quote.lead_id = lead
        lead.with_user(self.marc).write({"policy_id": self.foreign_draft.id})
        lead.with_user(self.marc).write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": "courier"}
        )
        fulfilment = lead.continued_lead_ids
        self.assertEqual(fulfilment.policy_id, self.foreign_draft)
        with self.assertRaisesRegex(AccessError, "neither issued from this deal"):
            fulfilment.with_user(self.logistician).write(
                {
                    "stage_id": self.stage["fulfilment_delivered"].id,
                    "policy_number": "X-1",
                }
            )
        self.assertEqual(self.foreign_draft.state, "draft")
        self.assertFalse(self.foreign_draft.installment_ids)
        self.assertFalse(fulfilment.continued_lead_ids)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_new"])

    @freeze_time("2026-02-15")
    def test_delivered_does_not_confirm_a_policy_linked_before_the_check(self):
        fulfilment = self._lead(self.logistician, "fulfilment_new")
        self._link_as_before_the_fix(fulfilment, self.foreign_draft)
        with self.assertRaisesRegex(AccessError, "neither issued from this deal"):
            fulfilment.with_user(self.logistician).write(
                {
                    "stage_id": self.stage["fulfilment_delivered"].id,
                    "policy_number": "X-2",
                }
            )
        self.assertEqual(self.foreign_draft.state, "draft")
        self.assertFalse(fulfilment.continued_lead_ids)

    @freeze_time("2026-02-15")
    def test_delivered_confirms_it_for_a_user_allowed_to(self):
        """The same untrusted link, delivered by someone who may confirm
        the policy themselves: confirmed with their own rights."""
        insurance_seller = new_test_user(
            self.env,
            login="trust_ins_seller",
            groups="sales_team.group_sale_salesman_all_leads,"
            "insurance_broker.group_insurance_user",
        )
        fulfilment = self._lead(self.logistician, "fulfilment_new")
        self._link_as_before_the_fix(fulfilment, self.foreign_draft)
        fulfilment.with_user(insurance_seller).write(
            {"stage_id": self.stage["fulfilment_delivered"].id, "policy_number": "X-3"}
        )
        self.assertEqual(self.foreign_draft.state, "active")
        renewal = fulfilment.continued_lead_ids
        self.assertEqual(renewal.policy_id, self.foreign_draft)
        self.assertTrue(renewal.insurance_policy_trusted)

    # Renewed: the policy is renewed -------------------------------------

    @freeze_time("2026-11-15")
    def test_renewed_does_not_renew_a_policy_the_user_could_not_change(self):
        renewal = self._lead(self.marc, "renewal_take")
        renewal.with_user(self.marc).write({"policy_id": self.foreign_active.id})
        legacy = self._lead(self.head_of_sales, "renewal_take")
        self._link_as_before_the_fix(legacy, self.foreign_active)
        for lead in (renewal, legacy):
            with self.assertRaisesRegex(AccessError, "neither issued from this deal"):
                lead.with_user(self.head_of_sales).write(
                    {"stage_id": self.stage["renewal_renewed"].id}
                )
            self.assertFalse(self.foreign_active.successor_id)
            self.assertEqual(self.foreign_active.state, "active")
            self.assertFalse(lead.continued_lead_ids)
            self.assertEqual(lead.stage_id, self.stage["renewal_take"])
        self.assertFalse(
            self.env["insurance.policy"].search(
                [("predecessor_id", "=", self.foreign_active.id)]
            )
        )

    # The legitimate paths -------------------------------------------------

    @freeze_time("2026-02-15")
    def test_the_deal_issues_its_own_policy_and_the_pipeline_renews_it(self):
        """A CRM-only seller sells, a logistician who is no insurance user
        delivers (the policy is issued from the chosen quote), the head of
        sales, no insurance user either, renews: the deal's own policy all
        along, which none of them may read or change otherwise."""
        lead = self._lead(self.crm_only)
        self.quote.lead_id = lead
        lead.with_user(self.crm_only).write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": "courier"}
        )
        fulfilment = lead.continued_lead_ids
        self.assertFalse(fulfilment.policy_id)
        fulfilment.with_user(self.logistician).write(
            {
                "stage_id": self.stage["fulfilment_delivered"].id,
                "policy_number": "OWN-1",
            }
        )
        policy = fulfilment.policy_id
        self.assertEqual(policy.state, "active")
        self.assertEqual(policy.insurer_id, self.insurer_a)
        self.assertEqual(policy.partner_id, self.client)
        self.assertTrue(fulfilment.insurance_policy_trusted)
        renewal = fulfilment.continued_lead_ids
        self.assertEqual(renewal.policy_id, policy)
        self.assertTrue(renewal.insurance_policy_trusted)
        for user in (self.logistician, self.head_of_sales, self.crm_only):
            with self.assertRaises(AccessError):
                policy.with_user(user).check_access("read")
        renewal.with_user(self.head_of_sales).write(
            {"stage_id": self.stage["renewal_renewed"].id}
        )
        sale = renewal.continued_lead_ids
        self.assertEqual(sale.policy_id.predecessor_id, policy)
        self.assertEqual(sale.policy_id.state, "draft")
        self.assertEqual(policy.successor_id, sale.policy_id)
        self.assertTrue(sale.insurance_policy_trusted)

    @freeze_time("2026-11-15")
    def test_a_policy_linked_by_its_manager_is_renewed_by_the_head_of_sales(self):
        renewal = self._lead(self.salesman, "renewal_take", partner_id=False)
        renewal.with_user(self.salesman).write({"policy_id": self.own_active.id})
        self.assertTrue(renewal.insurance_policy_trusted)
        renewal.with_user(self.head_of_sales).write(
            {"stage_id": self.stage["renewal_renewed"].id}
        )
        successor = self.own_active.successor_id
        self.assertEqual(successor.state, "draft")
        self.assertEqual(renewal.continued_lead_ids.policy_id, successor)

    @freeze_time("2026-02-15")
    def test_a_draft_linked_by_its_manager_is_confirmed_on_delivery(self):
        fulfilment = self._lead(self.salesman, "fulfilment_new")
        fulfilment.with_user(self.salesman).write({"policy_id": self.own_draft.id})
        self.assertTrue(fulfilment.insurance_policy_trusted)
        fulfilment.user_id = self.logistician
        fulfilment.with_user(self.logistician).write(
            {"stage_id": self.stage["fulfilment_delivered"].id, "policy_number": "OD-1"}
        )
        self.assertEqual(self.own_draft.state, "active")
        self.assertEqual(fulfilment.continued_lead_ids.policy_id, self.own_draft)

    @freeze_time("2026-02-15")
    def test_a_deal_without_company_issues_its_policy_in_the_users_company(self):
        fulfilment = self._lead(self.logistician, "fulfilment_new", company_id=False)
        self.quote.lead_id = fulfilment
        self.assertFalse(fulfilment.company_id)
        fulfilment.with_user(self.logistician).write(
            {"stage_id": self.stage["fulfilment_delivered"].id, "policy_number": "NC-1"}
        )
        self.assertEqual(fulfilment.policy_id.company_id, self.company)
        self.assertEqual(fulfilment.company_id, self.company)
        self.assertEqual(fulfilment.policy_id.state, "active")

    # Deals linked before 18.0.1.1.0 ----------------------------------------

    def test_migration_trusts_what_the_pipeline_handed_on(self):
        origin = self._lead(self.salesman, "fulfilment_new")
        renewal = self._lead(
            self.head_of_sales, "renewal_take", origin_lead_id=origin.id
        )
        successor = self.foreign_active._create_successors()
        sale = self._lead(self.salesman, origin_lead_id=renewal.id)
        by_hand = self._lead(self.salesman, origin_lead_id=origin.id)
        for lead, policy in (
            (origin, self.foreign_active),
            (renewal, self.foreign_active),
            (sale, successor),
            (by_hand, self.own_active),
        ):
            self._link_as_before_the_fix(lead, policy)
        path = file_path(
            "insurance_broker_crm/migrations/18.0.1.1.0/post-policy-trust.py"
        )
        spec = importlib.util.spec_from_file_location("post_policy_trust", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertTrue(renewal.insurance_policy_trusted)
        self.assertTrue(sale.insurance_policy_trusted)
        self.assertFalse(origin.insurance_policy_trusted)
        self.assertFalse(by_hand.insurance_policy_trusted)

    # The continuation's superuser create -----------------------------------

    def test_a_lead_one_may_not_read_is_not_continued(self):
        """The continuation is created with superuser rights, from a lead
        the user may change only: another salesperson's lead is not
        forwarded, nothing is created."""
        other = self.lead.with_user(self.salesman_2)
        for forward in ("_continue_in_fulfilment", "_continue_in_lost"):
            with self.assertRaises(AccessError):
                getattr(other, forward)()
        with self.assertRaises(AccessError):
            other.write({"stage_id": self.stage["sales_handed"].id})
        self.assertFalse(self.lead.with_context(active_test=False).continued_lead_ids)

    def test_the_continuation_is_returned_with_the_users_rights(self):
        lead = self._lead(self.crm_only)
        self.quote.lead_id = lead
        lead.delivery_type = "courier"
        fulfilment = lead.with_user(self.crm_only)._continue_in_fulfilment()
        self.assertFalse(fulfilment.env.su)
        self.assertEqual(fulfilment.env.uid, self.crm_only.id)
        self.assertEqual(fulfilment.sudo().user_id, self.logistician)
        # Handed to the logistician: the seller may no longer change it.
        with self.assertRaises(AccessError):
            fulfilment.write({"name": "Taken back"})


@tagged("post_install", "-at_install")
class TestCrmCompanyChecks(InsuranceTrustCommon):
    """Every relation the addon adds keeps to the record's company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_insurer = cls.env["res.partner"].create(
            {
                "name": "Gamma Elsewhere",
                "is_company": True,
                "is_insurer": True,
                "company_id": cls.other_company.id,
            }
        )
        cls.other_product = cls.env["insurance.product"].create(
            {
                "name": "Elsewhere CASCO",
                "code": "T-ELSE",
                "category": "casco",
                "company_id": cls.other_company.id,
            }
        )
        cls.elsewhere_user = new_test_user(
            cls.env,
            login="trust_elsewhere",
            groups="sales_team.group_sale_salesman",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )

    def test_quote_insurer_of_another_company_is_refused(self):
        self.salesman.company_ids |= self.other_company
        Quote = self.env["insurance.quote"].with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            Quote.create(
                {
                    "lead_id": self.lead.id,
                    "insurer_id": self.other_insurer.id,
                    "premium": 10.0,
                }
            )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.quote.with_user(self.salesman).insurer_id = self.other_insurer
        self.assertEqual(self.quote.insurer_id, self.insurer_a)
        self.assertEqual(self.lead.quote_ids, self.quote)

    def test_lead_relations_of_another_company_are_refused(self):
        self.salesman.company_ids |= self.other_company
        lead = self.lead.with_user(self.salesman)
        for values in (
            {"insurance_product_id": self.other_product.id},
            {"insurance_client_manager_id": self.elsewhere_user.id},
            {"typist_id": self.elsewhere_user.id},
        ):
            with self.assertRaisesRegex(UserError, "Incompatible companies"):
                lead.write(values)
        self.assertEqual(self.lead.insurance_product_id, self.product_casco)
        self.assertFalse(self.lead.insurance_client_manager_id)
        self.assertFalse(self.lead.typist_id)

    def test_the_pipeline_hands_deals_only_to_people_of_the_company(self):
        for field in (
            "insurance_logistician_id",
            "insurance_pickup_handler_id",
            "insurance_printer_id",
            "insurance_retyping_user_id",
            "insurance_admin_user_id",
        ):
            with self.assertRaisesRegex(UserError, "Incompatible companies"):
                self.company.write({field: self.elsewhere_user.id})
        self.assertEqual(self.company.insurance_logistician_id, self.logistician)
        self.other_company.insurance_logistician_id = self.elsewhere_user
        self.assertEqual(
            self.other_company.insurance_logistician_id, self.elsewhere_user
        )

    def test_a_lead_of_another_company_is_not_continued_from_here(self):
        other_lead = self.env["crm.lead"].create(
            {
                "name": "Elsewhere",
                "type": "opportunity",
                "company_id": self.other_company.id,
                "user_id": self.elsewhere_user.id,
            }
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.lead.origin_lead_id = other_lead
        self.assertFalse(self.lead.origin_lead_id)
