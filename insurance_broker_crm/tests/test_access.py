from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestCrmAccess(InsuranceCrmCommon):
    """Who sees and changes the deal's insurance data: a salesperson their
    own leads', "All Documents" everybody's, a read-only insurance user
    reads, other companies' data stays hidden; settings are for admins."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.all_leads = new_test_user(
            cls.env,
            login="crm_all_leads",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.sales_manager = new_test_user(
            cls.env, login="crm_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.other_lead = cls.env["crm.lead"].create(
            {
                "name": "MTPL for somebody else",
                "type": "opportunity",
                "team_id": cls.team_sales.id,
                "stage_id": cls.stage["sales_gathering"].id,
                "user_id": cls.salesman_2.id,
                "insurance_product_id": cls.product_mtpl.id,
            }
        )
        cls.quote = cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_a.id, "premium": 900.0}
        )
        cls.other_quote = cls.env["insurance.quote"].create(
            {
                "lead_id": cls.other_lead.id,
                "insurer_id": cls.insurer_b.id,
                "premium": 700.0,
            }
        )
        cls.other_driver = cls.env["insurance.lead.driver"].create(
            {"lead_id": cls.other_lead.id, "name": "Driver of the other lead"}
        )

    def test_salesperson_works_on_their_own_leads_only(self):
        Quote = self.env["insurance.quote"].with_user(self.salesman)
        Driver = self.env["insurance.lead.driver"].with_user(self.salesman)
        quote = Quote.create(
            {"lead_id": self.lead.id, "insurer_id": self.insurer_b.id, "premium": 950.0}
        )
        quote.action_choose()
        driver = Driver.create({"lead_id": self.lead.id, "name": "Jonas"})
        self.assertEqual(self.lead.chosen_quote_id, quote)
        self.assertEqual(driver.lead_id, self.lead)
        self.assertEqual(Quote.search([]), self.quote | quote)
        self.assertFalse(Driver.search([("id", "=", self.other_driver.id)]))
        with self.assertRaises(AccessError):
            self.other_quote.with_user(self.salesman).write({"premium": 1.0})
        with self.assertRaises(AccessError):
            Quote.create(
                {
                    "lead_id": self.other_lead.id,
                    "insurer_id": self.insurer_a.id,
                    "premium": 1.0,
                }
            )
        self.assertEqual(self.other_quote.premium, 700.0)

    def test_all_documents_salesperson_sees_every_deal(self):
        Quote = self.env["insurance.quote"].with_user(self.all_leads)
        self.assertEqual(
            Quote.search([("id", "in", (self.quote | self.other_quote).ids)]),
            self.quote | self.other_quote,
        )
        self.other_quote.with_user(self.all_leads).write({"deductible": 100.0})
        self.other_driver.with_user(self.all_leads).write({"licence_number": "X1"})
        self.assertEqual(self.other_quote.deductible, 100.0)

    def test_reader_reads_and_changes_nothing(self):
        reader = self.reader
        self.assertTrue(self.other_quote.with_user(reader).read(["premium"]))
        self.assertTrue(self.other_driver.with_user(reader).read(["name"]))
        with self.assertRaises(AccessError):
            self.other_quote.with_user(reader).write({"premium": 1.0})
        with self.assertRaises(AccessError):
            self.other_driver.with_user(reader).unlink()
        with self.assertRaises(AccessError):
            self.env["insurance.quote"].with_user(reader).create(
                {"lead_id": self.lead.id, "insurer_id": self.insurer_a.id}
            )

    def test_other_company_deals_stay_hidden(self):
        company_b = self.env["res.company"].create({"name": "Broker B"})
        lead_b = self.env["crm.lead"].create(
            {
                "name": "Deal of company B",
                "type": "opportunity",
                "company_id": company_b.id,
                "user_id": False,
            }
        )
        quote_b = self.env["insurance.quote"].create(
            {"lead_id": lead_b.id, "insurer_id": self.insurer_a.id, "premium": 5.0}
        )
        self.assertEqual(quote_b.company_id, company_b)
        Quote = self.env["insurance.quote"].with_user(self.all_leads)
        self.assertFalse(Quote.search([("id", "=", quote_b.id)]))
        with self.assertRaises(AccessError):
            quote_b.with_user(self.all_leads).read(["premium"])

    def test_roles_and_stage_rules_are_configured_by_managers(self):
        company = self.env.company
        with self.assertRaises(AccessError):
            company.with_user(self.all_leads).write(
                {"insurance_logistician_id": self.all_leads.id}
            )
        # The sales manager sets which fields a stage requires.
        stage = self.stage["sales_documents"].with_user(self.sales_manager)
        field = self.env.ref("insurance_broker_crm.field_crm_lead__document_folder_url")
        stage.write({"required_field_ids": [(4, field.id)]})
        self.assertIn(field, self.stage["sales_documents"].required_field_ids)
        with self.assertRaises(AccessError):
            self.stage["sales_documents"].with_user(self.salesman).write(
                {"required_field_ids": [(5, 0, 0)]}
            )
        # Task types and their standards are set by the head of sales too.
        task_type = self.env.ref("insurance_broker_crm.mail_activity_type_missing_data")
        task_type.with_user(self.sales_manager).insurance_time_standard = 3.0
        self.assertEqual(task_type.insurance_time_standard, 3.0)
        with self.assertRaises(AccessError):
            task_type.with_user(self.salesman).insurance_time_standard = 8.0
