"""The pipelines' stage automations use Odoo's "Stage is set to" trigger
(issue 18) instead of "On save" with a domain on the stage's code: the same
rules, whose condition base_automation checks on the stage itself at every
save of a deal, not through the stage's code deal by deal. The rules are
data loaded once (noupdate): only those still as shipped change; a rule an
administrator edited is left as it is."""

from odoo import SUPERUSER_ID, api

RULES = [
    "sales_gathering",
    "sales_waiting",
    "sales_deciding",
    "sales_documents",
    "fulfilment_typing",
    "fulfilment_refused",
    "fulfilment_issued",
    "fulfilment_retyping",
    "fulfilment_courier",
    "renewal_take",
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for code in RULES:
        rule = env.ref(
            f"insurance_broker_crm.automation_{code}", raise_if_not_found=False
        )
        stage = env.ref(f"insurance_broker_crm.stage_{code}", raise_if_not_found=False)
        shipped = f"[('stage_id.insurance_stage_code', '=', '{code}')]"
        if (
            rule
            and stage
            and rule.trigger == "on_create_or_write"
            and rule.filter_domain == shipped
        ):
            rule.write({"trigger": "on_stage_set", "trg_field_ref": stage.id})
