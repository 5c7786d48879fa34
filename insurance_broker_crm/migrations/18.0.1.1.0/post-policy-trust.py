"""The deals whose policy the pipeline handed on keep acting on it (issue 13).

Before 18.0.1.1.0 any user could link any policy to a deal. Since then the
pipeline confirms and renews with superuser rights only a policy the deal
issued, was handed on with, or was linked by a user allowed to change it
(``crm.lead.insurance_policy_trusted``). Of the existing deals, those the
pipeline continued with their origin's policy, or with its successor, are
marked so; a policy a user linked by hand before is acted on only by a user
allowed to change it.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    leads = (
        env["crm.lead"]
        .with_context(active_test=False)
        .search(
            [
                ("origin_lead_id", "!=", False),
                ("policy_id", "!=", False),
                ("insurance_policy_trusted", "=", False),
            ]
        )
    )
    handed_on = leads.filtered(
        lambda lead: (
            lead.origin_lead_id.policy_id
            in (lead.policy_id | lead.policy_id.predecessor_id)
        )
    )
    handed_on.write({"insurance_policy_trusted": True})
