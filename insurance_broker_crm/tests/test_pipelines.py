from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestPipelines(InsuranceCrmCommon):
    def test_four_pipelines_with_their_stages(self):
        expected = {
            "insurance_broker_crm.team_insurance_sales": [
                "Gathering information",
                "Waiting for data",
                "Deciding",
                "Collecting documents",
                "Handed to fulfilment",
                "Refused",
            ],
            "insurance_broker_crm.team_insurance_fulfilment": [
                "New",
                "Typing",
                "Issued",
                "Re-typing",
                "Refused for fulfilment",
                "Courier delivery",
                "Delivered",
                "Delivery refused",
            ],
            "insurance_broker_crm.team_insurance_renewal": [
                "Over 6 months",
                "6–3 months",
                "3–1 months",
                "Last month",
                "Take into work",
                "Renewed",
                "Client refused",
            ],
            "insurance_broker_crm.team_insurance_lost": ["To win back"],
        }
        for xmlid, names in expected.items():
            team = self.env.ref(xmlid)
            stages = self.env["crm.stage"].search([("team_id", "=", team.id)])
            self.assertEqual(stages.mapped("name"), names, xmlid)
        won = self.env["crm.stage"].search(
            [("is_won", "=", True), ("insurance_stage_code", "!=", False)]
        )
        self.assertEqual(
            set(won.mapped("insurance_stage_code")),
            {"sales_handed", "fulfilment_delivered", "renewal_renewed"},
        )

    def test_generic_stages_stay_out_of_the_broker_pipelines(self):
        for xmlid in ("crm.stage_lead1", "crm.stage_lead4"):
            self.assertEqual(
                self.env.ref(xmlid).team_id,
                self.env.ref("sales_team.team_sales_department"),
            )

    def test_required_fields_to_enter_a_stage(self):
        handed = self.stage["sales_handed"]
        with self.assertRaisesRegex(UserError, "Chosen Quote, Delivery Type"):
            self.lead.stage_id = handed
        self.assertEqual(self.lead.stage_id, self.stage["sales_gathering"])
        quote = self.env["insurance.quote"].create(
            {"lead_id": self.lead.id, "insurer_id": self.insurer_a.id, "premium": 900.0}
        )
        quote.action_choose()
        with self.assertRaisesRegex(UserError, "Delivery Type"):
            self.lead.stage_id = handed
        # Fields given in the same write count.
        self.lead.write({"stage_id": handed.id, "delivery_type": "courier"})
        self.assertEqual(self.lead.stage_id, handed)

    def test_refusal_needs_a_lost_reason(self):
        with self.assertRaisesRegex(UserError, "Lost Reason"):
            self.lead.stage_id = self.stage["sales_refused"]
        reason = self.env["crm.lost.reason"].create({"name": "Too expensive"})
        self.lead.write(
            {"stage_id": self.stage["sales_refused"].id, "lost_reason_id": reason.id}
        )
        self.assertEqual(self.lead.stage_id, self.stage["sales_refused"])

    def test_lead_created_in_a_stage_is_checked_too(self):
        with self.assertRaisesRegex(UserError, "Typist"):
            self.env["crm.lead"].create(
                {
                    "name": "Straight to typing",
                    "team_id": self.env.ref(
                        "insurance_broker_crm.team_insurance_fulfilment"
                    ).id,
                    "stage_id": self.stage["fulfilment_typing"].id,
                }
            )
