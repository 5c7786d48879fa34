from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTaskReportTour(HttpCase):
    """The head of sales opens the late tasks, the task analysis and the
    efficiency analysis in the browser, as the demo head of sales Daiva
    Petraitienė."""

    def test_head_of_sales_opens_the_task_analysis(self):
        ref = self.env.ref
        lukas = ref("insurance_broker_crm.user_salesperson_lukas")
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour task deal",
                "type": "opportunity",
                "user_id": lukas.id,
                "team_id": ref("insurance_broker_crm.team_insurance_sales").id,
            }
        )
        today = fields.Date.context_today(lead)
        late, done = self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": ref(
                        f"insurance_broker_crm.mail_activity_type_{xmlid}"
                    ).id,
                    "summary": summary,
                    "user_id": lukas.id,
                    "date_deadline": today - timedelta(days=3),
                }
                for xmlid, summary in (
                    ("gather_information", "Tour late task"),
                    ("missing_data", "Tour task done late"),
                )
            ]
        )
        done.insurance_lateness_reason_id = ref(
            "insurance_broker_crm.lateness_reason_insurer"
        )
        done.with_user(lukas).action_feedback(feedback="Done")
        self.assertFalse(done.active)
        self.assertTrue(late.active)
        self.start_tour(
            "/odoo/action-insurance_broker_crm.insurance_task_report_action_late_now",
            "insurance_task_report_tour",
            login="daiva.petraitiene",
        )
