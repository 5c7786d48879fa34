from odoo import api, fields, models
from odoo.tools import SQL


class InsuranceCallNumber(models.Model):
    """One row per company and calling number (E.164), taken by each incoming
    call before it looks the caller up: simultaneous calls from one number
    are recorded one after the other.

    Odoo's transactions are REPEATABLE READ: a call that waited for another
    (on an advisory lock, say) would still look the caller up in the
    snapshot taken before the other committed, and open a second lead. The
    row does both: the second call waits on it, then fails with a
    serialization error, and is retried from the start (Odoo's HTTP layer
    retries those), in a new transaction that sees the first call's lead."""

    _name = "insurance.call.number"
    _description = "Incoming Call Number"
    _rec_name = "number"
    _order = "last_call desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    number = fields.Char(required=True, readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    last_call = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "company_number_uniq",
            "unique(company_id, number)",
            "A number is recorded once per company.",
        ),
    ]

    @api.model
    def _insurance_take(self, company, number):
        """Record a call from ``number`` to ``company``, holding the number's
        row until the transaction ends. A call from the same number that
        committed since this transaction began (or commits while this one
        waits for it) makes this raise a serialization failure: the caller
        retries the whole call (``odoo.service.model.retrying``)."""
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """INSERT INTO insurance_call_number AS call
                          (company_id, number, call_count, last_call,
                           create_uid, create_date, write_uid, write_date)
                   VALUES (%(company)s, %(number)s, 1, %(now)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s)
              ON CONFLICT (company_id, number) DO UPDATE
                      SET call_count = call.call_count + 1,
                          last_call = EXCLUDED.last_call,
                          write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date""",
                company=company.id,
                number=number,
                now=now,
                uid=self.env.uid,
            ),
            log_exceptions=False,
        )
        self.invalidate_model(["call_count", "last_call", "write_uid", "write_date"])
