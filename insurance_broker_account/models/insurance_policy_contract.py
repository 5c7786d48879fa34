from odoo import models


class InsurancePolicy(models.Model):
    """The payment instructions of the policy confirmation and brokerage
    contract (report/insurance_policy_contract_report.xml): whom the client
    pays, by who collects the premium."""

    _inherit = "insurance.policy"

    def _contract_payment(self):
        """Whom the client of this policy pays its premium, and how: a dict
        with ``insurer_collects``, ``payee`` (the insurer's name, or the
        broker's), ``bank`` (res.partner.bank: the insurer's first account,
        or the one Odoo puts on the broker's invoices) and ``reference``
        (the policy number). The same as the premium invoice tells."""
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
