from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestLithuanianTour(HttpCase):
    """The demo salesperson Lukas Vaitkus works in Lithuanian: the pipeline,
    a deal, a policy and the client card show the suite's Lithuanian labels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.env["res.lang"]._activate_lang("lt_LT")
        # The terms of the modules the tour shows, Odoo's and the suite's (a
        # test database does not load them for a language activated later).
        cls.env["ir.module.module"]._load_module_terms(
            [
                "base",
                "web",
                "mail",
                "contacts",
                "sales_team",
                "crm",
                "insurance_broker",
                "insurance_broker_crm",
            ],
            ["lt_LT"],
        )
        cls.salesperson = ref("insurance_broker_crm.user_salesperson_lukas")
        cls.salesperson.lang = "lt_LT"
        stage = cls.env["crm.stage"].search(
            [("insurance_stage_code", "=", "sales_gathering")], limit=1
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Tour LT Client",
                "client_type": "individual",
                "client_manager_id": cls.salesperson.id,
                "lang": "lt_LT",
            }
        )
        cls.env["crm.lead"].create(
            {
                "name": "Tour LT CASCO",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "team_id": ref("insurance_broker_crm.team_insurance_sales").id,
                "stage_id": stage.id,
                "user_id": cls.salesperson.id,
                "insurance_product_id": ref("insurance_broker.product_casco").id,
            }
        )
        cls.env["insurance.policy"].create(
            {
                "name": "TOUR-LT-0001",
                "partner_id": cls.client.id,
                "insurer_id": ref("insurance_broker.insurer_baltic_shield").id,
                "product_id": ref("insurance_broker.product_property").id,
                "date_start": "2026-01-01",
                "premium": 186.0,
                "sum_insured": 185000.0,
                "object_description": "Flat in Vilnius",
            }
        ).action_confirm()

    def test_lithuanian_labels(self):
        self.start_tour(
            "/odoo", "insurance_lithuanian_tour", login=self.salesperson.login
        )
