from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import InsuranceCrmCommon


class LeadCreateCommon(InsuranceCrmCommon):
    """A salesperson of the Insurance Sales team creates leads as a user
    does: with the team, leaving the stage to the pipeline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            login="create_seller",
            password="create_seller_pw",
            groups="sales_team.group_sale_salesman",
            name="Selma Seller",
            email="selma@example.com",
        )
        cls.env["crm.team.member"].create(
            {"crm_team_id": cls.team_sales.id, "user_id": cls.seller.id}
        )
        cls.gather_type = cls.env.ref(
            "insurance_broker_crm.mail_activity_type_gather_information"
        )

    def assertCreatedInGathering(self, lead, user=None):
        """In Gathering information, the responsible's task there once, each
        follower once."""
        user = user or self.seller
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.team_id, self.team_sales)
        self.assertEqual(lead.stage_id, self.stage["sales_gathering"])
        self.assertEqual(lead.user_id, user)
        tasks = lead.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.gather_type
        )
        self.assertEqual(len(tasks), 1)
        self.assertEqual(tasks.user_id, user)
        partners = lead.message_follower_ids.partner_id
        self.assertIn(user.partner_id, partners)
        self.assertEqual(len(partners), len(lead.message_follower_ids))


@tagged("post_install", "-at_install")
class TestLeadCreate(LeadCreateCommon):
    def test_create_with_a_team_and_no_stage(self):
        """As over RPC: the team, no stage; the salesperson is the default
        responsible and the creator, and the stage's automation gives them a
        task."""
        lead = (
            self.env["crm.lead"]
            .with_user(self.seller)
            .create({"name": "Call me about CASCO", "team_id": self.team_sales.id})
        )
        self.assertCreatedInGathering(lead)

    def test_create_several_at_once(self):
        leads = (
            self.env["crm.lead"]
            .with_user(self.seller)
            .create(
                [
                    {"name": "First", "team_id": self.team_sales.id},
                    {"name": "Second", "team_id": self.team_sales.id},
                ]
            )
        )
        for lead in leads:
            self.assertCreatedInGathering(lead)

    def test_create_from_the_form(self):
        form = Form(
            self.env["crm.lead"]
            .with_user(self.seller)
            .with_context(default_type="opportunity")
        )
        form.name = "MTPL by the form"
        form.team_id = self.team_sales
        lead = form.save()
        self.assertCreatedInGathering(lead)

    def test_create_by_import(self):
        result = (
            self.env["crm.lead"]
            .with_user(self.seller)
            .load(
                ["name", "type", "team_id/id"],
                [
                    [
                        "Imported request",
                        "opportunity",
                        "insurance_broker_crm.team_insurance_sales",
                    ]
                ],
            )
        )
        self.assertFalse(result["messages"])
        self.assertCreatedInGathering(self.env["crm.lead"].browse(result["ids"]))

    def test_create_by_message_new_as_the_salesperson(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.seller)
            .message_new(
                {
                    "subject": "Home insurance",
                    "from": "Ann Client <ann@example.com>",
                    "to": "sales@example.com",
                    "body": "Please call me.",
                },
                {"team_id": self.team_sales.id, "user_id": self.seller.id},
            )
        )
        self.assertCreatedInGathering(lead)

    def test_create_by_the_team_alias(self):
        """An e-mail to the team's alias, through the mail gateway, for a
        salesperson of the team."""
        alias_domain = self.env["mail.alias.domain"].create(
            {"name": "broker.example.com"}
        )
        self.env.company.alias_domain_id = alias_domain
        self.team_sales.write(
            {
                "alias_name": "insurance-sales",
                "alias_domain_id": alias_domain.id,
                "alias_defaults": str(
                    {
                        "type": "opportunity",
                        "team_id": self.team_sales.id,
                        "user_id": self.seller.id,
                    }
                ),
            }
        )
        message = (
            "From: Ann Client <ann@example.com>\r\n"
            "To: insurance-sales@broker.example.com\r\n"
            "Subject: Travel insurance\r\n"
            "Message-ID: <travel-1@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "I travel next week.\r\n"
        )
        lead_id = self.env["mail.thread"].message_process("crm.lead", message)
        self.assertCreatedInGathering(self.env["crm.lead"].browse(lead_id))


@tagged("post_install", "-at_install")
class TestLeadCreateRpc(HttpCase, LeadCreateCommon):
    def test_create_over_xmlrpc_with_a_team_and_no_stage(self):
        lead_id = self.xmlrpc_object.execute(
            self.env.cr.dbname,
            self.seller.id,
            "create_seller_pw",
            "crm.lead",
            "create",
            {"name": "Over XML-RPC", "team_id": self.team_sales.id},
        )
        self.assertCreatedInGathering(self.env["crm.lead"].browse(lead_id))
