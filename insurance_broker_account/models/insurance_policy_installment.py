import logging
from collections import defaultdict

import psycopg2.errors
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index, html2plaintext

from odoo.addons.insurance_broker.tools.cron import cron_batch_done

_logger = logging.getLogger(__name__)

# The billing of an instalment the broker collects: its invoice's course.
BROKER_BILLING = [
    ("to_invoice", "To invoice"),
    ("invoiced", "Invoiced"),
    ("paid", "Paid"),
    ("credited", "Credited"),
]


class InsurancePolicyInstallment(models.Model):
    _inherit = "insurance.policy.installment"

    # Instalments invoiced per account.move create (and per commit under ir.cron).
    _INVOICE_BATCH_SIZE = 500

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The client invoice that bills this instalment (broker collects).",
    )
    invoice_payment_state = fields.Selection(
        related="move_id.payment_state", string="Invoice Payment Status"
    )
    invoice_amount_residual = fields.Monetary(
        related="move_id.amount_residual", string="Amount Due"
    )
    invoice_state = fields.Selection(
        [("not_billed", "Insurer collects"), *BROKER_BILLING],
        string="Billing",
        compute="_compute_invoice_state",
        store=True,
        index=True,
        help="Who bills the instalment and, when the broker does, its invoice's "
        "payment status in Odoo Invoicing (stored: filters and groups).",
    )
    # What the lists show: the stored status, told apart by date for the
    # instalments the insurer collects (nobody knows whether the client paid
    # the insurer, but one not due yet is surely not collected).
    billing_status = fields.Selection(
        [
            ("not_due", "Not due yet"),
            ("insurer", "Collected by the insurer"),
            *BROKER_BILLING,
        ],
        compute="_compute_billing_status",
        help="Collected by the insurer: the client pays this instalment to the "
        "insurer, from its due date. Otherwise the broker's invoice and its "
        "payment status.",
    )
    date_paid = fields.Date(
        string="Paid On",
        compute="_compute_date_paid",
        compute_sudo=True,
        help="The date of the last payment matched with the invoice, once paid.",
    )
    commission_line_ids = fields.One2many(
        "insurance.commission.line", "installment_id", string="Commission Lines"
    )
    commission_amount = fields.Monetary(
        string="Expected Commission",
        compute="_compute_commission_amount",
        store=True,
        aggregator="sum",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends(
        "policy_id.premium_collection",
        "move_id.state",
        "move_id.payment_state",
        "move_id.reversal_move_ids.state",
        "move_id.reversal_move_ids.amount_total",
    )
    def _compute_invoice_state(self):
        for installment in self:
            move = installment.move_id
            if not move:
                installment.invoice_state = (
                    "to_invoice"
                    if installment.policy_id.premium_collection == "broker"
                    else "not_billed"
                )
            elif move._is_insurance_credited():
                installment.invoice_state = "credited"
            elif move.payment_state in ("paid", "in_payment"):
                installment.invoice_state = "paid"
            else:
                installment.invoice_state = "invoiced"

    @api.depends("invoice_state", "date_due")
    @api.depends_context("tz")
    def _compute_billing_status(self):
        today = fields.Date.context_today(self)
        for installment in self:
            if installment.invoice_state != "not_billed":
                installment.billing_status = installment.invoice_state
            elif installment.date_due and installment.date_due > today:
                installment.billing_status = "not_due"
            else:
                installment.billing_status = "insurer"

    @api.depends("invoice_state", "move_id.line_ids.matched_credit_ids.max_date")
    def _compute_date_paid(self):
        for installment in self:
            receivable = installment.move_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            dates = receivable.matched_credit_ids.mapped("max_date")
            installment.date_paid = (
                max(dates) if installment.invoice_state == "paid" and dates else False
            )

    @api.depends("commission_line_ids.amount", "commission_line_ids.kind")
    def _compute_commission_amount(self):
        # One grouped query: loading thousands of lines in the cache to add
        # them up costs more than confirming the policies they come from.
        totals = dict(
            self.env["insurance.commission.line"]._read_group(
                [
                    ("installment_id", "in", self._origin.ids),
                    ("kind", "=", "expected"),
                ],
                ["installment_id"],
                ["amount:sum"],
            )
        )
        for installment in self:
            installment.commission_amount = totals.get(installment._origin, 0.0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):  # pylint: disable=missing-return
        super().init()
        # The daily invoicing run looks for uninvoiced instalments by due
        # date; once billed, an instalment leaves this index.
        create_index(
            self.env.cr,
            "insurance_policy_installment_to_invoice_index",
            self._table,
            ["date_due"],
            where="move_id IS NULL",
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        invoiced = self.filtered("move_id")
        if invoiced:
            raise UserError(
                self.env._(
                    "These instalments are invoiced and cannot be deleted; credit "
                    "their invoice instead:\n%s",
                    "\n".join(invoiced.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------
    # INVOICING
    # ------------------------------------------------------------

    @api.model
    def _cron_invoice_installments(self, batch_size=None):
        """Daily: invoice the instalments of broker-collected policies falling
        due within each company's lead time, post and queue the invoices for
        e-mailing. Returns the number of invoices created."""
        moves = self._invoice_due_installments(batch_size=batch_size)
        _logger.info("Premium invoicing: %s instalment invoices created", len(moves))
        return len(moves)

    @api.model
    def _invoice_due_installments(self, policies=None, batch_size=None):
        """Invoice the instalments due within the lead time, of ``policies``
        or of the whole book, batch by batch; return the invoices.

        Set-wise and safe to run twice or concurrently: one query selects the
        instalments, each batch locks its rows (skipping those another run
        holds) and keeps only those still without an invoice, then creates its
        invoices with one ``account.move`` create. Under ir.cron each batch is
        committed and reported.
        """
        batch_size = batch_size or self._INVOICE_BATCH_SIZE
        by_company = self._select_installments_to_invoice(policies)
        batches = [
            (company_id, ids[start : start + batch_size])
            for company_id, ids in by_company.items()
            for start in range(0, len(ids), batch_size)
        ]
        total = sum(len(ids) for ids in by_company.values())
        moves = self.env["account.move"]
        done = 0
        for company_id, ids in batches:
            moves |= self._invoice_batch(
                self.env["res.company"].browse(company_id), ids
            )
            done += len(ids)
            cron_batch_done(self.env, done, total - done)
        if moves:
            # Rendering the PDFs and sending the e-mails is Odoo's sending
            # cron's work, so this run stays fast.
            self.env.ref("account.ir_cron_account_move_send")._trigger()
        return moves

    @api.model
    def _select_installments_to_invoice(self, policies=None):
        """{company id: [instalment ids]} of the instalments to invoice today:
        uninvoiced, of active broker-collected policies, due within the lead
        time of the policy's company. One query."""
        self.env["insurance.policy.installment"].flush_model(
            ["move_id", "date_due", "policy_id"]
        )
        self.env["insurance.policy"].flush_model(
            ["state", "premium_collection", "company_id"]
        )
        self.env["res.company"].flush_model(["insurance_invoice_lead_days"])
        rows = self.env.execute_query(
            SQL(
                """SELECT policy.company_id, installment.id
                     FROM insurance_policy_installment installment
                     JOIN insurance_policy policy ON policy.id = installment.policy_id
                     JOIN res_company company ON company.id = policy.company_id
                    WHERE installment.move_id IS NULL
                      AND installment.date_due <= %(today)s::date
                          + COALESCE(company.insurance_invoice_lead_days, 0)
                      AND policy.state = 'active'
                      AND policy.premium_collection = 'broker'
                      %(policy_filter)s
                 ORDER BY policy.company_id, installment.date_due, installment.id""",
                today=fields.Date.context_today(self),
                policy_filter=(
                    SQL("AND policy.id = ANY(%s)", policies.ids)
                    if policies is not None
                    else SQL()
                ),
            )
        )
        by_company = defaultdict(list)
        for company_id, installment_id in rows:
            by_company[company_id].append(installment_id)
        return by_company

    @api.model
    def _lock_installments_to_invoice(self, ids):
        """Lock the rows of ``ids`` still without an invoice; rows another run
        holds are skipped (it invoices them). Returns the locked instalments."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """SELECT id FROM insurance_policy_installment
                            WHERE id = ANY(%s) AND move_id IS NULL
                         ORDER BY id
                              FOR UPDATE SKIP LOCKED""",
                        list(ids),
                    ),
                    log_exceptions=False,
                )
                locked_ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            # Another run invoiced some of these rows after this transaction
            # started: they are done; the rest waits for the next run.
            _logger.info(
                "Premium invoicing: %s instalments being invoiced by another run, "
                "skipped",
                len(ids),
            )
            return self.browse()
        installments = self.browse(locked_ids)
        # The cache may predate the lock: read the link again.
        installments.invalidate_recordset(["move_id"])
        return installments

    @api.model
    def _invoice_batch(self, company, ids, invoice_date=None, send=True):
        """Invoice the instalments ``ids`` of ``company``: lock, create the
        invoices in one go, post them, link them and queue their e-mails
        (unless ``send`` is false). Invoices are dated today unless
        ``invoice_date`` is given."""
        Move = self.env["account.move"].with_company(company)
        installments = self._lock_installments_to_invoice(ids).with_company(company)
        installments = installments.filtered(lambda i: not i.move_id)
        if not installments:
            return Move
        no_product = installments.filtered(
            lambda i: not i.policy_id.product_id.product_id
        )
        if no_product:
            self._note_not_invoiced(
                {
                    policy: self.env._(
                        "the insurance product %(product)s has no invoicing "
                        "product; set one on it.",
                        product=policy.product_id.display_name,
                    )
                    for policy in no_product.policy_id
                }
            )
            installments -= no_product
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        if not journal:
            _logger.warning(
                "Premium invoicing: company %s has no sales journal; %s instalments "
                "not invoiced",
                company.name,
                len(installments),
            )
            return Move
        if not installments:
            return Move
        invoice_date = invoice_date or fields.Date.context_today(self)
        moves = installments._create_premium_invoices(journal, invoice_date)
        if send and moves:
            moves.sending_data = {
                "author_user_id": self.env.user.id,
                "author_partner_id": self.env.user.partner_id.id,
            }
        return moves

    def _create_premium_invoices(self, journal, invoice_date):
        """Create, post and link the invoices of these instalments with one
        create. Should Odoo refuse the batch (an archived account, an inactive
        currency...), they are invoiced one by one, so that one policy does
        not hold the others back; the refused ones are noted on their policy
        and wait for the next run."""
        Move = self.env["account.move"]
        try:
            with self.env.cr.savepoint():
                return self._create_premium_invoices_at_once(journal, invoice_date)
        except (UserError, ValidationError) as error:
            if len(self) == 1:
                self._note_not_invoiced({self.policy_id: error.args[0]})
                return Move
        moves = Move
        refused = {}
        for installment in self:
            try:
                with self.env.cr.savepoint():
                    moves |= installment._create_premium_invoices_at_once(
                        journal, invoice_date
                    )
            except (UserError, ValidationError) as error:
                refused[installment.policy_id] = error.args[0]
        self._note_not_invoiced(refused)
        return moves

    def _create_premium_invoices_at_once(self, journal, invoice_date):
        moves = (
            self.env["account.move"]
            .with_company(journal.company_id)
            .create(
                [
                    installment._prepare_premium_invoice_values(journal, invoice_date)
                    for installment in self
                ]
            )
        )
        moves._post(soft=False)
        self._link_invoices(moves)
        return moves

    @api.model
    def _demo_invoice_premiums(self, policy_ids, paid=()):
        """Demo data: invoice the instalments of ``policy_ids`` due within the
        lead time as the daily run would have, each on its day (the lead time
        before its due date), and pay on their due date the instalments
        ``paid``, given as [(policy id, instalment number)]. Returns the
        invoices. The e-mails are not queued."""
        policies = self.env["insurance.policy"].browse(policy_ids)
        today = fields.Date.context_today(self)
        moves = self.env["account.move"]
        for company_id, ids in self._select_installments_to_invoice(policies).items():
            company = self.env["res.company"].browse(company_id)
            lead = relativedelta(days=company.insurance_invoice_lead_days)
            by_day = self.browse(ids).grouped(
                lambda i, lead=lead: min(today, i.date_due - lead)
            )
            for invoice_date, installments in sorted(by_day.items()):
                moves |= self._invoice_batch(
                    company, installments.ids, invoice_date=invoice_date, send=False
                )
        for policy_id, sequence in paid:
            installment = self.search(
                [("policy_id", "=", policy_id), ("sequence", "=", sequence)]
            )
            if installment.move_id.payment_state != "not_paid":
                continue
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=installment.move_id.ids
            ).create(
                {"payment_date": min(today, installment.date_due)}
            )._create_payments()
        return moves

    def _link_invoices(self, moves):
        """Set each instalment's invoice (``moves`` in the same order).

        One UPDATE instead of a write per instalment. The rows are locked by
        this transaction and the invoices were made for them, so no access
        rule is bypassed that matters: an invoicing user, who reads
        instalments only, can link the invoices they created."""
        self.env.cr.execute(
            SQL(
                """UPDATE insurance_policy_installment installment
                      SET move_id = link.move_id,
                          write_uid = %(uid)s,
                          write_date = %(now)s
                     FROM unnest(%(installment_ids)s::int[], %(move_ids)s::int[])
                          AS link(installment_id, move_id)
                    WHERE installment.id = link.installment_id""",
                uid=self.env.uid,
                now=fields.Datetime.now(),
                installment_ids=self.ids,
                move_ids=moves.ids,
            )
        )
        self.invalidate_recordset(["move_id", "write_uid", "write_date"])
        self.modified(["move_id"])
        self.flush_recordset()

    def _prepare_premium_invoice_values(self, journal, invoice_date):
        """Values of the client invoice of this instalment: due on the
        instalment's due date (see ``_premium_invoice_date_due``), one line on
        the insurance product's service."""
        self.ensure_one()
        policy = self.policy_id
        link = {"insurance_policy_id": policy.id, "insurance_installment_id": self.id}
        return {
            "move_type": "out_invoice",
            "journal_id": journal.id,
            "company_id": journal.company_id.id,
            "partner_id": policy.partner_id.id,
            "currency_id": policy.currency_id.id,
            "invoice_date": invoice_date,
            # No payment term: the instalment's due date is the due date.
            "invoice_payment_term_id": False,
            "invoice_date_due": self._premium_invoice_date_due(
                invoice_date, journal.company_id
            ),
            "invoice_origin": policy.name,
            "invoice_user_id": policy.client_manager_id.id,
            "insurance_move_kind": "premium",
            **link,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": policy.product_id.product_id.id,
                        "name": self._premium_invoice_label(),
                        "quantity": 1.0,
                        "price_unit": self.amount,
                        **link,
                    }
                )
            ],
        }

    def _premium_invoice_date_due(self, invoice_date, company):
        """The due date of this instalment's invoice issued on
        ``invoice_date``: the instalment's due date, unless that leaves the
        client fewer than the company's days to pay a late instalment (an
        instalment already due when the policy was confirmed, or invoiced
        late): then that many days after the invoice date. Never before the
        invoice date."""
        self.ensure_one()
        earliest = fields.Date.to_date(invoice_date) + relativedelta(
            days=max(company.insurance_invoice_grace_days, 0)
        )
        return max(self.date_due, earliest)

    def _premium_invoice_label(self):
        """The invoice line's text, in the client's language: product, policy
        number, insured object, insurer and "instalment n of m"."""
        self.ensure_one()
        policy = self.policy_id
        env = self.with_context(lang=policy.partner_id.lang or self.env.lang).env
        insured_object = policy._insured_object_label()
        label = env._(
            "%(product)s premium, policy %(policy)s, insurer %(insurer)s",
            product=policy.product_id.with_env(env).name,
            policy=policy.name,
            insurer=policy.insurer_id.name,
        )
        if insured_object:
            label += "\n" + insured_object
        label += "\n" + env._(
            "Instalment %(number)s of %(count)s, due %(date)s",
            number=self.sequence,
            count=len(policy.installment_ids),
            date=fields.Date.to_string(self.date_due),
        )
        return label

    @api.model
    def _note_not_invoiced(self, reasons):
        """The premiums of some policies cannot be invoiced: ``reasons`` gives
        why, by policy. Logged, and noted in the policy's chatter once per
        reason, not every day."""
        if not reasons:
            return
        _logger.warning(
            "Premium invoicing: instalments not invoiced: %s",
            "; ".join(
                f"{policy.display_name}: {reason}" for policy, reason in reasons.items()
            ),
        )
        subject = self.env._("Premium not invoiced")
        policies = self.env["insurance.policy"].union(*reasons)
        noted = self.env["mail.message"].search(
            [
                ("model", "=", "insurance.policy"),
                ("res_id", "in", policies.ids),
                ("subject", "=", subject),
            ]
        )
        bodies = {}
        for policy, reason in reasons.items():
            text = self.env._(
                "The instalments of this policy cannot be invoiced: %(reason)s "
                "The next invoicing run tries again.",
                reason=reason,
            )
            if not any(
                message.res_id == policy.id and text in html2plaintext(message.body)
                for message in noted
            ):
                bodies[policy.id] = Markup("<p>%s</p>") % text
        if bodies:
            policies.filtered(lambda p: p.id in bodies)._message_log_batch(
                bodies=bodies, subject=subject
            )

    def _credit_premium_invoices(self):
        """Credit the invoices of these instalments, whose cover was
        cancelled; return the credit notes.

        Unpaid (or partly paid) invoices are settled by their credit note; a
        paid one keeps an open credit note the accountant refunds. Draft
        invoices are cancelled. The instalments stay, shown as credited.
        Done as superuser: a salesperson who may cancel the policy has no
        access to Invoicing, and the credit notes only reverse this policy's
        own premium invoices, in full.
        """
        credit_notes = self.env["account.move"].sudo()
        for company, moves in self.move_id.sudo().grouped("company_id").items():
            credit_notes |= moves.with_company(company)._insurance_credit_in_full()
        return credit_notes
