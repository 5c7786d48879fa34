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
