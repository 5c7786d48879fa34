from odoo.tests import new_test_user

from odoo.addons.insurance_broker.tests.common import InsuranceCommon


class InsuranceCrmCommon(InsuranceCommon):
    """The foundation's insurers, products and rules, plus salespeople and
    the broker's pipelines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="crm_salesman",
            groups="sales_team.group_sale_salesman,"
            "insurance_broker.group_insurance_user_own",
            name="Sam Seller",
        )
        cls.salesman_2 = new_test_user(
            cls.env,
            login="crm_salesman2",
            groups="sales_team.group_sale_salesman,"
            "insurance_broker.group_insurance_user_own",
            name="Sara Seller",
        )
        cls.team_sales = cls.env.ref("insurance_broker_crm.team_insurance_sales")
        cls.stage = {
            stage.insurance_stage_code: stage
            for stage in cls.env["crm.stage"].search(
                [("insurance_stage_code", "!=", False)]
            )
        }
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "CASCO for Jonas",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "team_id": cls.team_sales.id,
                "stage_id": cls.stage["sales_gathering"].id,
                "user_id": cls.salesman.id,
                "insurance_product_id": cls.product_casco.id,
                "insurance_date_start": "2026-03-01",
            }
        )
