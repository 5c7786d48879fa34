from odoo import fields, models


class InsuranceQuestionnaireOption(models.Model):
    """An answer the client may choose for a question of type Choice."""

    _name = "insurance.questionnaire.option"
    _description = "Demands and Needs Answer Option"
    _order = "question_id, sequence, id"

    question_id = fields.Many2one(
        "insurance.questionnaire.question",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="question_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Option", required=True, translate=True)
