from odoo import api, models
from odoo.exceptions import UserError

from ..tools.composer import composer_action


class InsurancePolicy(models.Model):
    """The policy confirmation and brokerage contract: printed from the policy
    (report/insurance_policy_contract_report.xml) and sent to the client."""

    _inherit = "insurance.policy"

    def _contract_installment_rows(self):
        """The instalment schedule the contract prints: [(number, due date,
        amount)]. A confirmed policy's instalments; for a draft, printed to be
        signed before it is confirmed, the schedule its confirmation will
        create (see ``_installment_plan``), nothing being written."""
        self.ensure_one()
        if self.installment_ids:
            return [
                (installment.sequence, installment.date_due, installment.amount)
                for installment in self.installment_ids
            ]
        if self.state != "draft" or not self.date_start or self.term_months <= 0:
            return []
        return [
            (number, date_due, amount)
            for number, (date_due, amount) in enumerate(
                self._installment_plan(), start=1
            )
        ]

    def _check_contract_sendable(self):
        """The contract is sent to the client's e-mail address."""
        for policy in self:
            if not policy.partner_id.email:
                raise UserError(
                    self.env._(
                        "The client %(client)s of %(policy)s has no e-mail "
                        "address: add it before sending the policy confirmation.",
                        client=policy.partner_id.display_name,
                        policy=policy.display_name,
                    )
                )

    def action_print_contract(self):
        return self.env.ref(
            "insurance_broker.action_report_insurance_policy_contract"
        ).report_action(self)

    def action_send_contract(self):
        """Open the composer with the policy confirmation template, its PDF
        attached, in the client's language."""
        self.ensure_one()
        self._check_contract_sendable()
        return composer_action(
            self,
            self.env._("Send Policy Confirmation"),
            "insurance_broker.mail_template_insurance_policy_contract",
            # The sender's signature: a policy has no salesperson field.
            layout="mail.mail_notification_layout",
        )


class ReportInsurancePolicyContract(models.AbstractModel):
    """The policy confirmation prints the policies its user may read: a
    policy out of reach is refused with Odoo's access error, before the
    template is rendered (which would wrap it in a template error)."""

    _name = "report.insurance_broker.report_insurance_policy_contract"
    _description = "Policy Confirmation Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["insurance.policy"].browse(docids)
        docs.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "insurance.policy",
            "docs": docs,
            "data": data,
        }
