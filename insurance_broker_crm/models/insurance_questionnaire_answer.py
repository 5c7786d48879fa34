from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.insurance_broker.models.insurance_questionnaire_question import (
    ANSWER_TYPES,
)

# What may still be written on an answer sent with an offer: the policy it is
# kept on, and that a revision replaced it. The question and the answer never.
FROZEN_WRITABLE = frozenset({"policy_id", "superseded"})


class InsuranceQuestionnaireAnswer(models.Model):
    """The client's answer to a demands and needs question, on the deal.

    Editable until the offer is sent; sent, it is frozen: the record of what
    the client said when the offer was made. Revising after an offer copies
    the frozen answers into new ones to edit; the frozen ones stay, replaced
    (``superseded``), and the policy keeps the answers of the last offer."""

    _name = "insurance.questionnaire.answer"
    _description = "Demands and Needs Answer"
    _order = "lead_id, superseded, sequence, id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead",
        string="Deal",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    policy_id = fields.Many2one(
        "insurance.policy",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        check_company=True,
        help="The policy issued from the deal, which keeps these answers.",
    )
    question_id = fields.Many2one(
        "insurance.questionnaire.question",
        string="Product's Question",
        ondelete="set null",
        readonly=True,
        index=True,
    )
    sequence = fields.Integer(default=10)
    question_text = fields.Char(
        string="Question",
        readonly=True,
        help="The question as it was asked, kept when the product's question changes.",
    )
    answer_type = fields.Selection(ANSWER_TYPES, required=True, readonly=True)
    required = fields.Boolean(readonly=True)
    value_yes_no = fields.Selection([("yes", "Yes"), ("no", "No")], string="Yes/No")
    option_id = fields.Many2one(
        "insurance.questionnaire.option",
        string="Choice",
        ondelete="restrict",
        domain="[('question_id', '=', question_id)]",
    )
    value_number = fields.Float(string="Numeric Answer")
    value_text = fields.Text(string="Text")
    # A number answered 0 is an answer: whether one was given is kept apart
    # (set when the number is written).
    number_answered = fields.Boolean(readonly=True)
    answer_display = fields.Char(
        string="Answer", compute="_compute_answer_display", store=True
    )
    is_answered = fields.Boolean(
        string="Answered", compute="_compute_answer_display", store=True
    )
    frozen = fields.Boolean(
        readonly=True,
        copy=False,
        help="Sent with an offer: the answer is the record of what the client "
        "said and cannot change. Revise the answers to make a new offer.",
    )
    offer_sent_date = fields.Datetime(
        string="Sent with Offer", readonly=True, copy=False
    )
    superseded = fields.Boolean(
        string="Replaced by a Revision",
        readonly=True,
        copy=False,
        help="Sent with an earlier offer and revised since.",
    )

    @api.depends(
        "answer_type",
        "value_yes_no",
        "option_id.name",
        "value_number",
        "number_answered",
        "value_text",
    )
    def _compute_answer_display(self):
        yes_no = dict(self._fields["value_yes_no"]._description_selection(self.env))
        for answer in self:
            kind = answer.answer_type
            if kind == "yes_no":
                display = yes_no.get(answer.value_yes_no) or ""
            elif kind == "choice":
                display = answer.option_id.name or ""
            elif kind == "number":
                display = f"{answer.value_number:g}" if answer.number_answered else ""
            else:
                display = (answer.value_text or "").strip()
            answer.answer_display = display
            answer.is_answered = bool(display)

    @api.model
    def _values_from_question(self, question, lead):
        return {
            "lead_id": lead.id,
            "question_id": question.id,
            "sequence": question.sequence,
            "question_text": question.name,
            "answer_type": question.answer_type,
            "required": question.required,
        }

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("frozen"):
                raise UserError(
                    self.env._("An answer is frozen only when its offer is sent.")
                )
            question = self.env["insurance.questionnaire.question"].browse(
                vals.get("question_id") or []
            )
            if question:
                # The question as asked: its text in the client's words is
                # taken in the deal's language by the caller if it wants.
                vals.setdefault("question_text", question.name)
                vals.setdefault("answer_type", question.answer_type)
                vals.setdefault("required", question.required)
                vals.setdefault("sequence", question.sequence)
            if vals.get("value_number"):
                vals["number_answered"] = True
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - FROZEN_WRITABLE:
            self._check_not_frozen()
        if "value_number" in vals and "number_answered" not in vals:
            vals = dict(vals, number_answered=True)
        return super().write(vals)

    def unlink(self):
        self._check_not_frozen()
        return super().unlink()

    def _check_not_frozen(self):
        frozen = self.filtered("frozen")
        if frozen:
            raise UserError(
                self.env._(
                    "The demands and needs of %(deal)s were sent with the offer "
                    "of %(date)s and cannot be changed: they are the record of "
                    "what the client said. Use “Revise answers” on the deal to "
                    "answer again for a new offer.",
                    deal=frozen[0].lead_id.display_name,
                    date=fields.Datetime.to_string(
                        fields.Datetime.context_timestamp(
                            self, frozen[0].offer_sent_date
                        )
                    )
                    if frozen[0].offer_sent_date
                    else "",
                )
            )
