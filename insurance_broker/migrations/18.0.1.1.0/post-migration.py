"""18.0.1.1.0: the policies in another currency than their company's get
their company-currency amounts from the ORM, at the rate of their start
date (see the pre-migration)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """SELECT id FROM insurance_policy
            WHERE premium_company_currency IS NULL
               OR commission_company_currency IS NULL"""
    )
    policies = env["insurance.policy"].browse(row[0] for row in cr.fetchall())
    if not policies:
        return
    for name in ("premium_company_currency", "commission_company_currency"):
        env.add_to_compute(policies._fields[name], policies)
    policies.flush_recordset()
