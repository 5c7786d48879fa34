def post_init_hook(env):
    """Policies confirmed before the addon was installed get their expected
    commission (and cancelled ones their chargeback), so that the first
    monthly run invoices the whole book. Idempotent, batched."""
    env["insurance.commission.line"]._backfill_expected()
