import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, format_date

from odoo.addons.insurance_broker.tools.cron import cron_batch_done

_logger = logging.getLogger(__name__)

# Premium invoices the client still owes: the reminders follow them (paid,
# in payment and reversed invoices are never reminded).
UNPAID_STATES = ("not_paid", "partial")


class InsuranceReminder(models.Model):
    """A reminder of an invoice at a level; never twice.

    Two phases, as Odoo sends invoices (``sending_data`` and the invoice
    sending cron) and e-mails (the mail queue):

    1. The daily run (``_cron_send_reminders``) records, with one
       ``INSERT ... SELECT``, the reminders due: for each overdue unpaid
       premium invoice, the highest level reached and not recorded yet (a
       unique index on invoice and level makes a second or overlapping run
       insert nothing). They wait in the state "To Send".
    2. The delivery cron (``_cron_deliver_reminders``), triggered by the
       first, takes them by batches: e-mails the level's template, gives the
       client manager a task on the policy and, at a level with a debt
       collector, hands the debt over; then marks them "Sent". A reminder
       whose invoice was paid in between is "Cancelled", not sent.
    """

    _name = "insurance.reminder"
    _description = "Debtor Reminder Sent"
    _order = "date desc, id desc"
    _check_company_auto = True

    _BATCH_SIZE = 200

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    level_id = fields.Many2one(
        "insurance.reminder.level",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The day the reminder was due, then the day it was sent.",
    )
    state = fields.Selection(
        [
            ("to_send", "To Send"),
            ("sent", "Sent"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        # Only the recording query makes reminders to send; any other
        # reminder (the history of reminders sent before the module, those
        # there at its upgrade) was sent. A row inserted by SQL gives its
        # state, as the recording query does: no default in the database.
        default="sent",
        readonly=True,
        index=True,
        help="To Send: recorded by the daily run, waiting for the delivery "
        "cron. Cancelled: the invoice was paid (or credited) before the "
        "reminder went out; kept so that the level is not reminded again.",
    )
    days_late = fields.Integer(
        readonly=True, help="Days between the due date and the reminder."
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_due = fields.Monetary(
        readonly=True, help="What the invoice still owed when the reminder was sent."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Followed Up By",
        readonly=True,
        check_company=True,
        help="Who was given the follow-up task.",
    )
    collector_id = fields.Many2one(
        "res.partner",
        string="Handed to Collector",
        readonly=True,
        check_company=True,
    )
    partner_id = fields.Many2one(related="move_id.partner_id", store=True)
    policy_id = fields.Many2one(
        related="move_id.insurance_policy_id", store=True, index="btree_not_null"
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "move_level_uniq",
            "UNIQUE(move_id, level_id)",
            "A reminder is sent once per invoice and level.",
        ),
    ]

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_send_reminders(self, today=None):
        """Phase 1, the daily cron: record the reminders due ``today`` (by
        default the day in the user's time zone) and trigger their delivery;
        return how many were recorded."""
        reminders = self._record_reminders_due(today or fields.Date.context_today(self))
        if reminders:
            # Sent at once by the delivery cron, in its own transactions:
            # this run only records, so it stays as cheap as its query.
            self.env.ref(
                "insurance_broker_account.ir_cron_deliver_reminders"
            )._trigger()
        _logger.info("Debtor reminders: %s recorded", len(reminders))
        return len(reminders)

    @api.model
    def _cron_deliver_reminders(self, batch_size=None, today=None):
        """Phase 2, the delivery cron: send the reminders to send, batch by
        batch; return how many were sent.

        Each batch is locked (``FOR UPDATE SKIP LOCKED``): a run overlapping
        this one (the cron and a manual run) takes the other rows, and a row
        sent meanwhile is read again with its new state and left alone. Run
        by ir.cron, each batch is committed: a run interrupted half-way
        resumes with what is still to send.
        """
        batch_size = batch_size or self._BATCH_SIZE
        today = today or fields.Date.context_today(self)
        company_ids = None if self.env.su else self.env.companies.ids
        remaining = self._count_to_send(company_ids)
        done = sent = last_id = 0
        while True:
            self.flush_model(["state"])
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM insurance_reminder
                        WHERE state = 'to_send' AND id > %(last_id)s %(companies)s
                     ORDER BY id
                        LIMIT %(limit)s
                          FOR UPDATE SKIP LOCKED""",
                    last_id=last_id,
                    limit=batch_size,
                    companies=SQL("AND company_id = ANY(%s)", company_ids)
                    if company_ids is not None
                    else SQL(),
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            last_id = ids[-1]
            # Locked now: their state is read again from the database, as
            # another run may have sent them since the cache read it.
            self.invalidate_model(["state"])
            batch = self.browse(ids)
            sent += len(batch._deliver(today))
            done += len(batch)
            remaining = max(remaining - len(batch), 0)
            cron_batch_done(self.env, done, remaining)
        _logger.info("Debtor reminders: %s sent", sent)
        return sent

    @api.model
    def _send_reminders_now(self):
        """Both phases at once (the demo data, the tests): record the
        reminders due today and send them; return how many were sent."""
        self._cron_send_reminders()
        return self._cron_deliver_reminders()

    @api.model
    def _count_to_send(self, company_ids=None):
        self.flush_model(["state", "company_id"])
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM insurance_reminder WHERE state = 'to_send' %s",
                SQL("AND company_id = ANY(%s)", company_ids)
                if company_ids is not None
                else SQL(),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _reminders_due_query(self, today, company_ids=None, extra_columns=None):
        """The one query selecting the reminders due on ``today``: for each
        overdue unpaid premium invoice, the highest active level of its
        company that the invoice has reached, if it was not sent yet. Levels
        passed without a reminder (the run did not run for days) are skipped,
        and no level is sent after a later one. Rows: (invoice id, level id,
        days late). ``company_ids`` limits it to those companies' invoices
        (None: every company); ``extra_columns`` (SQL) adds columns of the
        invoice (``move``) to the rows."""
        return SQL(
            """SELECT move.id, level.id, %(today)s - move.invoice_date_due
                      %(extra_columns)s
                 FROM account_move move
                 CROSS JOIN LATERAL (
                        SELECT level.id, level.days
                          FROM insurance_reminder_level level
                         WHERE level.company_id = move.company_id
                           AND level.active
                           AND level.days <= %(today)s - move.invoice_date_due
                      ORDER BY level.days DESC, level.id DESC
                         LIMIT 1
                 ) level
                WHERE move.insurance_move_kind = 'premium'
                  AND move.move_type = 'out_invoice'
                  AND move.state = 'posted'
                  AND move.payment_state IN %(unpaid)s
                  AND move.invoice_date_due <= %(latest_due)s
                  %(companies)s
                  AND NOT EXISTS (
                        -- Sent already, or a later level was (the levels
                        -- were changed since): the tone never goes down.
                        SELECT 1
                          FROM insurance_reminder sent
                          JOIN insurance_reminder_level sent_level
                            ON sent_level.id = sent.level_id
                         WHERE sent.move_id = move.id
                           AND (sent.level_id = level.id
                                OR sent_level.days >= level.days)
                  )
             ORDER BY move.id""",
            today=today,
            unpaid=UNPAID_STATES,
            extra_columns=SQL(", %s", extra_columns) if extra_columns else SQL(),
            # No level is reached before its days: invoices due since fewer
            # days than the shortest level are not even read.
            latest_due=fields.Date.subtract(today, days=self._shortest_level_days()),
            companies=SQL("AND move.company_id = ANY(%s)", list(company_ids))
            if company_ids is not None
            else SQL(),
        )

    @api.model
    def _shortest_level_days(self):
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(MIN(days), 1) FROM insurance_reminder_level "
                "WHERE active"
            )
        )
        return max(self.env.cr.fetchone()[0], 1)

    def _flush_for_selection(self):
        self.env["account.move"].flush_model(
            [
                "insurance_move_kind",
                "move_type",
                "state",
                "payment_state",
                "invoice_date_due",
                "company_id",
                "currency_id",
                "amount_residual",
                "partner_id",
                "insurance_policy_id",
            ]
        )
        self.env["insurance.reminder.level"].flush_model(
            ["company_id", "active", "days"]
        )
        self.flush_model(["move_id", "level_id"])

    @api.model
    def _selection_company_ids(self):
        # The cron runs as the superuser, for every company; called by a
        # user, it records the reminders of the companies they work in.
        return None if self.env.su else self.env.companies.ids

    @api.model
    def _select_reminders_due(self, today):
        """The rows of ``_reminders_due_query`` (what the recording inserts)."""
        self._flush_for_selection()
        self.env.cr.execute(
            self._reminders_due_query(today, self._selection_company_ids())
        )
        return self.env.cr.fetchall()

    @api.model
    def _recording_query(self, today):
        """``INSERT ... SELECT`` of the reminders due on ``today`` (see
        ``_record_reminders_due``), returning the ids inserted."""
        return SQL(
            """INSERT INTO insurance_reminder (
                    move_id, level_id, date, days_late, state,
                    currency_id, amount_due, partner_id, policy_id, company_id,
                    create_uid, create_date, write_uid, write_date)
               SELECT due.move_id, due.level_id, %(today)s, due.days_late,
                      'to_send', due.currency_id, due.amount_residual,
                      due.partner_id, due.insurance_policy_id, due.company_id,
                      %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM (%(due)s) AS due(move_id, level_id, days_late, currency_id,
                      amount_residual, partner_id, insurance_policy_id, company_id)
             ORDER BY due.move_id
          ON CONFLICT (move_id, level_id) DO NOTHING
            RETURNING id""",
            today=today,
            uid=self.env.uid,
            now=fields.Datetime.now(),
            # The stored related fields, read with the selection: a second
            # read of the invoices would cost as much as the selection.
            due=self._reminders_due_query(
                today,
                self._selection_company_ids(),
                extra_columns=SQL(
                    "move.currency_id, move.amount_residual, move.partner_id, "
                    "move.insurance_policy_id, move.company_id"
                ),
            ),
        )

    @api.model
    def _record_reminders_due(self, today):
        """Record, with one ``INSERT ... SELECT`` over the selection query,
        the reminders due on ``today`` that are not recorded yet; return
        them (to send).

        The unique index on (invoice, level) is the guard against sending
        twice: a run overlapping this one waits for its commit and then
        inserts nothing. The stored related fields (client, policy, company)
        are copied from the invoice in the same query, the company being
        the invoice's own, whatever the companies of the run's user.
        """
        self._flush_for_selection()
        self.env.cr.execute(self._recording_query(today))
        ids = sorted(row[0] for row in self.env.cr.fetchall())
        # Written by SQL: what the cache holds about reminders (and the
        # levels' counts of them) is stale.
        self.invalidate_model()
        self.env["insurance.reminder.level"].invalidate_model(["reminder_count"])
        return self.browse(ids)

    # ------------------------------------------------------------
    # SENDING
    # ------------------------------------------------------------

    def _deliver(self, today):
        """Send these reminders (a locked batch of the delivery cron):
        those still to send whose invoice is still unpaid are e-mailed,
        followed up and marked sent; those whose invoice was paid or
        credited since they were recorded are cancelled. Return the
        reminders sent."""
        to_send = self.filtered(lambda r: r.state == "to_send")
        if not to_send:
            return self.browse()
        self.env["account.move"].flush_model(["state", "payment_state"])
        unpaid = to_send.filtered(
            lambda r: (
                r.move_id.state == "posted" and r.move_id.payment_state in UNPAID_STATES
            )
        )
        # Cancelled rather than deleted: the row keeps the level from being
        # recorded again for the invoice (a payment undone later resumes the
        # reminders at the next level, the tone never goes down) and tells
        # why no reminder went out.
        (to_send - unpaid).write({"state": "cancelled"})
        if unpaid:
            unpaid._send_reminders(today)
        return unpaid

    def _send_reminders(self, today):
        """E-mail, task and hand-over of reminders to send, level by level
        (each level has its template and, maybe, its collector); then they
        are sent, as of ``today``, for what the invoice owes today."""
        activity_type = self.env.ref(
            "insurance_broker_account.mail_activity_type_debtor_reminder",
            raise_if_not_found=False,
        )
        for reminder in self:
            move = reminder.move_id
            # The reminder as sent: the delivery may follow the recording by
            # a while (the cron was down) and a part may have been paid.
            reminder.write(
                {
                    "state": "sent",
                    "date": today,
                    "days_late": (today - move.invoice_date_due).days,
                    "amount_due": move.amount_residual,
                    "user_id": reminder._followed_up_by(activity_type).id,
                }
            )
        activity_values = []
        for level, reminders in self.grouped("level_id").items():
            moves = reminders.move_id
            if level.mail_template_id:
                self._post_reminder_emails(level.mail_template_id, moves, today)
            if level.collector_id:
                reminders._hand_to_collector(level.collector_id)
            if activity_type and (level.create_activity or level.collector_id):
                activity_values += reminders._activity_values(level, activity_type)
        if activity_values:
            # One notification e-mail per task would flood the managers: the
            # tasks show in their activities, like those of an activity plan.
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(activity_values)

    @api.model
    def _post_reminder_emails(self, template, moves, today):
        """E-mail the template for each invoice, rendered in the client's
        language. The mails wait in the mail queue; once sent, each stays in
        its invoice's chatter as the e-mail sent.

        The composer's mass-mail mode renders the batch at once and creates
        its mails in one go: half the cost of posting a message on each
        invoice, which would also render the notification layout per mail.
        """
        self.env["mail.compose.message"].with_context(
            # The templates count the days late from the reminder's date (the
            # cron's day), not from the server's UTC date.
            insurance_reminder_date=fields.Date.to_string(today),
        ).create(
            {
                "composition_mode": "mass_mail",
                "model": "account.move",
                "res_ids": repr(moves.ids),
                "template_id": template.id,
                "force_send": False,
                "auto_delete_keep_log": True,
            }
        )._action_send_mail()

    def _hand_to_collector(self, collector):
        """Inform the collector on each invoice and make them follow it."""
        for reminder in self:
            move = reminder.move_id
            lang_env = self.with_context(lang=collector.lang or self.env.lang).env
            body = Markup("<p>%s</p>") % lang_env._(
                "The debt of %(client)s on %(invoice)s (policy %(policy)s): "
                "%(amount)s, %(days)s days overdue, is handed to %(collector)s "
                "for collection.",
                client=move.partner_id.display_name,
                invoice=move.name,
                policy=move.insurance_policy_id.display_name or "-",
                amount=format_amount(lang_env, reminder.amount_due, move.currency_id),
                days=reminder.days_late,
                collector=collector.display_name,
            )
            move.message_post(
                body=body,
                partner_ids=collector.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self.move_id.message_subscribe(partner_ids=collector.ids)
        self.collector_id = collector

    def _activity_values(self, level, activity_type):
        """The follow-up task of each reminder for the client's manager, on
        the policy: a salesperson of "Own Clients" reads their clients'
        policies, not the invoices. The note names the invoice, what it
        still owes and since when. An invoice without policy gets it."""
        deadline = activity_type._get_date_deadline()
        policy_model_id = self.env["ir.model"]._get_id("insurance.policy")
        move_model_id = self.env["ir.model"]._get_id("account.move")
        values = []
        for reminder in self:
            user = reminder.user_id
            if not user:
                _logger.info(
                    "Debtor reminder %s of %s: nobody to follow it up",
                    level.name,
                    reminder.move_id.name,
                )
                continue
            move = reminder.move_id
            policy = move.insurance_policy_id
            lang_env = self.with_context(lang=user.lang or self.env.lang).env
            amount = format_amount(lang_env, reminder.amount_due, move.currency_id)
            if level.collector_id:
                summary = lang_env._(
                    "Hand the debt to %(collector)s",
                    collector=level.collector_id.display_name,
                )
            else:
                summary = lang_env._(
                    "%(level)s sent: call the client", level=level.name
                )
            note = Markup("<p>%s</p>") % lang_env._(
                "%(client)s owes %(amount)s on invoice %(invoice)s, due on "
                "%(due)s: %(days)s days overdue (%(level)s sent).",
                client=move.partner_id.display_name,
                amount=amount,
                invoice=move.name,
                due=format_date(lang_env, move.invoice_date_due),
                days=reminder.days_late,
                level=level.name,
            )
            values.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": policy_model_id if policy else move_model_id,
                    "res_id": policy.id or move.id,
                    "user_id": user.id,
                    "date_deadline": deadline,
                    "summary": summary,
                    "note": note,
                    "automated": True,
                }
            )
        return values

    def _followed_up_by(self, activity_type):
        """Who follows up the reminder: the policy's client manager, else the
        client's manager, else the invoice's salesperson, else the default
        user of the 'Debtor reminder' activity type; only active internal
        users (the invoicing run's own user, OdooBot, is none of them)."""
        self.ensure_one()
        move = self.move_id
        for user in (
            move.insurance_policy_id.client_manager_id,
            move.partner_id.commercial_partner_id.client_manager_id,
            move.invoice_user_id,
            activity_type.default_user_id if activity_type else None,
        ):
            if user and user.active and not user.share:
                return user
        return self.env["res.users"]
