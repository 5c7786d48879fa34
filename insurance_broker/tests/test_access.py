from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCommon


class AccessCommon(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_reader = new_test_user(
            cls.env,
            login="ins_own_reader",
            groups="base.group_user,insurance_broker.group_insurance_user_own,"
            "insurance_broker.group_insurance_reader",
            name="Olivia Own Reader",
        )
        cls.foreign_user = new_test_user(
            cls.env,
            login="ins_foreign",
            groups="base.group_user,insurance_broker.group_insurance_user",
            name="Fiona Foreign",
            company_id=cls.other_company.id,
            company_ids=cls.other_company.ids,
        )
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
        # A colleague's policy of a client Olga manages (e.g. sold by the
        # colleague before the client was handed over to her).
        cls.colleague_policy = cls._create_policy(
            confirm=True, client_manager_id=cls.user_own_2.id
        )
        cls.foreign_policy = cls._create_policy(
            company_id=cls.other_company.id,
            partner_id=cls.other_client.id,
            client_manager_id=cls.foreign_user.id,
        )


@tagged("post_install", "-at_install")
class TestAccess(AccessCommon):
    def test_own_user_sees_only_own_clients(self):
        Policy = self.env["insurance.policy"].with_user(self.user_own)
        visible = Policy.search(
            [
                (
                    "id",
                    "in",
                    (self.own_policy | self.other_policy | self.colleague_policy).ids,
                )
            ]
        )
        self.assertEqual(visible, self.own_policy | self.colleague_policy)
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
        self.assertEqual(
            installments.policy_id, self.own_policy | self.colleague_policy
        )

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

    def test_own_user_reads_but_does_not_change_a_colleagues_policy(self):
        """Managing the client shows a colleague's policy on the client card;
        changing it stays the colleague's (or All Clients') business."""
        policy = self.colleague_policy.with_user(self.user_own)
        self.assertEqual(policy.read(["premium"])[0]["premium"], 1200.0)
        self.assertEqual(self.client.with_user(self.user_own).policy_count, 2)
        with self.assertRaises(AccessError):
            policy.write({"object_description": "Changed by Olga"})
        with self.assertRaises(AccessError):
            policy.installment_ids.write({"amount": 1.0})
        with self.assertRaises(AccessError):
            policy.action_renew()
        with self.assertRaises(AccessError):
            self.env["insurance.policy"].with_user(self.user_own).create(
                self._policy_values(client_manager_id=self.user_own_2.id)
            )
        self.assertFalse(self.colleague_policy.object_description)
        self.assertFalse(self.colleague_policy.successor_id)

    def test_read_only_does_not_widen_writing(self):
        """Own Clients + Read-only reads every policy and client but writes
        only its own: the read-all rules carry no write."""
        Policy = self.env["insurance.policy"].with_user(self.own_reader)
        self.assertEqual(
            Policy.search([("id", "in", (self.own_policy | self.other_policy).ids)]),
            self.own_policy | self.other_policy,
        )
        for operation in (
            lambda: self.other_policy.with_user(self.own_reader).write(
                {"premium": 1.0}
            ),
            lambda: self.other_policy.installment_ids.with_user(self.own_reader).write(
                {"amount": 1.0}
            ),
            lambda: self.other_client.with_user(self.own_reader).write(
                {"name": "Renamed"}
            ),
            lambda: Policy.create(self._policy_values(partner_id=self.other_client.id)),
        ):
            with self.assertRaises(AccessError):
                operation()
        self.assertEqual(self.other_policy.premium, 1200.0)
        self.assertEqual(self.other_client.name, "Other's Client")

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
        self.assertEqual(self.other_policy.sum_insured, 10000.0)
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


@tagged("post_install", "-at_install")
class TestClientManagerClaim(AccessCommon):
    """Only "All Clients" sets or changes a client's manager: an "Own
    Clients" user cannot claim a client and, with it, others' policies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unmanaged = cls.env["res.partner"].create(
            {"name": "Nobody's Client", "client_type": "company", "is_company": True}
        )
        cls.unmanaged_policy = cls._create_policy(
            confirm=True, partner_id=cls.unmanaged.id
        )
        cls.unmanaged_policy.client_manager_id = cls.user_own_2
        cls.unmanaged.client_manager_id = False

    def test_own_user_cannot_claim_an_unmanaged_client(self):
        client = self.unmanaged.with_user(self.user_own)
        # The client without a manager stays visible and editable...
        client.write({"phone": "+37060000001"})
        # ...but not claimable.
        with self.assertRaisesRegex(AccessError, "All Clients"):
            client.write({"client_manager_id": self.user_own.id})
        self.assertFalse(self.unmanaged.client_manager_id)
        with self.assertRaises(AccessError):
            self.unmanaged_policy.with_user(self.user_own).read(["premium"])

    def test_own_user_cannot_give_a_client_away_or_take_one(self):
        with self.assertRaisesRegex(AccessError, "All Clients"):
            self.client.with_user(self.user_own).write(
                {"client_manager_id": self.user_own_2.id}
            )
        with self.assertRaisesRegex(AccessError, "All Clients"):
            self.client.with_user(self.user_own).write({"client_manager_id": False})
        with self.assertRaises(AccessError):
            self.other_client.with_user(self.user_own).write(
                {"client_manager_id": self.user_own.id}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_own).create(
                {
                    "name": "Given away",
                    "client_type": "individual",
                    "client_manager_id": self.user_own_2.id,
                }
            )
        self.assertEqual(self.client.client_manager_id, self.user_own)
        self.assertEqual(self.other_client.client_manager_id, self.user_own_2)

    def test_own_user_becomes_manager_of_a_new_client(self):
        Partner = self.env["res.partner"].with_user(self.user_own)
        client = Partner.create(
            {"name": "New Company", "client_type": "company", "is_company": True}
        )
        self.assertEqual(client.client_manager_id, self.user_own)
        contact = Partner.create({"name": "Its Director", "parent_id": client.id})
        self.assertEqual(contact.client_manager_id, self.user_own)
        # An unchanged manager in the values is no change.
        client.write({"client_manager_id": self.user_own.id, "phone": "+3706"})
        # Confirming a first policy of a client without a manager gives it
        # the policy's manager (the business rule, through sudo).
        partner = Partner.create({"name": "Walk-in"})
        self.assertFalse(partner.client_manager_id)
        policy = (
            self.env["insurance.policy"]
            .with_user(self.user_own)
            .create(self._policy_values(partner_id=partner.id, name="WALK-IN"))
        )
        policy.action_confirm()
        self.assertEqual(partner.client_manager_id, self.user_own)

    def test_all_clients_user_assigns_managers(self):
        self.unmanaged.with_user(self.user_all).write(
            {"client_manager_id": self.user_own.id}
        )
        self.assertEqual(self.unmanaged.client_manager_id, self.user_own)
        self.client.with_user(self.user_all).write(
            {"client_manager_id": self.user_own_2.id}
        )
        self.assertEqual(self.client.client_manager_id, self.user_own_2)
        # Olga lost the client: its policies still managed by her stay hers.
        self.assertTrue(self.own_policy.with_user(self.user_own).read(["premium"]))
        with self.assertRaises(AccessError):
            self.colleague_policy.with_user(self.user_own).read(["premium"])

    def test_crm_only_user_cannot_assign_managers(self):
        employee = new_test_user(
            self.env,
            login="ins_contacts",
            groups="base.group_user,base.group_partner_manager",
        )
        with self.assertRaisesRegex(AccessError, "All Clients"):
            self.unmanaged.with_user(employee).write({"client_manager_id": employee.id})


@tagged("post_install", "-at_install")
class TestPolicyState(InsuranceCommon):
    """The state moves only through the actions; over RPC (write or create
    with a state) it is refused with a clear message."""

    def test_state_not_written_directly(self):
        policy = self._create_policy()
        for user in (self.user_own, self.user_all, self.manager):
            with self.assertRaisesRegex(UserError, "only through its actions"):
                policy.with_user(user).write({"state": "active"})
        with self.assertRaisesRegex(UserError, "only through its actions"):
            policy.sudo().write({"state": "active"})
        # A context key sent over RPC does not open it.
        with self.assertRaisesRegex(UserError, "only through its actions"):
            policy.with_context(insurance_policy_state_change=True).write(
                {"state": "active"}
            )
        self.assertEqual(policy.state, "draft")
        self.assertFalse(policy.installment_ids)
        # Writing the state it already has changes nothing and passes.
        policy.with_user(self.user_own).write({"state": "draft", "premium": 900.0})
        self.assertEqual(policy.premium, 900.0)

    def test_state_not_created_directly(self):
        Policy = self.env["insurance.policy"].with_user(self.user_own)
        for state in ("active", "expired", "renewed", "cancelled"):
            with self.assertRaisesRegex(UserError, "registered as a draft"):
                Policy.create(self._policy_values(name=f"S-{state}", state=state))
        self.assertFalse(
            self.env["insurance.policy"].search([("name", "=like", "S-%")])
        )
        draft = Policy.create(self._policy_values(name="S-draft", state="draft"))
        self.assertEqual(draft.state, "draft")

    def test_actions_still_move_the_state(self):
        policy = self._create_policy(confirm=True)
        self.assertEqual(policy.state, "active")
        self.assertTrue(policy.installment_ids)
        successor = policy.browse(
            policy.with_user(self.user_own).action_renew()["res_id"]
        )
        successor.with_user(self.user_own).write({"name": "RENEWAL-1"})
        successor.with_user(self.user_own).action_confirm()
        self.assertEqual(policy.state, "renewed")
        successor.with_user(self.user_own)._cancel("Client sold the car", "2027-02-01")
        self.assertEqual(successor.state, "cancelled")
        self.assertIn(policy.state, ("active", "expired"))
        self.assertFalse(policy.successor_id)
        successor.with_user(self.user_own).action_reset_to_draft()
        self.assertEqual(successor.state, "draft")

    def test_bulk_confirm_from_the_list(self):
        """Imported drafts are confirmed together by the list's Confirm
        action, as the user, with their instalments."""
        Policy = self.env["insurance.policy"].with_user(self.user_own)
        drafts = Policy.create(
            [self._policy_values(name=f"IMP-{index}") for index in range(3)]
        )
        action = self.env.ref("insurance_broker.insurance_policy_action_server_confirm")
        self.assertEqual(action.binding_model_id.model, "insurance.policy")
        self.assertIn("list", action.binding_view_types)
        action.with_user(self.user_own).with_context(
            active_model="insurance.policy", active_ids=drafts.ids
        ).run()
        self.assertEqual(set(drafts.mapped("state")), {"active"})
        self.assertEqual(len(drafts.installment_ids), 3)
        # Not twice, and not for someone else's policies.
        with self.assertRaisesRegex(UserError, "Only draft"):
            action.with_user(self.user_own).with_context(
                active_model="insurance.policy", active_ids=drafts.ids
            ).run()
        other = self._create_policy(
            partner_id=self.env["res.partner"]
            .create({"name": "X", "client_manager_id": self.user_own_2.id})
            .id
        )
        with self.assertRaises(AccessError):
            action.with_user(self.user_own).with_context(
                active_model="insurance.policy", active_ids=other.ids
            ).run()
        self.assertEqual(other.state, "draft")

        # Readers do not get the action.
        def bound(user):
            bindings = (
                self.env["ir.actions.actions"]
                .with_user(user)
                .get_bindings("insurance.policy")
            )
            return [binding["id"] for binding in bindings.get("action", [])]

        self.assertIn(action.id, bound(self.user_own))
        self.assertNotIn(action.id, bound(self.reader))


@tagged("post_install", "-at_install")
class TestHandoverRecipient(AccessCommon):
    """Portfolios go only to internal users of the company."""

    def _handover(self, to_user):
        return (
            self.env["insurance.portfolio.handover"]
            .with_user(self.manager)
            .create({"from_user_id": self.user_own.id, "to_user_id": to_user.id})
        )

    def test_portal_and_public_users_refused(self):
        portal = new_test_user(self.env, login="ins_portal", groups="base.group_portal")
        public = self.env.ref("base.public_user")
        for user in (portal, public):
            with self.assertRaisesRegex(ValidationError, "not an internal user"):
                self._handover(user)
        self.assertEqual(self.client.client_manager_id, self.user_own)

    def test_user_of_another_company_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a user of"):
            self._handover(self.foreign_user)
        domain = self.env["insurance.portfolio.handover"]._fields["to_user_id"].domain
        self.assertIn("company_ids", domain)

    def test_policies_of_a_company_the_user_lacks_refused(self):
        companies = self.company | self.other_company
        leaver = new_test_user(
            self.env,
            login="ins_leaver",
            groups="base.group_user,insurance_broker.group_insurance_user_own",
            company_id=self.company.id,
            company_ids=companies.ids,
        )
        client = self.env["res.partner"].create(
            {"name": "Two-company client", "client_manager_id": leaver.id}
        )
        policy = self._create_policy(
            partner_id=client.id,
            company_id=self.other_company.id,
            client_manager_id=leaver.id,
        )
        self.manager.company_ids = [Command.link(self.other_company.id)]
        wizard = (
            self.env["insurance.portfolio.handover"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=companies.ids)
            .create({"from_user_id": leaver.id, "to_user_id": self.user_own_2.id})
        )
        with self.assertRaisesRegex(ValidationError, "not a user of"):
            wizard.action_handover()
        self.assertEqual(client.client_manager_id, leaver)
        self.assertEqual(policy.client_manager_id, leaver)

    def test_internal_user_of_the_company_receives(self):
        self._handover(self.user_own_2).action_handover()
        self.assertEqual(self.client.client_manager_id, self.user_own_2)
        self.assertEqual(self.own_policy.client_manager_id, self.user_own_2)


@tagged("post_install", "-at_install")
class TestBrokerSudo(AccessCommon):
    """What each sudo() of the addon opens, and no more."""

    def test_commission_rule_clash_search(self):
        """The overlap check reads rules as superuser, of the rule's company
        only: a manager is neither blocked by nor told about another
        company's rule."""
        self.env["insurance.commission.rule"].create(
            {
                "insurer_id": self.insurer_b.id,
                "rate": 3,
                "company_id": self.other_company.id,
            }
        )
        Rule = self.env["insurance.commission.rule"].with_user(self.manager)
        rule = Rule.create({"insurer_id": self.insurer_b.id, "rate": 4})
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            Rule.create({"insurer_id": self.insurer_b.id, "rate": 5})
        with self.assertRaises(AccessError):
            self.env["insurance.commission.rule"].with_user(self.user_all).create(
                {"insurer_id": self.insurer_b.id, "rate": 5, "date_from": "2040-01-01"}
            )
        self.assertEqual(
            self.env["insurance.commission.rule"].search(
                [
                    ("insurer_id", "=", self.insurer_b.id),
                    ("company_id", "=", self.company.id),
                ]
            ),
            rule,
        )

    def test_state_tracking_only_through_allowed_confirmation(self):
        """The tracking values of a state change are written as superuser:
        only for a confirmation the user may do."""
        draft = self._create_policy(partner_id=self.other_client.id)
        Tracking = self.env["mail.tracking.value"]
        before = Tracking.search_count([])
        for user in (self.user_own, self.reader, self.own_reader):
            with self.assertRaises(AccessError):
                draft.with_user(user).action_confirm()
        self.assertEqual(Tracking.search_count([]), before)
        self.assertEqual(draft.state, "draft")
        draft.with_user(self.user_own_2).action_confirm()
        self.assertEqual(draft.state, "active")
        self.assertEqual(Tracking.search_count([]), before + 1)

    def test_mark_clients_gives_only_the_policys_manager(self):
        """Confirming gives a client without a manager the manager of the
        confirmed policy, which the user may write: never a managed client,
        never a colleague's policy."""
        managed = self.other_client
        with self.assertRaises(AccessError):
            self.env["insurance.policy"].with_user(self.user_own).create(
                self._policy_values(partner_id=managed.id, name="CLAIM-1")
            )
        self.assertEqual(managed.client_manager_id, self.user_own_2)
        walk_in = self.env["res.partner"].create({"name": "Walk-in"})
        colleague_draft = self._create_policy(
            partner_id=walk_in.id, client_manager_id=self.user_own_2.id
        )
        with self.assertRaises(AccessError):
            colleague_draft.with_user(self.user_own).action_confirm()
        self.assertFalse(walk_in.client_manager_id)
