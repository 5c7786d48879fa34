# crm.lead is extended by concern (the offer, the demands and needs, the
# documents, the renewal notice), each in its file, so that crm_lead.py
# stays the deal's fields and forwarding:
# pylint: disable=consider-merging-classes-inherited
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.insurance_broker.models.insurance_policy import installment_plan
from odoo.addons.insurance_broker.tools.composer import composer_action


class CrmLead(models.Model):
    """What makes the offer client-ready: the advice explained (IDD art. 20),
    the payment schedule of the recommended quote, the offer's date and
    validity."""

    _inherit = "crm.lead"

    insurance_recommendation = fields.Text(
        string="Why we recommend it",
        help="Why the chosen quote suits the client's needs, in the client's "
        "language: printed on the offer under the comparison. Required to send "
        "an offer recommending a quote.",
    )
    # The policy's selection, labels translated: the deal's frequency becomes
    # its policy's.
    insurance_payment_frequency = fields.Selection(
        selection=lambda self: (
            self.env["insurance.policy"]
            ._fields["payment_frequency"]
            ._description_selection(self.env)
        ),
        string="Payment Frequency",
        default="single",
        help="How the client pays the premium: the offer prints the instalments "
        "of the recommended quote, and the policy issued from this deal plans "
        "them.",
    )

    def _prepare_continuation_values(self, stage):
        # The recommendation is the advice of this deal's offer: a later
        # offer (the renewal's) explains its own.
        vals = super()._prepare_continuation_values(stage)
        vals["insurance_payment_frequency"] = self.insurance_payment_frequency
        return vals

    def _check_offer(self, send=False):
        """An offer compares quotes and is addressed to a client; sending it
        also needs the client's e-mail address, and, when it recommends a
        quote, the reason why: the broker's advice must be explained to the
        client (IDD art. 20)."""
        for lead in self:
            if not lead.quote_ids:
                raise UserError(
                    self.env._(
                        "%s has no quotes: add the insurers' quotes before "
                        "making an offer.",
                        lead.display_name,
                    )
                )
            if not lead.partner_id:
                raise UserError(
                    self.env._(
                        "%s has no client: set the client the offer is for.",
                        lead.display_name,
                    )
                )
            if not send:
                continue
            if not lead.partner_id.email:
                raise UserError(
                    self.env._(
                        "The client %(client)s of %(lead)s has no e-mail address: "
                        "add it before sending the offer.",
                        client=lead.partner_id.display_name,
                        lead=lead.display_name,
                    )
                )
            if (
                lead.chosen_quote_id
                and not (lead.insurance_recommendation or "").strip()
            ):
                raise UserError(
                    self.env._(
                        "The offer of %(lead)s recommends %(insurer)s: write "
                        "why in “Why we recommend it” on the Quotes tab "
                        "before sending it, as the client must be told the "
                        "reasons for the advice.",
                        lead=lead.display_name,
                        insurer=lead.chosen_quote_id.insurer_id.display_name,
                    )
                )

    def action_send_offer(self):
        """Open the composer with the offer template, its PDF attached, as
        Sales does for a quotation."""
        self.ensure_one()
        self._check_offer(send=True)
        return composer_action(
            self,
            self.env._("Send Offer"),
            "insurance_broker_crm.mail_template_insurance_offer",
        )

    def action_print_offer(self):
        self._check_offer()
        return self.env.ref(
            "insurance_broker_crm.action_report_insurance_offer"
        ).report_action(self)

    # ------------------------------------------------------------
    # WHAT THE OFFER PRINTS
    # ------------------------------------------------------------

    def _insurance_offer_date(self):
        """The offer's date: the day it is printed or sent, in the user's
        time zone."""
        return fields.Date.context_today(self)

    def _insurance_offer_valid_until(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        return self._insurance_offer_date() + relativedelta(
            days=company.insurance_offer_validity_days
        )

    def _insurance_offer_installments(self):
        """[(due date, amount)] the client would pay for the chosen quote:
        the plan its policy would get (see ``_ensure_policy``), the same
        computation as the policy's instalments."""
        self.ensure_one()
        quote = self.chosen_quote_id
        if not quote:
            return []
        return installment_plan(
            self.insurance_date_start or self._insurance_offer_date(),
            self.insurance_term_months or 12,
            self.insurance_payment_frequency or "single",
            quote.premium,
            quote.currency_id.decimal_places,
        )
