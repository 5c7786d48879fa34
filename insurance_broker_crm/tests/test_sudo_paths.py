from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_lead_policy_trust import InsuranceTrustCommon


@tagged("post_install", "-at_install")
class TestSudoPaths(InsuranceTrustCommon):
    """What each superuser read or write of the addon gives a user without
    the right: the outcome it is there for, nothing more. (The pipeline's
    policy paths are in test_lead_policy_trust, the telephony token's in
    test_incoming_call: a wrong token is refused, a token acts in its own
    company only.)"""

    def test_stage_requirements_read_the_field_definitions_only(self):
        """crm_lead._check_stage_requirements and
        _check_stage_leave_requirements read the stage's required fields
        (ir.model.fields) as superuser: the user is refused with their
        labels, and still cannot read field definitions."""
        lead = self._lead(self.crm_only)
        as_seller = lead.with_user(self.crm_only)
        with self.assertRaisesRegex(UserError, "without: Chosen Quote, Delivery Type"):
            as_seller.write({"stage_id": self.stage["sales_handed"].id})
        self.assertEqual(lead.stage_id, self.stage["sales_gathering"])
        as_seller.write({"stage_id": self.stage["sales_deciding"].id})
        with self.assertRaisesRegex(UserError, "cannot leave the stage Deciding"):
            as_seller.write({"stage_id": self.stage["sales_documents"].id})
        self.assertEqual(lead.stage_id, self.stage["sales_deciding"])
        stage = self.stage["sales_handed"].with_user(self.crm_only)
        with self.assertRaises(AccessError):
            stage.required_field_ids.mapped("name")
        with self.assertRaises(AccessError):
            self.stage["sales_deciding"].with_user(
                self.crm_only
            ).leave_required_field_ids.mapped("name")
        with self.assertRaises(AccessError):
            self.env["ir.model.fields"].with_user(self.crm_only).search_count([])

    def test_task_requirements_read_the_field_definitions_only(self):
        """mail_activity._check_required_to_mark_done reads the task type's
        required fields as superuser; the record's values are read with the
        user's rights."""
        lead = self._lead(self.crm_only, "sales_deciding")
        task = lead.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id
                == self.env.ref("insurance_broker_crm.mail_activity_type_next_contact")
            )
        )
        self.assertEqual(len(task), 1)
        with self.assertRaisesRegex(UserError, "Next Contact Date, Reason for Waiting"):
            task.with_user(self.crm_only).action_done()
        self.assertTrue(task.exists() and task.active)
        with self.assertRaises(AccessError):
            task.activity_type_id.with_user(
                self.crm_only
            ).insurance_required_field_ids.mapped("name")
        lead.with_user(self.crm_only).write(
            {"next_contact_date": "2026-03-10", "waiting_reason": "Pay day"}
        )
        task.with_user(self.crm_only).action_done()
        self.assertFalse(task.active)

    def test_the_continuation_creates_only_the_next_lead(self):
        """crm_lead._continue creates the next pipeline's lead as superuser
        (for the logistician, whom a seller limited to their own leads may
        not create leads for): that one lead, out of the seller's reach
        afterwards; nothing for a lead the user may not change."""
        lead = self._lead(self.crm_only)
        self.quote.lead_id = lead
        leads_before = self.env["crm.lead"].search_count([])
        lead.with_user(self.crm_only).write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": "courier"}
        )
        fulfilment = lead.continued_lead_ids
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before + 1)
        self.assertEqual(fulfilment.user_id, self.logistician)
        self.assertEqual(fulfilment.create_uid, self.crm_only)
        with self.assertRaises(AccessError):
            fulfilment.with_user(self.crm_only).write({"stage_id": lead.stage_id.id})
        self.assertFalse(
            self.env["crm.lead"]
            .with_user(self.crm_only)
            .search([("id", "=", fulfilment.id)])
        )
        other = self._lead(self.salesman_2)
        with self.assertRaises(AccessError):
            other.with_user(self.crm_only)._continue_in_fulfilment()
        self.assertFalse(other.continued_lead_ids)

    @freeze_time("2026-08-15")
    def test_the_bucket_run_moves_only_what_its_user_may_change(self):
        """The renewal-bucket run reads automation rules and stages as
        superuser and posts mail's tracking note as mail does at commit:
        run by a user who may not change the deals, it moves none; by the
        head of sales, it moves them, who still reads no automation rule."""
        renewal = self._lead(self.salesman_2, "renewal_year", partner_id=False)
        renewal.policy_id = self.foreign_active  # ends 31 Dec 2026: 6 months
        Lead = self.env["crm.lead"]
        with self.assertRaises(AccessError):
            Lead.with_user(self.crm_only)._cron_renewal_buckets()
        self.assertEqual(renewal.stage_id, self.stage["renewal_year"])
        Lead.with_user(self.head_of_sales)._cron_renewal_buckets()
        self.assertEqual(renewal.stage_id, self.stage["renewal_6_months"])
        self.assertTrue(
            renewal.message_ids.tracking_value_ids.filtered(
                lambda value: value.field_id.name == "stage_id"
            )
        )
        with self.assertRaises(AccessError):
            self.env["base.automation"].with_user(self.head_of_sales).search_count([])
