"""Renewal buckets named by the window they hold, and the renewal deals of
the policies in force that never had one (issue 14)."""

from odoo import SUPERUSER_ID, api

# The stages are noupdate data: renamed here, unless an administrator
# renamed them already.
STAGE_NAMES = {
    "insurance_broker_crm.stage_renewal_year": ("A year or more", "Over 6 months"),
    "insurance_broker_crm.stage_renewal_6_months": ("6 months", "6–3 months"),
    "insurance_broker_crm.stage_renewal_3_months": ("3 months", "3–1 months"),
    "insurance_broker_crm.stage_renewal_month": ("A month", "Last month"),
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (old, new) in STAGE_NAMES.items():
        stage = env.ref(xmlid, raise_if_not_found=False)
        stage = stage and stage.with_context(lang="en_US")
        if stage and stage.name == old:
            stage.name = new
    env["insurance.policy"]._insurance_create_missing_renewal_deals()
