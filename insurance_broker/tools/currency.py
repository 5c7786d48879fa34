"""Amounts of the analyses in their company's currency.

A policy is written in the currency the insurer quotes it in; a company
sums its figures in its own. The analyses' SQL views convert each amount
with the rates Odoo's ``res.currency._convert`` uses: those of the
company's root company or shared ones, the last on or before the day, else
the first there is, else 1.
"""

from odoo.tools import SQL

# The rate of a currency for a company on a day, as res.currency._get_rates.
# Rates belong to the root company of a branch: parent_path starts with its id.
_RATE = """COALESCE(
    (SELECT rate.rate FROM res_currency_rate rate
      WHERE rate.currency_id = %(currency)s
        AND rate.name <= %(date)s
        AND (rate.company_id IS NULL
             OR rate.company_id = SPLIT_PART(%(parent_path)s, '/', 1)::integer)
      ORDER BY rate.company_id, rate.name DESC
      LIMIT 1),
    (SELECT rate.rate FROM res_currency_rate rate
      WHERE rate.currency_id = %(currency)s
        AND (rate.company_id IS NULL
             OR rate.company_id = SPLIT_PART(%(parent_path)s, '/', 1)::integer)
      ORDER BY rate.company_id, rate.name
      LIMIT 1),
    1.0)"""


def in_company_currency(amount, currency, company, date):
    """SQL: ``amount`` (a column in ``currency``) in the currency of the
    ``company`` row (an alias of ``res_company``) at the rate of ``date``.

    The rates are looked up only for amounts in another currency (not for
    the empty side of an outer join either), so that a book in one currency
    costs no more than before.
    """
    company_currency = SQL("%s.currency_id", company)
    parent_path = SQL("%s.parent_path", company)

    def rate(of):
        return SQL(_RATE, currency=of, date=date, parent_path=parent_path)

    return SQL(
        "CASE WHEN %(currency)s IS NULL OR %(currency)s = %(company_currency)s"
        " THEN %(amount)s"
        " ELSE %(amount)s * %(to_rate)s / %(from_rate)s END",
        currency=currency,
        company_currency=company_currency,
        amount=amount,
        to_rate=rate(company_currency),
        from_rate=rate(currency),
    )
