import math
from datetime import date, datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, formatLang

# Amounts are stored and computed as floats: below 10^12 a float holds every
# cent exactly, with room for the sums and products of a few of them.
MAX_AMOUNT = 999_999_999_999.99
AMOUNT = (-MAX_AMOUNT, MAX_AMOUNT)
POSITIVE_AMOUNT = (0.0, MAX_AMOUNT)
PERCENT = (0.0, 100.0)
# Dates a broker types: far enough for birth dates and the longest covers,
# near enough that no date arithmetic on them leaves Python's calendar.
DATE = (date(1900, 1, 1), date(2200, 12, 31))
# The longest cover: a whole-of-life policy, a century.
MAX_TERM_MONTHS = 1200
TERM_MONTHS = (1, MAX_TERM_MONTHS)
# What an integer column (int4) holds.
INTEGER = (-(2**31), 2**31 - 1)
# The bounds by name, for the addons that name them instead of importing
# this module.
BOUNDS = {
    "amount": AMOUNT,
    "positive_amount": POSITIVE_AMOUNT,
    "percent": PERCENT,
    "date": DATE,
    "term_months": TERM_MONTHS,
    "integer": INTEGER,
}


class InsuranceBoundedMixin(models.AbstractModel):
    """Numbers and dates typed by a user stay finite and plausible.

    A model lists its bounded fields in ``_insurance_bounds``. NaN, infinity,
    400-digit numbers or year 9999 are refused with a message naming the
    field before anything is written or computed from them (``create``,
    ``write`` and the form's ``onchange``), instead of a traceback from the
    float rounding, the database or the date arithmetic; the constraint
    checks the stored values, computed ones included.
    """

    _name = "insurance.bounded.mixin"
    _description = "Bounded Numbers and Dates"

    def _insurance_bounds(self):
        """{field name: (lowest, highest)} of the fields a user types:
        numbers (float, monetary, integer) or dates (date, datetime, bounded
        by dates); a bound is a pair or the name of one of ``BOUNDS``
        ("positive_amount", "percent", "date"...). Extend it with
        ``super()``."""
        return {}

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains(
        lambda self: [
            name for name in self._insurance_bounds() if self._fields[name].store
        ]
    )
    def _check_input_bounds(self):
        bounds = {
            name: bound
            for name, bound in self._insurance_bounds().items()
            if self._fields[name].store
        }
        for record in self:
            for name, bound in bounds.items():
                record._insurance_raise_out_of_bounds(name, record[name], bound)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._insurance_check_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._insurance_check_values(vals)
        return super().write(vals)

    def onchange(self, values, field_names, fields_spec):
        # Only the fields just changed (all of them when the form opens): a
        # value stored before the bounds existed must not lock the form.
        self._insurance_check_values(values, field_names or list(values))
        return super().onchange(values, field_names, fields_spec)

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _insurance_check_values(self, vals, names=None):
        """Raise a ValidationError on the first bounded value of ``vals``
        (of ``names`` only, when given: the form's onchange) that is not a
        plausible input. ``self``: the records written, none on create."""
        bounds = self._insurance_bounds()
        for name in vals if names is None else names:
            if name in bounds and name in vals:
                self._insurance_raise_out_of_bounds(name, vals[name], bounds[name])

    @api.model
    def _insurance_check_create(self, vals_list):
        """The checks of ``_insurance_check_values`` on the values of records
        about to be created; a model may add checks made for all at once."""
        for vals in vals_list:
            self._insurance_check_values(vals)

    @api.model
    def _insurance_raise_out_of_bounds(self, name, value, bound=None):
        message = self._insurance_bound_error(name, value, bound)
        if message:
            raise ValidationError(message)

    @api.model
    def _insurance_bound_error(self, name, value, bound=None):
        """Why ``value`` (as typed: a number, a string, a date...) does not
        fit the field ``name`` (within ``bound``, by default the field's in
        ``_insurance_bounds``), or None when it does. Empty values fit: a
        missing value is the business of ``required``.

        Every created or written record passes here for each of its bounded
        fields: a value that fits costs a comparison, the message (labels,
        formatted bounds) is built only for one that does not."""
        if value is None or value is False or value == "":
            return None
        field = self._fields[name]
        if bound is None:
            bound = self._insurance_bounds()[name]
        low, high = BOUNDS[bound] if isinstance(bound, str) else bound
        if field.type in ("date", "datetime"):
            try:
                day = (
                    fields.Date.to_date(value)
                    if field.type == "date"
                    else fields.Datetime.to_datetime(value)
                )
            except (TypeError, ValueError, OverflowError):
                return self.env._(
                    "%(field)s must be a date; %(value)s is not.",
                    field=field._description_string(self.env),
                    value=self._insurance_shown_value(value),
                )
            if isinstance(day, datetime):
                day = day.date()
            if low <= day <= high:
                return None
            low_shown = format_date(self.env, low)
            high_shown = format_date(self.env, high)
        else:
            try:
                number = int(value) if field.type == "integer" else float(value)
            except OverflowError:
                number = math.inf  # beyond any bound, either sign
            except (TypeError, ValueError):
                number = math.nan
            if isinstance(number, float) and math.isnan(number):
                return self.env._(
                    "%(field)s must be a number; %(value)s is not.",
                    field=field._description_string(self.env),
                    value=self._insurance_shown_value(value),
                )
            if low <= number <= high:
                return None
            if (low, high) == PERCENT:
                return self.env._(
                    "%(field)s must be between 0 and 100 percent; %(value)s is out "
                    "of range.",
                    field=field._description_string(self.env),
                    value=self._insurance_shown_value(value),
                )
            if field.type == "integer":
                low_shown, high_shown = str(low), str(high)
            else:
                low_shown = formatLang(self.env, low, digits=2)
                high_shown = formatLang(self.env, high, digits=2)
        return self.env._(
            "%(field)s must be between %(low)s and %(high)s; %(value)s is out of "
            "range.",
            field=field._description_string(self.env),
            low=low_shown,
            high=high_shown,
            value=self._insurance_shown_value(value),
        )

    @api.model
    def _insurance_shown_value(self, value):
        """The refused value as the message shows it: a 400-digit number is
        cut short."""
        shown = str(value)
        return shown[:20] + "…" if len(shown) > 24 else shown
