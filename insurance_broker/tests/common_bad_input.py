"""Bad input as it reaches the server (XML-RPC, JSON-RPC, imports, forms) and
the checks that it is refused with a message naming the field, nothing
written. Reused by the suite's addons."""

import logging
import re
import xmlrpc.client
from datetime import date

from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

# What a typo, a script or a hostile client sends for a number: NaN and the
# infinities (1e400 overflows a float), an integer and a string of 400 digits
# (XML-RPC and JSON-RPC carry both), and a finite number no float holds to
# the cent (or no integer column holds).
BAD_NUMBERS = (
    float("nan"),
    float("inf"),
    float("-inf"),
    10**400,
    "9" * 400,
    "1e400",
    1e20,
)
# Year 9999 (any date arithmetic on it leaves the calendar), year 1, a year
# of five digits and a date that does not exist.
BAD_DATES = ("9999-12-31", date(9999, 1, 1), "0001-01-01", "10000-01-01", "2026-13-45")

_FIELD_TYPES = ("float", "monetary", "integer", "date", "datetime")


def bad_values(field):
    return BAD_DATES if field.type in ("date", "datetime") else BAD_NUMBERS


def shown(value):
    return str(getattr(value, "digits", value))[:20]


class BadInputMixin:
    """Assertions for TransactionCase classes; counts what it tried."""

    probes = 0

    @classmethod
    def tearDownClass(cls):
        _logger.info("Bad input: %s refusals checked so far", BadInputMixin.probes)
        super().tearDownClass()

    def _assert_names_field(self, error, Model, field_name):
        label = Model._fields[field_name].string
        self.assertIn(label, str(error), "the message names the field")
        self.assertNotIn("Traceback", str(error))

    def assertCreateRefused(self, Model, values, field_name, bad=None):
        """Creating ``Model`` with ``values`` and each bad value in
        ``field_name`` is refused, and creates nothing."""
        Everything = Model.sudo().with_context(active_test=False)
        for value in bad or bad_values(Model._fields[field_name]):
            with self.subTest(model=Model._name, field=field_name, value=shown(value)):
                count = Everything.search_count([])
                with self.assertRaises(ValidationError) as caught:
                    Model.create({**values, field_name: value})
                    Model.env.flush_all()
                self._assert_names_field(caught.exception, Model, field_name)
                self.assertEqual(Everything.search_count([]), count)
                BadInputMixin.probes += 1

    def assertWriteRefused(self, record, field_name, bad=None, extra=None):
        """Writing each bad value in ``field_name`` of ``record`` is refused,
        and the record keeps its values."""
        names = [name for name in (field_name, *(extra or ())) if name in record]
        for value in bad or bad_values(record._fields[field_name]):
            with self.subTest(model=record._name, field=field_name, value=shown(value)):
                record.invalidate_recordset()
                before = record.sudo().read(names)
                with self.assertRaises(ValidationError) as caught:
                    record.write({field_name: value})
                    record.env.flush_all()
                self._assert_names_field(caught.exception, record, field_name)
                record.invalidate_recordset()
                self.assertEqual(record.sudo().read(names), before)
                BadInputMixin.probes += 1

    def assertOnchangeRefused(self, Model, field_name, values=None, bad=None):
        """The form refuses each bad value as it is typed (the onchange the
        web client sends), instead of failing in a computation."""
        spec = {name: {} for name in (values or {})} | {field_name: {}}
        for value in bad or bad_values(Model._fields[field_name]):
            with self.subTest(model=Model._name, field=field_name, value=shown(value)):
                typed = value.isoformat() if isinstance(value, date) else value
                with self.assertRaises(ValidationError) as caught:
                    Model.onchange(
                        {**(values or {}), field_name: typed}, [field_name], spec
                    )
                self._assert_names_field(caught.exception, Model, field_name)
                BadInputMixin.probes += 1

    def assertEveryTypedFieldBounded(self, models, modules, exceptions=()):
        """Every number or date field of ``modules`` a user can type on
        ``models`` is bounded."""
        unbounded = [
            f"{Model._name}.{name}"
            for Model in models
            for name, field in Model._fields.items()
            if field.type in _FIELD_TYPES
            and field._module in modules
            and not field.readonly
            and (field.store or field.related)
            and name not in Model._insurance_bounds()
            and f"{Model._name}.{name}" not in exceptions
        ]
        self.assertEqual(unbounded, [], "fields a user types without bounds")


def raw_xmlrpc_call(url_open, db, uid, password, model, method, args):
    """An XML-RPC ``execute_kw`` sent as raw XML, so that it may carry what
    Python's client refuses to marshal (integers beyond 32 bits): such an
    argument is given as ``BigInt(digits)``. Returns (fault code, message)
    of the fault, or (None, result)."""
    big = {}

    def prepare(value):
        if isinstance(value, BigInt):
            marker = 1_000_000_000 + len(big)
            big[marker] = value.digits
            return marker
        if isinstance(value, dict):
            return {key: prepare(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [prepare(item) for item in value]
        return value

    body = xmlrpc.client.dumps(
        (db, uid, password, model, method, prepare(args)), "execute_kw"
    )
    for marker, digits in big.items():
        body = body.replace(f"<int>{marker}</int>", f"<int>{digits}</int>")
    response = url_open(
        "/xmlrpc/2/object", data=body.encode(), headers={"Content-Type": "text/xml"}
    )
    try:
        (result,), __ = xmlrpc.client.loads(response.content)
    except xmlrpc.client.Fault as fault:
        return fault.faultCode, fault.faultString
    return None, result


class BigInt:
    def __init__(self, digits):
        self.digits = str(digits)


def is_clear_refusal(code, message, label):
    """A fault the user reads (a warning, no traceback) naming ``label``."""
    return (
        code == 2  # RPC_FAULT_CODE_WARNING: UserError and ValidationError
        and "Traceback" not in message
        and re.search(re.escape(label), message) is not None
    )
