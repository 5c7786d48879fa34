from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .res_partner import PREMIUM_COLLECTION


class InsurancePolicy(models.Model):
    _inherit = "insurance.policy"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    premium_collection = fields.Selection(
        PREMIUM_COLLECTION,
        string="Premiums Paid To",
        compute="_compute_premium_collection",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        help="From the insurer; can be changed for this policy.",
    )
    invoice_ids = fields.One2many(
        "account.move", "insurance_policy_id", string="Invoices and Bills"
    )
    commission_line_ids = fields.One2many(
        "insurance.commission.line", "policy_id", string="Commission Lines"
    )
    premium_invoice_count = fields.Integer(
        compute="_compute_premium_invoicing",
        string="Premium Invoices",
        help="Client invoices and credit notes of the premium.",
    )
    premium_invoiced_amount = fields.Monetary(
        compute="_compute_premium_invoicing",
        string="Invoiced",
        help="Premium invoiced to the client, less credit notes.",
    )
    premium_paid_amount = fields.Monetary(
        compute="_compute_premium_invoicing",
        string="Paid",
        help="What the client has paid of the premium invoiced.",
    )
    premium_due_amount = fields.Monetary(
        compute="_compute_premium_invoicing",
        string="Due",
        help="Left to pay on the posted premium invoices; negative when the "
        "client is owed a refund.",
    )
    premium_overdue_amount = fields.Monetary(
        compute="_compute_premium_invoicing",
        string="Overdue",
        help="Left to pay on premium invoices past their due date.",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("insurer_id")
    def _compute_premium_collection(self):
        for policy in self:
            policy.premium_collection = (
                policy.insurer_id.insurance_premium_collection or "insurer"
            )

    def _compute_premium_invoicing(self):
        """Invoiced, paid, due and overdue premium, with one grouped query
        over the policies' premium invoices and credit notes. Read in SQL:
        salespeople see these figures on their policies without access to
        Invoicing."""
        figures = {}
        policy_ids = [policy_id for policy_id in self._origin.ids if policy_id]
        if policy_ids:
            self.env["account.move"].flush_model(
                [
                    "insurance_policy_id",
                    "insurance_move_kind",
                    "move_type",
                    "state",
                    "amount_total",
                    "amount_residual",
                    "invoice_date_due",
                ]
            )
            rows = self.env.execute_query(
                SQL(
                    """SELECT insurance_policy_id,
                              COUNT(*),
                              SUM(CASE WHEN move_type = 'out_refund'
                                       THEN -amount_total ELSE amount_total END)
                                  FILTER (WHERE state = 'posted'),
                              SUM(CASE WHEN move_type = 'out_refund'
                                       THEN -amount_residual ELSE amount_residual END)
                                  FILTER (WHERE state = 'posted'),
                              SUM(amount_residual)
                                  FILTER (WHERE state = 'posted'
                                            AND move_type = 'out_invoice'
                                            AND invoice_date_due < %(today)s)
                         FROM account_move
                        WHERE insurance_policy_id = ANY(%(ids)s)
                          AND insurance_move_kind = 'premium'
                          AND move_type IN ('out_invoice', 'out_refund')
                     GROUP BY insurance_policy_id""",
                    today=fields.Date.context_today(self),
                    ids=policy_ids,
                )
            )
            figures = {row[0]: row[1:] for row in rows}
        for policy in self:
            count, invoiced, due, overdue = figures.get(
                policy._origin.id, (0, 0.0, 0.0, 0.0)
            )
            policy.premium_invoice_count = count
            policy.premium_invoiced_amount = invoiced or 0.0
            policy.premium_due_amount = due or 0.0
            policy.premium_paid_amount = (invoiced or 0.0) - (due or 0.0)
            policy.premium_overdue_amount = overdue or 0.0

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        invoiced = self.filtered(lambda p: p.installment_ids.filtered("move_id"))
        if invoiced:
            raise UserError(
                self.env._(
                    "These policies have premium invoices and cannot be deleted: %s",
                    ", ".join(invoiced.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_confirm(self):
        result = super().action_confirm()
        self.env["insurance.commission.line"]._record_expected(self)
        self._trigger_premium_invoicing()
        return result

    def action_reset_to_draft(self):
        invoiced = self.filtered(lambda p: p.installment_ids.filtered("move_id"))
        if invoiced:
            raise UserError(
                self.env._(
                    "These policies have premium invoices and cannot go back to "
                    "draft; register a new policy instead: %s",
                    ", ".join(invoiced.mapped("display_name")),
                )
            )
        return super().action_reset_to_draft()

    def action_invoice_due_installments(self):
        """Invoice now the instalments of these policies that the daily run
        would invoice today (due within the lead time)."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only Invoicing users can invoice premium instalments.")
            )
        problems = []
        for policy in self:
            if policy.state != "active":
                problems.append(
                    self.env._("%(policy)s is not active.", policy=policy.display_name)
                )
            elif policy.premium_collection != "broker":
                problems.append(
                    self.env._(
                        "%(policy)s: the client pays the premium to the insurer.",
                        policy=policy.display_name,
                    )
                )
            elif not policy.product_id.product_id:
                problems.append(
                    self.env._(
                        "%(policy)s: the insurance product %(product)s has no "
                        "invoicing product.",
                        policy=policy.display_name,
                        product=policy.product_id.display_name,
                    )
                )
        if problems:
            raise UserError(
                self.env._(
                    "These policies cannot be invoiced:\n%s", "\n".join(problems)
                )
            )
        moves = self.env["insurance.policy.installment"]._invoice_due_installments(
            policies=self
        )
        if not moves:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "No instalment is due within the invoicing lead time."
                    ),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return self._action_view_moves(moves)

    def action_view_premium_invoices(self):
        self.ensure_one()
        return self._action_view_moves(
            domain=[
                ("insurance_policy_id", "=", self.id),
                ("insurance_move_kind", "=", "premium"),
            ]
        )

    def _action_view_moves(self, moves=None, domain=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = domain if domain is not None else [("id", "in", moves.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        if moves is not None and len(moves) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = moves.id
        return action

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _trigger_premium_invoicing(self):
        """Run the premium invoicing now when these policies have instalments
        it would invoice today (already due, or due within the lead time),
        instead of tomorrow: a client whose first instalment is due at
        confirmation gets the invoice at once. The run invoices as the cron
        user, so a salesperson who confirms needs no Invoicing rights."""
        broker = self.filtered(
            lambda p: p.state == "active" and p.premium_collection == "broker"
        )
        if broker and self.env[
            "insurance.policy.installment"
        ]._select_installments_to_invoice(broker):
            cron = self.env.ref(
                "insurance_broker_account.ir_cron_invoice_installments",
                raise_if_not_found=False,
            )
            if cron:
                cron._trigger()

    def _cancel(self, reason, date):
        result = super()._cancel(reason, date)
        self.env["insurance.commission.line"]._record_chargebacks(self)
        return result

    def _drop_installments_after(self, date):
        # Replaces the parent's deletion instead of extending it: an invoiced
        # instalment is a legal document's subject and must stay, its invoice
        # credited; only the instalments never invoiced are deleted.
        after = self.installment_ids.filtered(lambda i: i.date_due > date)
        invoiced = after.filtered("move_id")
        (after - invoiced).unlink()
        credit_notes = invoiced._credit_premium_invoices()
        for policy in self:
            notes = credit_notes.filtered(
                lambda m, p=policy: m.insurance_policy_id == p
            )
            if notes:
                policy.message_post(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Cancelled from %(date)s: the invoices of the instalments "
                        "due after it are credited (%(credit_notes)s).",
                        date=fields.Date.to_string(date),
                        credit_notes=", ".join(notes.mapped("name")),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    # ------------------------------------------------------------
    # DOCUMENTS
    # ------------------------------------------------------------

    def _insured_object_label(self):
        """The insured object in one line: the vehicle (plate, make, model),
        or else the first line of the object's description."""
        self.ensure_one()
        vehicle = " ".join(
            filter(None, [self.vehicle_plate, self.vehicle_make, self.vehicle_model])
        )
        description = (self.object_description or "").strip().splitlines()
        return vehicle or (description[0].strip() if description else "")

    def _contract_payment(self):
        """Whom the client of this policy pays its premium, and how: a dict
        with ``insurer_collects``, ``payee`` (the insurer's name, or the
        broker's), ``bank`` (res.partner.bank: the insurer's first account,
        or the one Odoo puts on the broker's invoices) and ``reference``
        (the policy number). The same as the premium invoice tells: the
        payment block of the policy confirmation (report/
        insurance_policy_contract_report.xml)."""
        self.ensure_one()
        insurer_collects = self.premium_collection == "insurer"
        if insurer_collects:
            payee = self.insurer_id
            banks = payee.bank_ids
        else:
            payee = self.company_id.partner_id
            # As account.move._compute_partner_bank_id chooses the account of
            # a customer invoice: the company's, trusted ones first.
            banks = payee.bank_ids.filtered(
                lambda bank: not bank.company_id or bank.company_id == self.company_id
            ).sorted(lambda bank: not bank.allow_out_payment)
        return {
            "insurer_collects": insurer_collects,
            "payee": payee.name or "",
            "bank": banks[:1],
            "reference": self.name or "",
        }
