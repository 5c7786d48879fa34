"""Money arithmetic in whole units of the currency's smallest coin (cents):
exact, so that the parts of an amount always add up to it."""


def split_in_proportion(total, weights):
    """Split the integer ``total`` in proportion to the integer ``weights``.

    Each share is rounded half up (never beyond what is left) and the
    remainder goes on the last one, so the shares add up to ``total``
    exactly; equal shares when every weight is 0.
    """
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    shares = []
    left = total
    for weight in weights[:-1]:
        share = min((2 * total * weight + weight_sum) // (2 * weight_sum), left)
        shares.append(share)
        left -= share
    return [*shares, left]


def pro_rata_units(units, date_start, date_end, last_day):
    """The part of ``units`` earned by a term from ``date_start`` to
    ``date_end`` (both included) when it ends on ``last_day`` (included):
    pro rata to the days covered, rounded half up; all of it once the term
    is covered, nothing before it starts."""
    term_days = (date_end - date_start).days + 1
    covered_days = min(max((last_day - date_start).days + 1, 0), term_days)
    return (2 * units * covered_days + term_days) // (2 * term_days)


def amount_repr(amount, decimal_places):
    """``amount`` written with ``decimal_places`` decimals, as Odoo's
    ``float_repr`` writes it: an amount that rounds to zero is "0.00",
    never "-0.00"."""
    text = f"{amount:.{decimal_places}f}"
    return f"{0.0:.{decimal_places}f}" if float(text) == 0 else text
