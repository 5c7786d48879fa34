import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, index_exists, split_every

from odoo.addons.insurance_broker.tools.cron import cron_batches

from ..tools.money import pro_rata_units, split_in_proportion

_logger = logging.getLogger(__name__)

REFUND_TYPE = {"out_invoice": "out_refund", "in_invoice": "in_refund"}


class InsuranceCommissionLine(models.Model):
    """Commission the broker expects from an insurer, or gives back.

    Expected lines are recorded when a policy is confirmed, one per
    instalment; a cancelled policy gets one chargeback line, negative, for
    the commission of the days it no longer covers. A line is settled by a
    commission invoice line (insurer collects) or by the deduction on the
    insurer's bill (broker collects), and received when an insurer
    statement reports it.
    """

    _name = "insurance.commission.line"
    _description = "Insurance Commission Line"
    _inherit = ["insurance.bounded.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # Invoices (or bills) created and committed together by the monthly run.
    _INVOICE_BATCH_SIZE = 100
    # Policies handled together when recording missing commission lines.
    _BACKFILL_BATCH_SIZE = 1000

    policy_id = fields.Many2one(
        "insurance.policy",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    installment_id = fields.Many2one(
        "insurance.policy.installment",
        string="Instalment",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    kind = fields.Selection(
        [("expected", "Commission"), ("chargeback", "Chargeback")],
        required=True,
        default="expected",
        index=True,
    )
    date = fields.Date(
        required=True,
        index=True,
        help="When the commission is earned: the instalment's due date, or the "
        "cancellation date for a chargeback.",
    )
    amount = fields.Monetary(required=True, aggregator="sum")
    currency_id = fields.Many2one(
        related="policy_id.currency_id", store=True, precompute=True
    )
    policy_number = fields.Char(
        related="policy_id.name", store=True, precompute=True, index=True
    )
    partner_id = fields.Many2one(
        related="policy_id.partner_id", store=True, precompute=True, string="Client"
    )
    insurer_id = fields.Many2one(
        related="policy_id.insurer_id",
        store=True,
        precompute=True,
        index=True,
        string="Insurer",
    )
    product_id = fields.Many2one(
        related="policy_id.product_id", store=True, precompute=True
    )
    client_manager_id = fields.Many2one(
        related="policy_id.client_manager_id",
        store=True,
        precompute=True,
        index=True,
    )
    premium_collection = fields.Selection(
        related="policy_id.premium_collection", store=True, precompute=True
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, precompute=True, index=True
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoiced On",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The commission invoice line, or the deduction on the insurer's "
        "bill, that settles this commission.",
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", store=True, string="Invoice"
    )
    statement_line_ids = fields.One2many(
        "insurance.commission.statement.line",
        "commission_line_id",
        string="Statement Lines",
    )
    received_amount = fields.Monetary(
        compute="_compute_received_amount",
        store=True,
        aggregator="sum",
        string="Received",
        help="What the insurers' confirmed statements report for this commission.",
    )

    def init(self):  # pylint: disable=missing-return
        super().init()
        # One expected commission per instalment, one chargeback per policy:
        # confirming or cancelling twice never records the commission twice.
        for name, column, where in (
            (
                "insurance_commission_line_expected_uniq",
                "installment_id",
                "kind = 'expected' AND installment_id IS NOT NULL",
            ),
            (
                "insurance_commission_line_chargeback_uniq",
                "policy_id",
                "kind = 'chargeback'",
            ),
        ):
            if not index_exists(self.env.cr, name):
                self.env.cr.execute(
                    SQL(
                        "CREATE UNIQUE INDEX %s ON %s (%s) WHERE %s",
                        SQL.identifier(name),
                        SQL.identifier(self._table),
                        SQL.identifier(column),
                        SQL(where),
                    )
                )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    def _insurance_bounds(self):
        # Negative: a chargeback gives back commission.
        return {**super()._insurance_bounds(), "amount": "amount", "date": "date"}

    @api.depends("statement_line_ids.commission", "statement_line_ids.state")
    def _compute_received_amount(self):
        for line in self:
            line.received_amount = sum(
                statement_line.commission
                for statement_line in line.statement_line_ids
                if statement_line.state == "done"
            )

    @api.depends("policy_id", "installment_id", "kind")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                line.installment_id.display_name
                if line.installment_id
                else f"{line.policy_id.display_name} "
                f"({dict(line._fields['kind'].selection)[line.kind]})"
            )

    # ------------------------------------------------------------
    # EXPECTED COMMISSION AND CHARGEBACKS (called by insurance.policy)
    # ------------------------------------------------------------

    @api.model
    def _record_expected(self, policies):
        """Record the expected commission of confirmed ``policies``, one line
        per instalment; return the lines created.

        The policy's commission is split over its instalments in proportion
        to their amounts, in whole cents, the remainder on the last one; the
        line is dated on the instalment's due date. Instalments that already
        have their line are skipped, so calling it twice records nothing
        more. One search and one INSERT for all the policies (see
        ``_insert_expected``).
        """
        policies = policies.filtered(lambda policy: policy.state != "draft")
        if not policies:
            return self.browse()
        # Commission lines are bookkeeping derived from the policy: whoever
        # may confirm or cancel the policy records them, although only
        # Invoicing users may edit them; the lines written are computed here
        # from the policies given, nothing else, so sudo is safe.
        lines_sudo = self.sudo()
        lines_sudo._drop_stale_lines(
            policies.filtered(lambda policy: policy.state != "cancelled")
        )
        installments = policies.installment_ids
        recorded = set(
            lines_sudo.search_fetch(
                [("installment_id", "in", installments.ids), ("kind", "=", "expected")],
                ["installment_id"],
            ).installment_id.ids
        )
        values = []
        for policy in policies:
            factor = 10**policy.currency_id.decimal_places
            policy_installments = policy.installment_ids.sorted(
                lambda installment: (installment.sequence, installment.id)
            )
            shares = split_in_proportion(
                round(policy.commission_amount * factor),
                [
                    round(installment.amount * factor)
                    for installment in policy_installments
                ],
            )
            values += [
                (policy.id, installment.id, installment.date_due, share / factor)
                for installment, share in zip(policy_installments, shares, strict=True)
                if share and installment.id not in recorded
            ]
        return self.browse(lines_sudo._insert_expected(values).ids)

    @api.model
    def _insert_expected(self, values):
        """Insert the expected lines ``values``, a list of ``(policy id,
        instalment id, date, amount)``, in one query; return the lines.

        Confirming a policy records one line per instalment: thousands per
        run of the renewal or import. Through ``create`` the ORM computes
        the eight fields copied from the policy record by record before
        the insert (precompute), which costs more than all the rest of the
        confirmation; here the INSERT copies them from the policy's row.
        What ``create`` would do besides is done here too: the lines start
        unreceived and uninvoiced (no statement, no invoice line yet), the
        caches of the policies' and instalments' lines are invalidated and
        what depends on the new lines (the instalments' expected
        commission) is recomputed. No company check is needed: the company
        is the policy's and the instalments are the policy's own. A line
        already recorded for an instalment (a concurrent confirmation) is
        left as it is, by the unique index, instead of failing.
        """
        if not values:
            return self.browse()
        Policy = self.env["insurance.policy"]
        copied = {
            name: field.related.split(".")[1]
            for name, field in self._fields.items()
            if field.store and field.related and field.related.startswith("policy_id.")
        }
        # The policy rows read by the INSERT must hold what the cache holds
        # (the instalments' rows are inserted by their create).
        Policy.flush_model(list(copied.values()))
        policy_ids, installment_ids, dates, amounts = zip(*values, strict=True)
        now = self.env.cr.now()
        rows = self.env.execute_query(
            SQL(
                """INSERT INTO insurance_commission_line
                       (policy_id, installment_id, kind, date, amount,
                        received_amount, %(columns)s,
                        create_uid, create_date, write_uid, write_date)
                SELECT policy.id, new_line.installment_id, 'expected',
                       new_line.date, new_line.amount, 0, %(sources)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(policy_ids)s::int[], %(installment_ids)s::int[],
                              %(dates)s::date[], %(amounts)s::numeric[])
                       AS new_line(policy_id, installment_id, date, amount)
                  JOIN insurance_policy policy ON policy.id = new_line.policy_id
                ON CONFLICT DO NOTHING
                RETURNING id""",
                columns=SQL(", ").join(SQL.identifier(name) for name in copied),
                sources=SQL(", ").join(
                    SQL.identifier("policy", column) for column in copied.values()
                ),
                uid=self.env.uid,
                now=now,
                policy_ids=list(policy_ids),
                installment_ids=list(installment_ids),
                dates=list(dates),
                amounts=list(amounts),
            )
        )
        lines = self.browse(row[0] for row in rows)
        Policy.invalidate_model(["commission_line_ids"])
        self.env["insurance.policy.installment"].invalidate_model(
            ["commission_line_ids"]
        )
        # The INSERT gave every stored field its value: like create, keep
        # them from being recomputed, and recompute what depends on them.
        stored = [field for field in self._fields.values() if field.store]
        with self.env.protecting(stored, lines):
            lines.modified([field.name for field in stored], create=True)
        return lines

    @api.model
    def _record_chargebacks(self, policies):
        """Record the chargeback of cancelled ``policies``; return the lines.

        The broker earns the commission pro rata to the days the policy
        covered: ``earned = commission x covered days / days of the term``,
        where the cancellation date is the last day covered. The expected
        lines of the instalments the cancellation removed are deleted with
        them, or credited with them (unless already invoiced), and the
        chargeback is what was
        recorded beyond the earned part:
        ``chargeback = earned - sum of the expected lines still recorded``,
        so that expected lines + chargeback = earned. With a single payment
        it is ``- commission x days not covered / days of the term``. None
        is recorded when it would not be negative (nothing was recorded
        beyond what was earned), nor twice for a policy.
        """
        policies = policies.filtered(
            lambda policy: policy.state == "cancelled" and policy.cancel_date
        )
        if not policies:
            return self.browse()
        # See _record_expected for why sudo is safe.
        lines_sudo = self.sudo()
        # The instalments due after the cancellation are deleted (their lines
        # lose their instalment) or, when already invoiced, credited: their
        # commission will never be earned, unless it was already invoiced.
        lines_sudo.search(
            [
                ("policy_id", "in", policies.ids),
                ("kind", "=", "expected"),
                ("move_line_id", "=", False),
            ]
        ).filtered(
            lambda line: (
                not line.installment_id or line.date > line.policy_id.cancel_date
            )
        ).unlink()
        recorded_units = defaultdict(int)
        charged_back = set()
        for line in lines_sudo.search_fetch(
            [("policy_id", "in", policies.ids)],
            ["policy_id", "kind", "amount", "currency_id"],
        ):
            if line.kind == "chargeback":
                charged_back.add(line.policy_id.id)
            else:
                factor = 10**line.currency_id.decimal_places
                recorded_units[line.policy_id.id] += round(line.amount * factor)
        values = []
        for policy in policies:
            if policy.id in charged_back or not recorded_units[policy.id]:
                continue
            factor = 10**policy.currency_id.decimal_places
            earned_units = self._earned_units(policy, policy.cancel_date, factor)
            chargeback_units = earned_units - recorded_units[policy.id]
            if chargeback_units < 0:
                values.append(
                    {
                        "policy_id": policy.id,
                        "kind": "chargeback",
                        "date": policy.cancel_date,
                        "amount": chargeback_units / factor,
                    }
                )
        return self.browse(lines_sudo.create(values).ids)

    @api.model
    def _earned_units(self, policy, last_day, factor):
        """Commission ``policy`` earned when its cover ends on ``last_day``
        (included), pro rata to the days covered, in units of
        ``1 / factor`` (cents), rounded half up."""
        return pro_rata_units(
            round(policy.commission_amount * factor),
            policy.date_start,
            policy.date_end,
            last_day,
        )

    @api.model
    def _drop_stale_lines(self, policies):
        """Forget what a previous cancellation left on policies confirmed
        again: the expected lines of instalments since replaced and the
        chargeback, unless they are already invoiced."""
        if not policies:
            return
        self.search(
            [
                ("policy_id", "in", policies.ids),
                ("move_line_id", "=", False),
                "|",
                ("kind", "=", "chargeback"),
                ("installment_id", "=", False),
            ]
        ).unlink()

    @api.model
    def _backfill_expected(self, batch_size=None):
        """Record the commission lines missing on confirmed policies: those
        confirmed before this addon was installed (install hook, demo data).

        One query selects the policies lacking an expected line on an
        instalment, or cancelled without a chargeback; they are handled in
        batches. Returns the number of lines created.
        """
        batch_size = batch_size or self._BACKFILL_BATCH_SIZE
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT policy.id
                     FROM insurance_policy policy
                    WHERE policy.state != 'draft'
                      AND policy.commission_amount > 0
                      AND (EXISTS (
                              SELECT 1
                                FROM insurance_policy_installment installment
                               WHERE installment.policy_id = policy.id
                                 AND NOT EXISTS (
                                     SELECT 1
                                       FROM insurance_commission_line line
                                      WHERE line.installment_id = installment.id
                                        AND line.kind = 'expected'))
                           OR (policy.state = 'cancelled'
                               AND policy.cancel_date IS NOT NULL
                               AND NOT EXISTS (
                                   SELECT 1
                                     FROM insurance_commission_line line
                                    WHERE line.policy_id = policy.id
                                      AND line.kind = 'chargeback')))
                 ORDER BY policy.id"""
            )
        )
        policy_ids = [row[0] for row in self.env.cr.fetchall()]
        created = 0
        # The hook and the demo run as superuser; sudo keeps the policies of
        # every company and client manager in the batch for any caller, as
        # commission lines are derived data (see _record_expected).
        Policy = self.env["insurance.policy"].sudo()
        for policies in split_every(batch_size, policy_ids, Policy.browse):
            created += len(self._record_expected(policies))
            created += len(self._record_chargebacks(policies))
            self.env.flush_all()
            self.env.invalidate_all()
        if created:
            _logger.info("Commission backfill: %s commission lines recorded", created)
        return created

    # ------------------------------------------------------------
    # MONTHLY INVOICING
    # ------------------------------------------------------------

    @api.model
    def _cron_invoice_commissions(self):
        """Monthly: invoice the insurers the commission earned until the end
        of the previous month, and bill the premiums collected for them."""
        today = fields.Date.context_today(self)
        return self._run_monthly_invoicing(today.replace(day=1) - relativedelta(days=1))

    @api.model
    def _run_monthly_invoicing(self, date_to, date_from=None):
        """Commission invoices and insurer bills of every company, up to
        ``date_to``. Without ``date_from``, what an earlier run missed (a
        policy confirmed late with a past start date, a payment registered
        late) is included as well: nothing earned is left behind."""
        companies = self.env["res.company"].search([])
        invoices = self._create_commission_invoices(
            date_to, date_from=date_from, companies=companies
        )
        bills = self._create_insurer_bills(
            date_to, date_from=date_from, companies=companies
        )
        return invoices | bills

    @api.model
    def _create_commission_invoices(
        self, date_to, date_from=None, insurers=None, companies=None
    ):
        """One posted customer invoice per insurer, currency and company for
        the commission lines of insurer-collected policies dated in the
        period and not invoiced yet; one invoice line per policy, its
        chargeback as a negative line. A negative total gives a credit note.
        Returns the invoices created; running it twice creates nothing more.
        """
        date_to = fields.Date.to_date(date_to)
        date_from = fields.Date.to_date(date_from) if date_from else None
        domain = [
            ("premium_collection", "=", "insurer"),
            *self._unsettled_domain(),
            ("amount", "!=", 0),
            ("date", "<=", date_to),
            ("company_id", "in", (companies or self.env.companies).ids),
        ]
        if date_from:
            domain.append(("date", ">=", date_from))
        if insurers:
            domain.append(("insurer_id", "in", insurers.ids))
        groups = [
            ids
            for _company, _insurer, _currency, ids in self._read_group(
                domain,
                ["company_id", "insurer_id", "currency_id"],
                ["id:array_agg"],
            )
        ]
        return self._invoice_by_batch(
            groups,
            lambda ids: self.browse(self._lock_unsettled(ids)),
            lambda lines: self._commission_invoice_documents(lines, date_to, date_from),
        )

    @api.model
    def _create_insurer_bills(
        self, date_to, date_from=None, insurers=None, companies=None
    ):
        """Bill, for each insurer, the premiums the broker collected for it
        (instalment invoices paid in the period) less the commission it
        retains; one bill per insurer, currency and month, or per policy,
        after the company's setting. A chargeback of a broker-collected
        policy is given back on the same bill. An instalment is never billed
        twice. Returns the posted bills.
        """
        date_to = fields.Date.to_date(date_to)
        date_from = fields.Date.to_date(date_from) if date_from else None
        companies = companies or self.env.companies
        paid_installments = self._installments_to_bill(
            date_to, date_from, insurers, companies
        )
        chargeback_domain = [
            ("premium_collection", "=", "broker"),
            ("kind", "=", "chargeback"),
            *self._unsettled_domain(),
            ("date", "<=", date_to),
            ("company_id", "in", companies.ids),
        ]
        if date_from:
            chargeback_domain.append(("date", ">=", date_from))
        if insurers:
            chargeback_domain.append(("insurer_id", "in", insurers.ids))
        chargebacks = self.search(chargeback_domain)
        # A group is what goes on one bill: the company's grouping decides.
        groups = defaultdict(lambda: [[], []])
        for installment in paid_installments:
            groups[self._insurer_bill_key(installment.policy_id)][0].append(
                installment.id
            )
        for chargeback in chargebacks:
            groups[self._insurer_bill_key(chargeback.policy_id)][1].append(
                chargeback.id
            )

        def lock(group):
            installment_ids, chargeback_ids = group
            return (
                self.env["insurance.policy.installment"].browse(
                    self._lock_installments(installment_ids)
                ),
                self.browse(self._lock_unsettled(chargeback_ids)),
            )

        return self._invoice_by_batch(
            list(groups.values()),
            lock,
            lambda locked: self._insurer_bill_documents(*locked, date_to, date_from),
        )

    @api.model
    def _insurer_bill_key(self, policy):
        if policy.company_id.insurance_insurer_bill_grouping == "policy":
            return (policy.company_id.id, policy.id)
        return (policy.company_id.id, policy.insurer_id.id, policy.currency_id.id)

    @api.model
    def _invoice_by_batch(self, groups, lock, make_documents):
        """Create the documents of ``groups`` by batches.

        Each batch locks its rows first (``lock(group)``, skipping those
        another run is invoicing, dropping those invoiced since the groups
        were selected), builds the documents (``make_documents(locked)``:
        ``[(company, move values, [(line values, commission lines)])]``),
        creates and posts them at once, and is committed when run by ir.cron.
        """
        moves = self.env["account.move"]
        for batch in cron_batches(self.env, groups, self._INVOICE_BATCH_SIZE):
            documents = []
            for group in batch:
                documents += make_documents(lock(group))
            moves |= self._create_insurance_moves(documents)
        return moves

    # ------------------------------------------------------------
    # DOCUMENTS
    # ------------------------------------------------------------

    @api.model
    def _commission_invoice_documents(self, lines, date_to, date_from):
        """The commission invoice of ``lines`` (one insurer, currency and
        company): one invoice line per policy, one more for its chargeback.
        The values come from the ``_prepare_commission_invoice_*`` hooks."""
        if not lines:
            return []
        company = lines.company_id
        # The labels in the insurer's language: the hooks are called on the
        # model in that language (the records keep the caller's).
        Line = self.with_context(lang=lines.insurer_id.lang or self.env.lang)
        product = self._commission_product()
        tax = self._commission_tax(company)
        by_policy = defaultdict(
            lambda: {"expected": self.browse(), "chargeback": self.browse()}
        )
        for line in lines.sorted(
            lambda line: (line.policy_number or "", line.date, line.id)
        ):
            by_policy[line.policy_id][line.kind] |= line
        invoice_lines = [
            (
                Line._prepare_commission_invoice_line_values(
                    policy, kind_lines, product, tax
                ),
                kind_lines,
            )
            for policy, kinds in by_policy.items()
            for kind_lines in kinds.values()
            if kind_lines
            and not policy.currency_id.is_zero(sum(kind_lines.mapped("amount")))
        ]
        if not invoice_lines:
            return []
        return [
            (
                company,
                Line._prepare_commission_invoice_values(lines, date_to, date_from),
                invoice_lines,
            )
        ]

    @api.model
    def _prepare_commission_invoice_values(self, lines, date_to, date_from):
        """Values to create the commission invoice of ``lines`` (one insurer,
        currency and company) for the period up to ``date_to``, without its
        lines; called on the model in the insurer's language. A negative
        total turns it into a credit note (``_create_insurance_moves``)."""
        return {
            "move_type": "out_invoice",
            "partner_id": lines.insurer_id.id,
            "invoice_date": date_to,
            "currency_id": lines.currency_id.id,
            "insurance_move_kind": "commission",
            "invoice_origin": self._period_label(
                self.env._("Insurance commission"), date_to, date_from
            ),
        }

    @api.model
    def _prepare_commission_invoice_line_values(self, policy, lines, product, tax):
        """Values to create the commission invoice line of ``lines``: the
        commission lines of one kind (expected, or the chargeback) of
        ``policy``, invoiced as ``product`` with ``tax``; called on the model
        in the insurer's language. ``price_unit`` and ``quantity`` are
        required: their product is the line's share of the invoice total."""
        description = self._policy_description(policy)
        label = description
        if lines[:1].kind == "chargeback":
            label = self.env._(
                "Chargeback, cancelled on %(date)s: %(policy)s",
                date=format_date(self.env, policy.cancel_date),
                policy=description,
            )
        return {
            "product_id": product.id,
            "name": label,
            "quantity": 1,
            "price_unit": sum(lines.mapped("amount")),
            "tax_ids": [Command.set(tax.ids)],
            "insurance_policy_id": policy.id,
        }

    @api.model
    def _insurer_bill_documents(self, installments, chargebacks, date_to, date_from):
        """The insurer's bill of the paid ``installments`` and the
        ``chargebacks`` (one insurer, currency and company, or one policy):
        for each instalment the premium collected, less the commission. The
        values come from the ``_prepare_insurer_bill_*`` hooks."""
        policies = installments.policy_id | chargebacks.policy_id
        if not policies:
            return []
        company = policies.company_id
        # See _commission_invoice_documents: labels in the insurer's language.
        Line = self.with_context(lang=policies.insurer_id.lang or self.env.lang)
        commission_product = self._commission_product()
        commission_account = commission_product.with_company(
            company
        )._get_product_accounts()["income"]
        expected = {
            line.installment_id: line
            for line in self.search(
                [
                    ("installment_id", "in", installments.ids),
                    ("kind", "=", "expected"),
                    *self._unsettled_domain(),
                ]
            )
        }
        bill_lines = []
        for installment in installments.sorted(
            lambda i: (i.policy_id.name or "", i.sequence, i.id)
        ):
            bill_lines.append(
                (
                    Line._prepare_insurer_bill_premium_line_values(installment),
                    self.browse(),
                )
            )
            commission = expected.get(installment)
            if commission:
                bill_lines.append(
                    (
                        Line._prepare_insurer_bill_commission_line_values(
                            commission, commission_product, commission_account
                        ),
                        commission,
                    )
                )
        for chargeback in chargebacks.sorted(
            lambda line: (line.policy_number or "", line.id)
        ):
            bill_lines.append(
                (
                    Line._prepare_insurer_bill_commission_line_values(
                        chargeback, commission_product, commission_account
                    ),
                    chargeback,
                )
            )
        # No account or product: the bill's defaults (journal, partner).
        for values, _lines in bill_lines:
            for name in ("account_id", "product_id"):
                if name in values and not values[name]:
                    del values[name]
        return [
            (
                company,
                Line._prepare_insurer_bill_values(
                    installments, chargebacks, date_to, date_from
                ),
                bill_lines,
            )
        ]

    @api.model
    def _prepare_insurer_bill_values(
        self, installments, chargebacks, date_to, date_from
    ):
        """Values to create the insurer's bill of the paid ``installments``
        and the ``chargebacks`` up to ``date_to``, without its lines; called
        on the model in the insurer's language. A bill per policy (the
        company's grouping) is linked to its policy."""
        policies = installments.policy_id | chargebacks.policy_id
        company = policies.company_id
        values = {
            "move_type": "in_invoice",
            "partner_id": policies.insurer_id.id,
            "invoice_date": date_to,
            "currency_id": (
                installments.move_id.currency_id[:1] or policies.currency_id[:1]
            ).id,
            "insurance_move_kind": "insurer_bill",
            "ref": self._period_label(
                self.env._("Premiums collected"), date_to, date_from
            ),
        }
        if len(policies) == 1 and company.insurance_insurer_bill_grouping == "policy":
            values["insurance_policy_id"] = policies.id
            values["ref"] = f"{policies.name} · {values['ref']}"
        return values

    @api.model
    def _prepare_insurer_bill_premium_line_values(self, installment):
        """Values to create the bill line of the premium the broker collected
        for the paid ``installment``: what its client invoice totals, on the
        account that invoice put it on; called on the model in the insurer's
        language."""
        policy = installment.policy_id
        premium_move = installment.move_id
        premium_line = premium_move.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )[:1]
        return {
            "insurance_policy_id": policy.id,
            "insurance_installment_id": installment.id,
            "product_id": policy.product_id.product_id.id,
            "name": self.env._(
                "Premium collected, %(installment)s · %(client)s · %(product)s",
                installment=installment.display_name,
                client=policy.partner_id.display_name,
                product=policy.product_id.name or "",
            ),
            "quantity": 1,
            "price_unit": premium_move.amount_total,
            # The premium leaves the account the client's invoice put it on:
            # it only passes through the broker.
            "account_id": premium_line.account_id.id or False,
            "tax_ids": [Command.clear()],
        }

    @api.model
    def _prepare_insurer_bill_commission_line_values(
        self, commission, product, account
    ):
        """Values to create the bill line that settles the commission line
        ``commission``: the commission the broker retains on an instalment
        (an expected line), or gives back (a chargeback), as ``product`` on
        ``account``; called on the model in the insurer's language."""
        values = {
            "insurance_policy_id": commission.policy_id.id,
            "product_id": product.id,
            "quantity": 1,
            "price_unit": -commission.amount,
            "account_id": account.id or False,
            "tax_ids": [Command.clear()],
        }
        if commission.kind == "chargeback":
            values["name"] = self.env._(
                "Commission given back, cancelled on %(date)s: %(policy)s",
                date=format_date(self.env, commission.date),
                policy=self._policy_description(commission.policy_id),
            )
        else:
            values["insurance_installment_id"] = commission.installment_id.id
            values["name"] = self.env._(
                "Commission retained, %(installment)s",
                installment=commission.installment_id.display_name,
            )
        return values

    @api.model
    def _create_insurance_moves(self, documents):
        """Create and post ``documents`` (see ``_invoice_by_batch``), one
        create per company; a document whose total is negative becomes a
        refund. Each commission line given with an invoice line is settled
        by it. Returns the moves."""
        moves = self.env["account.move"]
        by_company = defaultdict(list)
        for company, move_values, lines in documents:
            by_company[company].append((move_values, lines))
        for company, company_documents in by_company.items():
            currency_of = self.env["res.currency"].browse
            values_list = []
            for move_values, lines in company_documents:
                total = sum(
                    values["price_unit"] * values["quantity"] for values, _l in lines
                )
                sign = 1
                if (
                    currency_of(move_values["currency_id"]).compare_amounts(total, 0)
                    < 0
                ):
                    sign = -1
                    move_values = {
                        **move_values,
                        "move_type": REFUND_TYPE[move_values["move_type"]],
                    }
                values_list.append(
                    {
                        **move_values,
                        "invoice_line_ids": [
                            Command.create(
                                {**values, "price_unit": sign * values["price_unit"]}
                            )
                            for values, _lines in lines
                        ],
                    }
                )
            company_moves = (
                self.env["account.move"].with_company(company).create(values_list)
            )
            company_moves._post(soft=False)
            settled = []
            for move, (_move_values, lines) in zip(
                company_moves, company_documents, strict=True
            ):
                product_lines = move.invoice_line_ids.filtered(
                    lambda line: line.display_type == "product"
                ).sorted("id")
                settled += [
                    (commission_lines, move_line)
                    for move_line, (_values, commission_lines) in zip(
                        product_lines, lines, strict=True
                    )
                    if commission_lines
                ]
            self._settle(settled)
            moves |= company_moves
        return moves.with_env(self.env)

    @api.model
    def _settle(self, settled):
        """Link commission lines to the invoice lines settling them, with one
        UPDATE: ``settled`` is ``[(commission lines, account.move.line)]``."""
        lines = self.union(*(commission_lines for commission_lines, _ml in settled))
        if not lines:
            return
        lines.check_access("write")
        line_ids, move_line_ids, move_ids = [], [], []
        for commission_lines, move_line in settled:
            line_ids += commission_lines.ids
            move_line_ids += [move_line.id] * len(commission_lines)
            move_ids += [move_line.move_id.id] * len(commission_lines)
        self.env.cr.execute(
            SQL(
                """UPDATE insurance_commission_line line
                      SET move_line_id = settled.move_line_id,
                          move_id = settled.move_id,
                          write_uid = %(uid)s,
                          write_date = %(now)s
                     FROM unnest(%(line_ids)s::int[], %(move_line_ids)s::int[],
                                 %(move_ids)s::int[])
                          AS settled(id, move_line_id, move_id)
                    WHERE line.id = settled.id""",
                uid=self.env.uid,
                now=fields.Datetime.now(),
                line_ids=line_ids,
                move_line_ids=move_line_ids,
                move_ids=move_ids,
            )
        )
        lines.invalidate_recordset(
            ["move_line_id", "move_id", "write_uid", "write_date"]
        )
        lines.modified(["move_line_id"])

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @api.model
    def _installments_to_bill(self, date_to, date_from, insurers, companies):
        """Instalments of broker-collected policies whose client invoice was
        paid in the period (its last reconciliation dated in it), not yet on
        an insurer's bill: one query."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT installment.id
                     FROM insurance_policy_installment installment
                     JOIN insurance_policy policy ON policy.id = installment.policy_id
                     JOIN account_move move ON move.id = installment.move_id
                     JOIN account_move_line receivable
                       ON receivable.move_id = move.id
                      AND receivable.display_type = 'payment_term'
                     JOIN account_partial_reconcile partial
                       ON receivable.id IN (partial.debit_move_id,
                                            partial.credit_move_id)
                    WHERE installment.invoice_state = 'paid'
                      AND move.state = 'posted'
                      AND policy.premium_collection = 'broker'
                      AND installment.company_id = ANY(%(companies)s)
                      AND (%(no_insurer)s OR policy.insurer_id = ANY(%(insurers)s))
                      AND NOT EXISTS (%(billed)s)
                 GROUP BY installment.id
                   HAVING MAX(partial.max_date) <= %(date_to)s
                      AND (%(date_from)s::date IS NULL
                           OR MAX(partial.max_date) >= %(date_from)s::date)
                 ORDER BY installment.id""",
                companies=companies.ids,
                no_insurer=not insurers,
                insurers=insurers.ids if insurers else [],
                billed=self._sql_installment_billed(),
                date_to=date_to,
                date_from=date_from,
            )
        )
        return self.env["insurance.policy.installment"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )

    @api.model
    def _sql_installment_billed(self):
        return SQL(
            """SELECT 1
                 FROM account_move_line bill_line
                 JOIN account_move bill ON bill.id = bill_line.move_id
                WHERE bill_line.insurance_installment_id = installment.id
                  AND bill.insurance_move_kind = 'insurer_bill'
                  AND bill.state != 'cancel'"""
        )

    @api.model
    def _lock_installments(self, installment_ids):
        """Lock the instalments not billed yet among ``installment_ids``,
        skipping those another run is billing; return their ids.

        The rows are touched, not only locked: under Odoo's repeatable-read
        isolation a run that started before this one commits then fails on
        them (and retries) instead of billing them a second time.
        """
        if not installment_ids:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """WITH candidate AS (
                        SELECT installment.id
                          FROM insurance_policy_installment installment
                         WHERE installment.id = ANY(%(ids)s)
                           AND NOT EXISTS (%(billed)s)
                         ORDER BY installment.id
                           FOR UPDATE OF installment SKIP LOCKED
                   )
                   UPDATE insurance_policy_installment installment
                      SET write_date = installment.write_date
                     FROM candidate
                    WHERE installment.id = candidate.id
                RETURNING installment.id""",
                ids=list(installment_ids),
                billed=self._sql_installment_billed(),
            )
        )
        return sorted(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _unsettled_domain(self):
        """Commission lines not invoiced yet: never, or on a cancelled
        invoice or bill (cancelling it gives them back to the next run)."""
        return [
            "|",
            ("move_line_id", "=", False),
            ("move_line_id.parent_state", "=", "cancel"),
        ]

    @api.model
    def _lock_unsettled(self, line_ids):
        """Lock the commission lines still unsettled among ``line_ids``,
        skipping those another run is invoicing; return their ids. Settling
        writes them, so a run that started earlier fails on them instead of
        invoicing them twice."""
        if not line_ids:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT line.id
                     FROM insurance_commission_line line
                    WHERE line.id = ANY(%s)
                      AND (line.move_line_id IS NULL
                           OR EXISTS (SELECT 1
                                        FROM account_move_line settling
                                       WHERE settling.id = line.move_line_id
                                         AND settling.parent_state = 'cancel'))
                 ORDER BY line.id
                      FOR UPDATE OF line SKIP LOCKED""",
                list(line_ids),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _commission_product(self):
        product = self.env.ref(
            "insurance_broker_account.product_insurance_commission",
            raise_if_not_found=False,
        )
        if not product:
            raise UserError(
                self.env._(
                    "The product “Insurance commission” was deleted: restore it "
                    "(or update the Insurance Broker Invoicing module) to invoice "
                    "commissions."
                )
            )
        return product

    @api.model
    def _commission_tax(self, company):
        """The company's tax on commission; on first use, a 0 % exempt sale
        tax is created and stored in the company's settings."""
        if company.insurance_commission_tax_id:
            return company.insurance_commission_tax_id
        # Invoicing users may neither create taxes nor change the company:
        # what is created here is fixed (a 0 % sale tax of this company) and
        # only fills the empty setting, so sudo is safe.
        Tax = self.env["account.tax"].sudo().with_company(company)
        name = self.env._("Exempt (insurance intermediation)")
        tax = Tax.search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("name", "=", name),
                ("amount_type", "=", "percent"),
                ("amount", "=", 0),
            ],
            limit=1,
        )
        if not tax:
            note = self.env._(
                "Exempt from VAT: insurance and reinsurance transactions, including "
                "related services performed by insurance brokers and insurance "
                "agents (Council Directive 2006/112/EC, art. 135(1)(a))."
            )
            tax = Tax.create(
                {
                    "name": name,
                    "company_id": company.id,
                    "type_tax_use": "sale",
                    "amount_type": "percent",
                    "amount": 0.0,
                    "invoice_label": self.env._("Exempt"),
                    "description": f"<p>{note}</p>",
                    "invoice_legal_notes": f"<p>{note}</p>",
                }
            )
        company.sudo().insurance_commission_tax_id = tax
        return self.env["account.tax"].browse(tax.id)

    @api.model
    def _policy_description(self, policy):
        return self.env._(
            "%(policy)s · %(client)s · %(product)s",
            policy=policy.name or "",
            client=policy.partner_id.display_name or "",
            product=policy.product_id.name or "",
        )

    @api.model
    def _period_label(self, what, date_to, date_from):
        if date_from:
            return self.env._(
                "%(what)s %(date_from)s – %(date_to)s",
                what=what,
                date_from=format_date(self.env, date_from),
                date_to=format_date(self.env, date_to),
            )
        return self.env._(
            "%(what)s up to %(date_to)s",
            what=what,
            date_to=format_date(self.env, date_to),
        )
