"""The renewal's and the calls' tasks get the suite's own task types (issue
17): Odoo's generic To-Do does not keep done tasks, so they were missing from
the task analysis. The stage automation (data loaded once) gives "Take the
client into work" with its new type, and the open tasks the suite gave with
To-Do take their new type, so that a call does not give the task twice."""

from odoo import SUPERUSER_ID, api

TYPES = {
    "Take the client into work": "mail_activity_type_renewal_take",
    "Assign a renewal manager": "mail_activity_type_assign_renewal_manager",
    "Record the call's result": "mail_activity_type_call_result",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
    if not todo:
        return
    take = env.ref("insurance_broker_crm.mail_activity_type_renewal_take")
    action = env.ref(
        "insurance_broker_crm.automation_renewal_take_action_1",
        raise_if_not_found=False,
    )
    if action and action.activity_type_id == todo:
        action.activity_type_id = take
    for summary, xmlid in TYPES.items():
        new_type = env.ref(f"insurance_broker_crm.{xmlid}")
        tasks = env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("activity_type_id", "=", todo.id),
                ("automated", "=", True),
                ("summary", "=", summary),
            ]
        )
        tasks.write({"activity_type_id": new_type.id})
