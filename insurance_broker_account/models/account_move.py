from collections import defaultdict

from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    insurance_policy_id = fields.Many2one(
        "insurance.policy",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The policy a premium instalment invoice or an insurer bill is for.",
    )
    insurance_installment_id = fields.Many2one(
        "insurance.policy.installment",
        string="Instalment",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
    )
    insurance_move_kind = fields.Selection(
        [
            ("premium", "Premium instalment"),
            ("insurer_bill", "Premium due to the insurer"),
            ("commission", "Commission"),
        ],
        string="Insurance Document",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_insurance_policy(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "insurance.policy",
            "res_id": self.insurance_policy_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _is_insurance_credited(self):
        """Whether this invoice no longer bills anything: cancelled, reversed,
        or covered by posted credit notes for its whole amount."""
        self.ensure_one()
        if self.state == "cancel" or self.payment_state == "reversed":
            return True
        credited = sum(
            self.reversal_move_ids.filtered(lambda m: m.state == "posted").mapped(
                "amount_total"
            )
        )
        return bool(self.amount_total) and (
            self.currency_id.compare_amounts(credited, self.amount_total) >= 0
        )

    def _get_mail_template(self):
        # Premium invoices go out with the broker's own template (policy,
        # insured object, instalment), both from Odoo's "Send" wizard and
        # from its asynchronous sending cron, which asks this method.
        if self and all(
            move.insurance_move_kind == "premium" and move.move_type == "out_invoice"
            for move in self
        ):
            template = self.env.ref(
                "insurance_broker_account.mail_template_premium_invoice",
                raise_if_not_found=False,
            )
            if template:
                return template
        return super()._get_mail_template()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # A credit note of an insurance document stays on its policy and
        # instalment, whoever issues it (cancellation or the Credit Note
        # wizard), so the policy shows what was credited.
        if not default_values_list:
            default_values_list = [{} for _move in self]
        for move, default_values in zip(self, default_values_list, strict=True):
            if move.insurance_move_kind:
                default_values.setdefault(
                    "insurance_move_kind", move.insurance_move_kind
                )
                default_values.setdefault(
                    "insurance_policy_id", move.insurance_policy_id.id
                )
                default_values.setdefault(
                    "insurance_installment_id", move.insurance_installment_id.id
                )
        return super()._reverse_moves(
            default_values_list=default_values_list, cancel=cancel
        )

    def _insurance_credit_in_full(self):
        """Credit these premium invoices in full, as of today; return the
        credit notes. Each credit note settles what is left to pay on its
        invoice; what the client already paid stays as an open credit to
        refund. Draft invoices are cancelled instead."""
        self.filtered(lambda m: m.state == "draft").button_cancel()
        to_credit = self.filtered(
            lambda m: m.state == "posted" and not m._is_insurance_credited()
        )
        if not to_credit:
            return self.browse()
        today = fields.Date.context_today(self)
        credit_notes = to_credit._reverse_moves(
            [
                {
                    "ref": self.env._(
                        "Cancellation of policy %(policy)s: %(reason)s",
                        policy=move.insurance_policy_id.display_name,
                        reason=move.insurance_policy_id.cancel_reason or "",
                    ),
                    "date": today,
                    "invoice_date": today,
                    "invoice_date_due": today,
                    "invoice_payment_term_id": False,
                    "invoice_user_id": move.invoice_user_id.id,
                }
                for move in to_credit
            ]
        )
        credit_notes._post(soft=False)
        for move, credit_note in zip(to_credit, credit_notes, strict=True):
            if move.currency_id.is_zero(move.amount_residual):
                continue
            (move.line_ids | credit_note.line_ids).filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            ).reconcile()
        return credit_notes

    # ------------------------------------------------------------
    # PRINTED INVOICE (report/report_invoice.xml)
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # INVOICE PDF (report/report_invoice.xml)
    # ------------------------------------------------------------

    def _insurance_report_policies(self):
        """The policies this premium invoice (or its credit note) bills, as
        superuser (see ``_insurance_report_policy_blocks``), by number."""
        self.ensure_one()
        move = self.sudo()
        return (
            move.insurance_policy_id | move.invoice_line_ids.insurance_policy_id
        ).sorted(lambda policy: (policy.name or "", policy.id))

    def _insurance_report_policy_blocks(self):
        """The "Policy" blocks of a premium invoice or credit note: one dict
        per policy it bills (one, as the suite invoices one instalment per
        invoice; more if lines of several policies were put on it), with the
        policy's number, insurer, product, insured object, cover period and
        the instalment billed ("i of n"). Empty for any other move.

        Read as superuser: whoever prints the invoice (an Invoicing user
        limited to their own clients' policies, the client on the portal)
        may read the invoice, which already names the policy on its lines,
        and the policy's particulars are part of the document."""
        self.ensure_one()
        if self.insurance_move_kind != "premium" or not self.is_sale_document():
            return []
        self.check_access("read")
        move = self.sudo()
        blocks = []
        for policy in self._insurance_report_policies():
            installment = (
                move.insurance_installment_id
                if move.insurance_installment_id.policy_id == policy
                else move.invoice_line_ids.filtered(
                    lambda line, policy=policy: line.insurance_policy_id == policy
                ).insurance_installment_id[:1]
            )
            blocks.append(
                {
                    "number": policy.name,
                    "insurer": policy.insurer_id.name,
                    "product": policy.product_id.name,
                    "insured_object": policy._insured_object_label(),
                    "date_start": policy.date_start,
                    "date_end": policy.date_end,
                    "installment_number": installment.sequence,
                    "installment_count": len(policy.installment_ids),
                }
            )
        return blocks

    def _insurance_report_payment(self):
        """Whom the client of this premium invoice pays, and how: a dict with
        ``payee`` (the broker, or the insurer when the insurer collects the
        premium), ``bank_account`` (the account on the invoice, or the
        insurer's first bank account), ``insurer_collects``, ``reference``
        and ``date_due``. Empty for credit notes, paid invoices and other
        moves. Read as superuser, as the policy blocks are."""
        self.ensure_one()
        if (
            self.insurance_move_kind != "premium"
            or self.move_type != "out_invoice"
            or self.state == "cancel"
            or self.payment_state in ("paid", "in_payment", "reversed")
        ):
            return {}
        policies = self._insurance_report_policies()
        if not policies:
            return {}
        insurers = policies.filtered(
            lambda policy: policy.premium_collection == "insurer"
        ).insurer_id
        # Collected by the insurer only when every policy of the invoice is
        # (always one policy per invoice in the suite), by a single insurer.
        insurer_collects = len(insurers) == 1 and all(
            policy.premium_collection == "insurer" for policy in policies
        )
        if insurer_collects:
            # As the policy confirmation tells the client (its contract).
            contract = policies[:1]._contract_payment()
            payee = contract["payee"]
            bank_account = contract["bank"].acc_number
        else:
            payee = self.company_id.name
            bank_account = self.partner_bank_id.acc_number
        return {
            "payee": payee,
            "bank_account": bank_account or "",
            "insurer_collects": insurer_collects,
            "reference": self.payment_reference or self.name,
            "date_due": self.invoice_date_due,
        }

    def _insurance_report_commission_rows(self):
        """The policies a commission invoice or an insurer's bill (or their
        credit notes) is about: one dict per policy, by number, with its
        client, product, the premium of the instalments it covers, the
        commission rate and the commission (its chargeback included). Empty
        for any other move.

        Read as superuser: the commission lines settled by this document
        are its own details, and an Invoicing user limited to their own
        clients would otherwise print some of its policies only."""
        self.ensure_one()
        if self.insurance_move_kind not in ("commission", "insurer_bill"):
            return []
        self.check_access("read")
        move = self.sudo()
        # A credit note of the document lists what the document did.
        documents = move | move.reversed_entry_id
        commission_lines = (
            self.env["insurance.commission.line"]
            .sudo()
            .search(
                [
                    ("move_line_id", "in", documents.invoice_line_ids.ids),
                ]
            )
        )
        by_policy = defaultdict(
            lambda: {
                "installments": self.env["insurance.policy.installment"].sudo(),
                "commission": 0.0,
            }
        )
        for line in move.invoice_line_ids.filtered("insurance_policy_id"):
            by_policy[line.insurance_policy_id]["installments"] |= (
                line.insurance_installment_id
            )
        for line in commission_lines:
            values = by_policy[line.policy_id]
            values["installments"] |= line.installment_id
            values["commission"] += line.amount
        rows = []
        for policy in sorted(by_policy, key=lambda p: (p.name or "", p.id)):
            values = by_policy[policy]
            rows.append(
                {
                    "number": policy.name,
                    "client": policy.partner_id.display_name,
                    "product": policy.product_id.name,
                    # None for a policy only given back commission on.
                    "premium": (
                        sum(values["installments"].mapped("amount"))
                        if values["installments"]
                        else None
                    ),
                    "commission_rate": policy.commission_rate,
                    "commission": values["commission"],
                    "currency": policy.currency_id,
                }
            )
        return rows
