"""The pipeline's value: expected revenue on the existing insurance deals, and
renewal rates on the quotes of the open renewal deals (issue 14).

Upgrading computes the new ``crm.lead.insurance_business_type`` column for
every lead (renewal for the Renewal pipeline's deals and the sales of their
successors). The quotes of the renewal deals still open were priced at the
new-business rates: their commissions are computed again, at the renewal
rates. Then every insurance deal (quotes, a policy or a commission) gets its
expected revenue, which was 0. In batches, without a tracking note on each
deal."""

from odoo import SUPERUSER_ID, api

BATCH_SIZE = 1000


def _recompute(env, field, records):
    """Compute ``field`` of ``records`` again, and what depends on it (the
    deal's commission and budget on a quote's commission, the prorated
    revenue on the expected revenue), as a write would."""
    for start in range(0, len(records), BATCH_SIZE):
        batch = records[start : start + BATCH_SIZE]
        batch.modified([field.name])
        env.add_to_compute(field, batch)
        env.flush_all()
        env.invalidate_all()


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    Lead = env["crm.lead"].with_context(active_test=False)
    open_renewals = Lead.search(
        [
            ("active", "=", True),
            ("insurance_business_type", "=", "renewal"),
            ("stage_id.is_won", "=", False),
        ]
    )
    Quote = env["insurance.quote"]
    quotes = Quote.search([("lead_id", "in", open_renewals.ids)], order="id")
    _recompute(env, Quote._fields["commission"], quotes)
    deals = Lead.search(
        [
            "|",
            "|",
            ("quote_ids", "!=", False),
            ("policy_id", "!=", False),
            ("deal_commission", "!=", 0),
        ],
        order="id",
    )
    _recompute(env, Lead._fields["expected_revenue"], deals)
