"""Documents and demands and needs on the deals of an existing book (issue 15).

The stages are data loaded once (noupdate): upgrading flags Typing and Issued
as stages that need the collected documents, as a new installation does. The
open insurance deals get the checklist of their product's required documents,
and the open deals that make offers get their product's questionnaire, as if
their product had just been set. Deals already in Typing or Issued stay where
they are: the check applies when a deal moves. In batches, without a tracking
note on each deal."""

from odoo import SUPERUSER_ID, api

BATCH_SIZE = 1000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    for xmlid in (
        "insurance_broker_crm.stage_fulfilment_typing",
        "insurance_broker_crm.stage_fulfilment_issued",
    ):
        stage = env.ref(xmlid, raise_if_not_found=False)
        if stage:
            stage.insurance_requires_documents = True
    leads = env["crm.lead"].search(
        [
            ("active", "=", True),
            ("insurance_product_id", "!=", False),
            ("stage_id.is_won", "=", False),
        ],
        order="id",
    )
    for start in range(0, len(leads), BATCH_SIZE):
        batch = leads[start : start + BATCH_SIZE]
        batch._insurance_sync_documents()
        batch._insurance_load_questions()
        env.flush_all()
        env.invalidate_all()
