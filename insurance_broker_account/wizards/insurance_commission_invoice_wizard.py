from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class InsuranceCommissionInvoiceWizard(models.TransientModel):
    """Invoice the insurers the commission earned in a period, or bill the
    premiums the broker collected for them: what the monthly run does, for
    the period and insurers the user chooses."""

    _name = "insurance.commission.invoice.wizard"
    _description = "Create Commission Invoices"
    _inherit = ["insurance.bounded.mixin"]

    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: self._default_date_to()
    )
    insurer_ids = fields.Many2many(
        "res.partner",
        string="Insurers",
        domain="[('is_insurer', '=', True)]",
        help="Leave empty for all insurers.",
    )
    document_type = fields.Selection(
        [
            ("commission", "Commission invoices (the insurer collects the premiums)"),
            ("insurer_bill", "Insurers' bills (the broker collects the premiums)"),
        ],
        string="Create",
        required=True,
        default="commission",
    )

    def _default_date_to(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)

    def _default_date_from(self):
        return self._default_date_to().replace(day=1)

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "date_from": "date",
            "date_to": "date",
        }

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The period must start before it ends.")
                )

    def action_create(self):
        """Create the documents of the period in the companies selected."""
        self.ensure_one()
        Line = self.env["insurance.commission.line"]
        create = (
            Line._create_commission_invoices
            if self.document_type == "commission"
            else Line._create_insurer_bills
        )
        moves = create(
            self.date_to,
            date_from=self.date_from,
            insurers=self.insurer_ids or None,
            companies=self.env.companies,
        )
        if not moves:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": (
                        self.env._(
                            "Nothing to invoice: every commission of the period "
                            "is already invoiced."
                        )
                        if self.document_type == "commission"
                        else self.env._(
                            "Nothing to bill: every premium paid in the period "
                            "is already billed by its insurer."
                        )
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
            if self.document_type == "commission"
            else "account.action_move_in_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"create": False}
        if len(moves) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = moves.id
        return action
