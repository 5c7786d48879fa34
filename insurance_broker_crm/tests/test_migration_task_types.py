import importlib.util

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestMigrationTaskTypes(InsuranceCrmCommon):
    """Upgrading a book whose renewal and call tasks were Odoo's To-Do: the
    automation and the open tasks take the suite's types, which keep done
    tasks; the done tasks get how late they were."""

    def _migrate(self, name):
        path = file_path(f"insurance_broker_crm/migrations/18.0.1.4.0/{name}.py")
        spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()

    def test_todo_tasks_take_the_suite_types(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        action = self.env.ref("insurance_broker_crm.automation_renewal_take_action_1")
        action.activity_type_id = todo
        self.lead.activity_ids.unlink()
        task, by_hand = self.lead.activity_schedule(
            activity_type_id=todo.id, summary="Record the call's result"
        ) | self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": self.lead.id,
                "activity_type_id": todo.id,
                "summary": "Record the call's result",
            }
        )
        self._migrate("post-task-types")
        self.assertEqual(
            action.activity_type_id,
            self.env.ref("insurance_broker_crm.mail_activity_type_renewal_take"),
        )
        self.assertEqual(
            task.activity_type_id,
            self.env.ref("insurance_broker_crm.mail_activity_type_call_result"),
        )
        self.assertTrue(task.activity_type_id.keep_done)
        self.assertEqual(by_hand.activity_type_id, todo, "a user's To-Do stays")

    def test_done_tasks_get_their_lateness(self):
        gather = self.env.ref(
            "insurance_broker_crm.mail_activity_type_gather_information"
        )
        late, on_time = self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": self.lead.id,
                    "activity_type_id": gather.id,
                    "summary": summary,
                    "user_id": self.salesman.id,
                    "date_deadline": "2026-04-08",
                }
                for summary in ("late", "on time")
            ]
        )
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE mail_activity
               SET active = FALSE, date_done = %s,
                   insurance_done_late = NULL, insurance_days_late = NULL
             WHERE id = %s
            """,
            ("2026-04-10", late.id),
        )
        self.env.cr.execute(
            "UPDATE mail_activity SET active = FALSE, date_done = %s WHERE id = %s",
            ("2026-04-08", on_time.id),
        )
        self._migrate("post-task-lateness")
        self.assertEqual(
            (late.insurance_done_late, late.insurance_days_late), (True, 2)
        )
        self.assertEqual(
            (on_time.insurance_done_late, on_time.insurance_days_late), (False, 0)
        )
