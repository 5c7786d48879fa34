"""18.0.1.1.0: the policies keep their premium and commission in the
company's currency (``premium_company_currency``, ``commission_company_currency``)
for the analyses to sum.

Left to the ORM, adding the two stored computed fields would compute them
policy by policy over the whole book. Most policies are in their company's
currency, where the amounts are the same: the columns are added here and
filled with one UPDATE of the suite's own table; the post-migration has the
ORM convert the few in another currency.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """ALTER TABLE insurance_policy
               ADD COLUMN IF NOT EXISTS premium_company_currency numeric,
               ADD COLUMN IF NOT EXISTS commission_company_currency numeric"""
    )
    cr.execute(
        """UPDATE insurance_policy policy
              SET premium_company_currency = policy.premium,
                  commission_company_currency = policy.commission_amount
             FROM res_company company
            WHERE company.id = policy.company_id
              AND company.currency_id = policy.currency_id"""
    )
