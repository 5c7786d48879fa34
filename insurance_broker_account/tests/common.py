from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class InsuranceAccountCommon(AccountTestInvoicingCommon):
    """A broker company with a chart of accounts, insurers of both premium
    collection modes, products, commission rules, a client and users of each
    role; reused by every test of the addon."""

    _policy_counter = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # Premium-free service products invoice the instalments: no sales
        # tax on insurance premiums (taxed, if at all, by the insurer).
        cls.premium_product_casco = cls._create_product(
            name="CASCO premium", type="service", taxes_id=[Command.clear()]
        )
        cls.premium_product_mtpl = cls._create_product(
            name="MTPL premium", type="service", taxes_id=[Command.clear()]
        )
        cls.insurer_broker, cls.insurer_direct = cls.env["res.partner"].create(
            [
                {
                    "name": "Alpha Insurance (broker collects)",
                    "is_company": True,
                    "is_insurer": True,
                    "insurance_premium_collection": "broker",
                    "email": "alpha@example.com",
                },
                {
                    "name": "Beta Assurance (insurer collects)",
                    "is_company": True,
                    "is_insurer": True,
                    "insurance_premium_collection": "insurer",
                    "email": "beta@example.com",
                },
            ]
        )
        cls.product_casco, cls.product_mtpl = cls.env["insurance.product"].create(
            [
                {
                    "name": "CASCO",
                    "code": "A-CASCO",
                    "category": "casco",
                    "default_term_months": 12,
                    "product_id": cls.premium_product_casco.id,
                    "company_id": cls.company.id,
                },
                {
                    "name": "MTPL",
                    "code": "A-MTPL",
                    "category": "mtpl",
                    "default_term_months": 12,
                    "product_id": cls.premium_product_mtpl.id,
                    "company_id": cls.company.id,
                },
            ]
        )
        Rule = cls.env["insurance.commission.rule"]
        cls.rule_broker = Rule.create(
            {
                "insurer_id": cls.insurer_broker.id,
                "business_type": "any",
                "rate": 10.0,
                "company_id": cls.company.id,
            }
        )
        cls.rule_direct = Rule.create(
            {
                "insurer_id": cls.insurer_direct.id,
                "business_type": "any",
                "rate": 15.0,
                "company_id": cls.company.id,
            }
        )

        user_values = {"company_id": cls.company.id, "company_ids": cls.company.ids}
        cls.salesperson = new_test_user(
            cls.env,
            login="acc_sales",
            groups="base.group_user,insurance_broker.group_insurance_user_own",
            name="Sam Sales",
            email="sam@example.com",
            **user_values,
        )
        cls.insurance_manager = new_test_user(
            cls.env,
            login="acc_ins_manager",
            groups="base.group_user,insurance_broker.group_insurance_manager",
            name="Mia Manager",
            **user_values,
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="acc_invoicing",
            groups="base.group_user,account.group_account_invoice",
            name="Ina Invoicing",
            **user_values,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="acc_accountant",
            groups="base.group_user,account.group_account_manager",
            name="Ada Accountant",
            **user_values,
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Jonas Client",
                "client_type": "individual",
                "client_manager_id": cls.salesperson.id,
                "email": "jonas@example.com",
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _create_policy(cls, confirm=True, **values):
        """A policy of the test company; confirmed unless told otherwise."""
        InsuranceAccountCommon._policy_counter += 1
        defaults = {
            "name": f"ACC-{InsuranceAccountCommon._policy_counter:05d}",
            "partner_id": cls.client.id,
            "insurer_id": cls.insurer_broker.id,
            "product_id": cls.product_casco.id,
            "date_start": "2026-01-01",
            "premium": 1200.0,
            "company_id": cls.company.id,
        }
        defaults.update(values)
        policy = cls.env["insurance.policy"].create(defaults)
        if confirm:
            policy.action_confirm()
        return policy

    @classmethod
    def get_default_groups(cls):
        # The user the tests run as (Odoo's "accountman", an accountant) also
        # sets insurance up: products, commission rules, policies.
        return super().get_default_groups() | cls.env.ref(
            "insurance_broker.group_insurance_manager"
        )
