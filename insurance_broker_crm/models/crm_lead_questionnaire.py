# crm.lead is extended by concern (the offer, the demands and needs, the
# documents, the renewal notice), each in its file, so that crm_lead.py
# stays the deal's fields and forwarding:
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

# The composer's context key saying the message it posts is the offer
# (as sale's ``mark_so_as_sent``).
MARK_OFFER_SENT = "insurance_mark_offer_sent"


class CrmLead(models.Model):
    """The client's demands and needs (Insurance Distribution Directive,
    art. 20), asked from the product's questionnaire before the offer, frozen
    with the offer sent and kept on the policy."""

    _inherit = "crm.lead"

    # The answers in force: those of the last offer sent, or being prepared.
    insurance_answer_ids = fields.One2many(
        "insurance.questionnaire.answer",
        "lead_id",
        string="Demands and Needs",
        domain=[("superseded", "=", False)],
    )
    insurance_answer_history_ids = fields.One2many(
        "insurance.questionnaire.answer",
        "lead_id",
        string="Answers Sent Earlier",
        domain=[("superseded", "=", True)],
        readonly=True,
    )
    insurance_questionnaire_complete = fields.Boolean(
        string="Demands and Needs Complete",
        compute="_compute_insurance_questionnaire",
        help="Every required question of the product is answered.",
    )
    insurance_questionnaire_missing = fields.Char(
        string="Unanswered Questions",
        compute="_compute_insurance_questionnaire",
    )
    insurance_questionnaire_frozen = fields.Boolean(
        string="Demands and Needs Sent",
        compute="_compute_insurance_questionnaire",
        help="The answers were sent with the offer and can no longer change.",
    )
    insurance_questionnaire_sent_date = fields.Datetime(
        string="Demands and Needs Sent On",
        compute="_compute_insurance_questionnaire",
    )

    @api.depends(
        "insurance_answer_ids.is_answered",
        "insurance_answer_ids.required",
        "insurance_answer_ids.frozen",
        "insurance_answer_ids.question_text",
    )
    def _compute_insurance_questionnaire(self):
        for lead in self:
            answers = lead.insurance_answer_ids
            missing = answers.filtered(
                lambda answer: answer.required and not answer.is_answered
            )
            lead.insurance_questionnaire_complete = not missing
            lead.insurance_questionnaire_missing = "; ".join(
                missing.mapped("question_text")
            )
            frozen = answers.filtered("frozen")
            lead.insurance_questionnaire_frozen = bool(frozen)
            lead.insurance_questionnaire_sent_date = max(
                frozen.mapped("offer_sent_date"), default=False
            )

    # ------------------------------------------------------------
    # THE QUESTIONS OF THE PRODUCT
    # ------------------------------------------------------------

    def _insurance_questionnaire_changes(self):
        """The commands bringing the deal's answers to its product's
        questionnaire: a line for each question not asked yet; the
        unanswered lines of another product's questions dropped. What the
        client answered stays: it is what they said, whatever the product."""
        self.ensure_one()
        Answer = self.env["insurance.questionnaire.answer"]
        answers = self.insurance_answer_ids
        questions = self.insurance_product_id.questionnaire_question_ids
        stale = answers.filtered(
            lambda answer: (
                not answer.frozen
                and not answer.is_answered
                and answer.question_id not in questions
            )
        )
        asked = answers.question_id
        lang = self.partner_id.lang or self.env.lang
        commands = [Command.delete(answer.id) for answer in stale]
        commands += [
            Command.create(
                dict(
                    Answer._values_from_question(question, self),
                    question_text=question.with_context(lang=lang).name,
                    lead_id=False,
                )
            )
            for question in questions
            if question not in asked
        ]
        return commands

    @api.onchange("insurance_product_id")
    def _onchange_insurance_product_questionnaire(self):
        for lead in self:
            commands = lead._insurance_questionnaire_changes()
            if commands:
                lead.insurance_answer_ids = commands

    def _insurance_load_questions(self):
        # Only where offers are made: a Fulfilment deal works on the answers
        # of the Sales deal it continues.
        for lead in self.filtered("insurance_makes_offers"):
            if lead.insurance_questionnaire_frozen:
                continue  # revised first (action_insurance_revise_answers)
            commands = lead._insurance_questionnaire_changes()
            if commands:
                lead.insurance_answer_ids = commands

    def action_insurance_load_questions(self):
        """The button "Load questions": the product's questions not asked yet
        (a question added to the product since)."""
        for lead in self:
            if lead.insurance_questionnaire_frozen:
                raise UserError(
                    self.env._(
                        "The demands and needs of %s were sent with the offer: "
                        "revise the answers first.",
                        lead.display_name,
                    )
                )
            if not lead.insurance_product_id:
                raise UserError(
                    self.env._(
                        "%s has no insurance product: set it to load its questions.",
                        lead.display_name,
                    )
                )
        self._insurance_load_questions()
        return True

    def action_insurance_revise_answers(self):
        """After an offer was sent: answer again for a new offer. The answers
        sent are kept as they were (the record of that offer); new answers,
        copied from them, are edited and go with the next offer."""
        for lead in self:
            sent = lead.insurance_answer_ids.filtered("frozen")
            if not sent:
                continue
            copies = [
                Command.create(
                    answer.copy_data({"lead_id": False})[0]
                    | {"number_answered": answer.number_answered}
                )
                for answer in sent
            ]
            sent.write({"superseded": True})
            lead.insurance_answer_ids = copies
            lead._insurance_load_questions()
            lead.message_post(
                body=self.env._(
                    "The demands and needs sent with the offer are being revised "
                    "for a new offer; those sent are kept."
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered("insurance_product_id")._insurance_load_questions()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if vals.get("insurance_product_id"):
            self._insurance_load_questions()
        return result

    # ------------------------------------------------------------
    # THE OFFER
    # ------------------------------------------------------------

    def _check_offer(self, send=False):
        res = super()._check_offer(send=send)
        if send:
            self._insurance_check_questionnaire()
        return res

    def _insurance_check_questionnaire(self):
        """An offer is sent only on complete demands and needs, when the
        company requires it."""
        for lead in self:
            company = lead.company_id or self.env.company
            if not company.insurance_questionnaire_required:
                continue
            if not lead.insurance_questionnaire_complete:
                raise UserError(
                    self.env._(
                        "The offer of %(deal)s cannot be sent before the client's "
                        "demands and needs are complete. Answer in the Demands "
                        "and Needs tab: %(missing)s",
                        deal=lead.display_name,
                        missing=lead.insurance_questionnaire_missing,
                    )
                )

    def action_send_offer(self):
        action = super().action_send_offer()
        action["context"] = dict(action.get("context") or {}, **{MARK_OFFER_SENT: True})
        return action

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        if self.env.context.get(MARK_OFFER_SENT):
            # Checked again: the answers may have changed since the composer
            # opened. Nothing is posted on incomplete answers.
            self._insurance_check_questionnaire()
            self._insurance_freeze_answers()
        return super().message_post(**kwargs)

    def _insurance_freeze_answers(self):
        """The offer is sent: its answers become the record of what the
        client said, the question in the client's words."""
        now = fields.Datetime.now()
        for lead in self:
            lang = lead.partner_id.lang or self.env.lang
            for answer in lead.insurance_answer_ids.filtered(
                lambda answer: not answer.frozen
            ):
                values = {"frozen": True, "offer_sent_date": now}
                if answer.question_id:
                    values["question_text"] = answer.question_id.with_context(
                        lang=lang
                    ).name
                answer.write(values)

    # ------------------------------------------------------------
    # THE POLICY KEEPS THEM
    # ------------------------------------------------------------

    def _insurance_answer_source(self):
        """The deal of the chain whose answers the policy keeps: this one,
        or the nearest deal it continues that has answers (the Sales deal a
        Fulfilment deal continues)."""
        self.ensure_one()
        # sudo: the deal chain is the pipeline's; a logistician delivering
        # may not read the salesperson's deal. Only the answers are taken.
        lead = self.sudo()
        seen = set()
        while lead and lead.id not in seen:
            seen.add(lead.id)
            if lead.insurance_answer_ids:
                return lead
            lead = lead.origin_lead_id
        return lead.browse()

    def _ensure_policy(self):
        policy = super()._ensure_policy()
        source = self._insurance_answer_source()
        answers = source.insurance_answer_ids.filtered(
            lambda answer: not answer.policy_id
        )
        if answers and policy:
            # sudo (from _insurance_answer_source): the policy keeps the
            # answers of its own deal, whoever delivers.
            answers.write({"policy_id": policy.id})
        return policy
