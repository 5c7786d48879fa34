from contextlib import contextmanager

from odoo.tests import TransactionCase, new_test_user


class InsuranceCommon(TransactionCase):
    """Insurers, products, rules and users of each role, reused by every test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Broker Ltd"})

        cls.manager = new_test_user(
            cls.env,
            login="ins_manager",
            groups="base.group_user,insurance_broker.group_insurance_manager",
            name="Mona Manager",
        )
        cls.user_all = new_test_user(
            cls.env,
            login="ins_all",
            groups="base.group_user,insurance_broker.group_insurance_user",
            name="Alex All",
        )
        cls.user_own = new_test_user(
            cls.env,
            login="ins_own",
            groups="base.group_user,insurance_broker.group_insurance_user_own",
            name="Olga Own",
        )
        cls.user_own_2 = new_test_user(
            cls.env,
            login="ins_own2",
            groups="base.group_user,insurance_broker.group_insurance_user_own",
            name="Otto Own",
        )
        cls.reader = new_test_user(
            cls.env,
            login="ins_reader",
            groups="base.group_user,insurance_broker.group_insurance_reader",
            name="Rita Reader",
        )

        cls.insurer_a, cls.insurer_b = cls.env["res.partner"].create(
            [
                {"name": "Alpha Insurance", "is_company": True, "is_insurer": True},
                {"name": "Beta Assurance", "is_company": True, "is_insurer": True},
            ]
        )
        cls.product_mtpl, cls.product_casco, cls.product_property = cls.env[
            "insurance.product"
        ].create(
            [
                {
                    "name": "MTPL",
                    "code": "T-MTPL",
                    "category": "mtpl",
                    "default_term_months": 12,
                },
                {
                    "name": "CASCO",
                    "code": "T-CASCO",
                    "category": "casco",
                    "default_term_months": 12,
                },
                {
                    "name": "Home",
                    "code": "T-HOME",
                    "category": "property",
                    "default_term_months": 24,
                },
            ]
        )
        Rule = cls.env["insurance.commission.rule"]
        cls.rule_a_all = Rule.create(
            {"insurer_id": cls.insurer_a.id, "business_type": "any", "rate": 10.0}
        )
        cls.rule_a_casco_new = Rule.create(
            {
                "insurer_id": cls.insurer_a.id,
                "product_id": cls.product_casco.id,
                "business_type": "new",
                "rate": 15.0,
            }
        )
        cls.rule_a_casco_renewal = Rule.create(
            {
                "insurer_id": cls.insurer_a.id,
                "product_id": cls.product_casco.id,
                "business_type": "renewal",
                "rate": 12.5,
            }
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Jonas Client",
                "client_type": "individual",
                "client_manager_id": cls.user_own.id,
            }
        )

    @classmethod
    def _policy_values(cls, **values):
        defaults = {
            "partner_id": cls.client.id,
            "insurer_id": cls.insurer_a.id,
            "product_id": cls.product_casco.id,
            "date_start": "2026-01-01",
            "premium": 1200.0,
        }
        defaults.update(values)
        return defaults

    _counter = 0

    @classmethod
    def _create_policy(cls, confirm=False, **values):
        if "name" not in values:
            InsuranceCommon._counter += 1
            values["name"] = f"POL-{InsuranceCommon._counter:05d}"
        policy = cls.env["insurance.policy"].create(cls._policy_values(**values))
        if confirm:
            policy.action_confirm()
        return policy

    def _flush_tracking(self):
        """Tracking values are written when the transaction commits: do it now."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    @contextmanager
    def assertRaisesRegex(self, exception, regex):  # pylint: disable=arguments-differ
        """Like unittest's, but inside a savepoint as Odoo's assertRaises, so
        that what the refused operation wrote is rolled back."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)
