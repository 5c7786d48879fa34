# crm.lead is extended by concern (the offer, the demands and needs, the
# documents, the renewal notice), each in its file, so that crm_lead.py
# stays the deal's fields and forwarding:
# pylint: disable=consider-merging-classes-inherited
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.insurance_broker.tools.composer import composer_action

from .crm_lead import RENEWAL_OPEN_CODES

RENEWAL_NOTICE_REPORT = "insurance_broker_crm.action_report_insurance_renewal_notice"
RENEWAL_NOTICE_TEMPLATE = "insurance_broker_crm.mail_template_insurance_renewal_notice"


class CrmLead(models.Model):
    """The renewal notice: before the policy of an open renewal deal ends,
    the client is told what they are covered for, what the broker offers
    (the deal's quotes) or that their cover is to be reviewed, and by when to
    answer."""

    _inherit = "crm.lead"

    insurance_renewal_answer_by = fields.Date(
        string="Answer Renewal By",
        compute="_compute_insurance_renewal_answer_by",
        help="The date the renewal notice asks the client to answer by: the "
        "policy's end date less the company's days to answer (Settings). When "
        "that date has passed, the day before the policy ends (today at the "
        "latest), the last day a new cover can still be arranged to follow "
        "the current one.",
    )
    insurance_renewal_notice_sent = fields.Datetime(
        string="Renewal Notice Sent",
        copy=False,
        readonly=True,
        help="When the renewal notice was last e-mailed to the client.",
    )
    insurance_renewal_notice_ready = fields.Boolean(
        string="Sends Renewal Notice",
        compute="_compute_insurance_renewal_notice_ready",
        help="An open renewal deal with the policy it renews.",
    )
    # What the notice's e-mail names. Related fields are read with superuser
    # rights, as the deal's other policy fields (crm_lead.py): whoever works
    # the renewal need not be an insurance user.
    insurance_policy_name = fields.Char(
        related="policy_id.name", string="Number of the Policy to Renew"
    )

    @api.depends("policy_id.date_end", "company_id.insurance_renewal_answer_days")
    def _compute_insurance_renewal_answer_by(self):
        today = fields.Date.context_today(self)
        for lead in self:
            # sudo through the related field: the policy's end date only.
            date_end = lead.insurance_policy_date_end
            if not date_end:
                lead.insurance_renewal_answer_by = False
                continue
            days = (lead.company_id or self.env.company).insurance_renewal_answer_days
            answer_by = date_end - relativedelta(days=days)
            if answer_by < today:
                # Too late for the usual delay: the client still has until
                # the day before the end, never a date already past.
                answer_by = max(date_end - relativedelta(days=1), today)
            lead.insurance_renewal_answer_by = answer_by

    @api.depends("stage_id.insurance_stage_code", "policy_id")
    def _compute_insurance_renewal_notice_ready(self):
        for lead in self:
            lead.insurance_renewal_notice_ready = bool(
                lead.policy_id
                and lead.stage_id.insurance_stage_code in RENEWAL_OPEN_CODES
            )

    # ------------------------------------------------------------
    # RENEWAL NOTICE
    # ------------------------------------------------------------

    def _check_renewal_notice(self, send=False):
        """A renewal notice is written on an open renewal deal, about its
        policy, to its client; sending it also needs the client's e-mail
        address."""
        for lead in self:
            if lead.stage_id.insurance_stage_code not in RENEWAL_OPEN_CODES:
                raise UserError(
                    self.env._(
                        "%s is not an open deal of the Renewal pipeline: a renewal "
                        "notice is sent only for a policy still to renew.",
                        lead.display_name,
                    )
                )
            if not lead.policy_id:
                raise UserError(
                    self.env._(
                        "%s has no policy: link the policy to renew before sending "
                        "the renewal notice.",
                        lead.display_name,
                    )
                )
            if not lead.partner_id:
                raise UserError(
                    self.env._(
                        "%s has no client: set the client the renewal notice is for.",
                        lead.display_name,
                    )
                )
            if send and not lead.partner_id.email:
                raise UserError(
                    self.env._(
                        "The client %(client)s of %(lead)s has no e-mail address: "
                        "add it before sending the renewal notice.",
                        client=lead.partner_id.display_name,
                        lead=lead.display_name,
                    )
                )

    def action_send_renewal_notice(self):
        """Open the composer with the renewal notice template, its PDF
        attached; sending it records when (insurance_renewal_notice_sent)."""
        self.ensure_one()
        self._check_renewal_notice(send=True)
        return composer_action(
            self,
            self.env._("Send Renewal Notice"),
            RENEWAL_NOTICE_TEMPLATE,
            insurance_mark_renewal_notice_sent=True,
        )

    def action_print_renewal_notice(self):
        self._check_renewal_notice()
        return self.env.ref(RENEWAL_NOTICE_REPORT).report_action(self)

    def message_post(self, **kwargs):
        """Posted from the renewal notice's composer: the notice is sent (as
        sale marks a quotation sent)."""
        message = super().message_post(**kwargs)
        if self.env.context.get("insurance_mark_renewal_notice_sent"):
            self.filtered("insurance_renewal_notice_ready").write(
                {"insurance_renewal_notice_sent": fields.Datetime.now()}
            )
        return message


class ReportInsuranceRenewalNotice(models.AbstractModel):
    """The renewal notice's rendering: refused for a deal it does not fit,
    however it is printed (the form's button, the Print menu, the e-mail)."""

    _name = "report.insurance_broker_crm.report_insurance_renewal_notice"
    _description = "Renewal Notice"

    @api.model
    def _get_report_values(self, docids, data=None):
        # Read as the user printing: a deal they may not read is refused.
        docs = self.env["crm.lead"].browse(docids)
        docs._check_renewal_notice()
        return {
            "doc_ids": docids,
            "doc_model": "crm.lead",
            "docs": docs,
            # sudo: the notice shows the terms of each deal's own policy, as
            # the deal's related policy fields do, to whoever works the
            # renewal (who need not be an insurance user).
            "policies": {lead.id: lead.policy_id.sudo() for lead in docs},
        }
