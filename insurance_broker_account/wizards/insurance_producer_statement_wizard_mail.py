from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date, format_list


class InsuranceProducerStatementWizard(models.TransientModel):
    """Each producer gets their own statement by e-mail."""

    _inherit = "insurance.producer.statement.wizard"

    # For the mail template, rendered on a wizard of one producer, in their
    # language: the period and what they are due.
    statement_period_label = fields.Char(
        string="Statement Period", compute="_compute_statement_mail_labels"
    )
    statement_amount_due_label = fields.Char(
        string="Statement Amount Due", compute="_compute_statement_mail_labels"
    )

    @api.depends("date_from", "date_to", "company_id", "user_ids")
    @api.depends_context("lang")
    def _compute_statement_mail_labels(self):
        for wizard in self:
            wizard.statement_period_label = wizard._statement_period_label()
            wizard.statement_amount_due_label = False
            if len(wizard.user_ids) != 1 or not (wizard.date_from and wizard.date_to):
                continue
            # Only the one producer of the wizard: never another's figures.
            totals = wizard._get_producer_statements()[0]["totals"]
            wizard.statement_amount_due_label = format_list(
                self.env,
                [
                    format_amount(self.env, total["amount_due"], total["currency"])
                    for total in totals
                ],
            )

    def _statement_period_label(self):
        """The period as "March 2026" for a calendar month, else as
        "01/03/2026 – 15/03/2026", in the language of the environment."""
        self.ensure_one()
        if not (self.date_from and self.date_to):
            return False
        month_end = self.date_from + relativedelta(day=31)
        if self.date_from.day == 1 and self.date_to == month_end:
            # LLLL: the month's name on its own ("kovas", not "kovo").
            return format_date(self.env, self.date_from, date_format="LLLL y")
        return "%s – %s" % (  # noqa: UP031
            format_date(self.env, self.date_from),
            format_date(self.env, self.date_to),
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send_mail(self):
        """Queue a mail to each producer with their own statement attached.

        The template is rendered on a wizard of that producer alone, so that
        its PDF holds their statement only, in their language. The mail is
        linked to no record: posted on the producer's contact, the statement
        would be read by everyone who reads contacts; unlinked, only its
        sender and the administrators read it (Settings › Technical ›
        Emails), and it is kept after sending as the record of what was sent.
        """
        self._check_options()
        without_email = self.user_ids.filtered(lambda user: not user.partner_id.email)
        if without_email:
            raise UserError(
                self.env._(
                    "These producers have no e-mail address: %(producers)s. "
                    "Add one to their user, or leave them out, before sending "
                    "the statements.",
                    producers=format_list(
                        self.env, without_email.sorted("name").mapped("name")
                    ),
                )
            )
        template = self.env.ref(
            "insurance_broker_account.mail_template_insurance_producer_statement"
        )
        mails = self.env["mail.mail"]
        for wizard in self:
            producers = wizard.user_ids.sorted(lambda user: (user.name or "", user.id))
            for producer in producers:
                single = self.create(
                    {
                        "date_from": wizard.date_from,
                        "date_to": wizard.date_to,
                        "company_id": wizard.company_id.id,
                        "user_ids": [Command.set(producer.ids)],
                    }
                )
                mails |= template.send_mail_batch(
                    single.ids,
                    force_send=False,
                    email_values={"model": False, "res_id": False},
                )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s statements are queued for sending.",
                    count=len(mails),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
