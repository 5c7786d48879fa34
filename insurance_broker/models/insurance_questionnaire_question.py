from odoo import api, fields, models
from odoo.exceptions import ValidationError

ANSWER_TYPES = [
    ("yes_no", "Yes/No"),
    ("choice", "Choice"),
    ("number", "Numeric"),
    ("text", "Text"),
]


class InsuranceQuestionnaireQuestion(models.Model):
    """A question of a product's demands and needs questionnaire (Insurance
    Distribution Directive, art. 20): asked of the client before the offer."""

    _name = "insurance.questionnaire.question"
    _description = "Demands and Needs Question"
    _order = "product_id, sequence, id"
    _check_company_auto = True

    product_id = fields.Many2one(
        "insurance.product",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="product_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Question", required=True, translate=True)
    help = fields.Text(
        translate=True,
        help="What the salesperson should know to ask the question well.",
    )
    answer_type = fields.Selection(ANSWER_TYPES, required=True, default="yes_no")
    option_ids = fields.One2many(
        "insurance.questionnaire.option",
        "question_id",
        string="Options",
        copy=True,
        help="The answers the client chooses from, for a question of type Choice.",
    )
    required = fields.Boolean(
        default=True,
        help="The offer cannot be sent before this question is answered, when "
        "the company requires complete demands and needs.",
    )
    active = fields.Boolean(default=True)

    @api.constrains("answer_type", "option_ids")
    def _check_options(self):
        for question in self:
            if question.answer_type == "choice" and not question.option_ids:
                raise ValidationError(
                    self.env._(
                        "The question “%s” is a choice: give it the options the "
                        "client chooses from.",
                        question.name,
                    )
                )
