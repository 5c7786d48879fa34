from odoo import api, fields, models

from .insurance_bounded_mixin import INTEGER, TERM_MONTHS

MOTOR_CATEGORIES = ("mtpl", "casco")


class InsuranceProduct(models.Model):
    """A class (line) of insurance the broker sells: MTPL, CASCO, property..."""

    _name = "insurance.product"
    _description = "Insurance Product"
    _inherit = ["insurance.bounded.mixin"]
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code used in reports and imports, e.g. MTPL.")
    sequence = fields.Integer(default=10)
    category = fields.Selection(
        [
            ("mtpl", "Motor third-party liability (MTPL)"),
            ("casco", "Motor own damage (CASCO)"),
            ("property", "Property"),
            ("travel", "Travel"),
            ("life", "Life"),
            ("health", "Health"),
            ("liability", "Liability"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    is_motor = fields.Boolean(compute="_compute_is_motor")
    default_term_months = fields.Integer(
        string="Default Term (months)",
        default=12,
        help="Term proposed for new policies of this product.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Invoicing Product",
        domain="[('type', '=', 'service')]",
        check_company=True,
        help="Service product used on the invoice lines of this insurance product.",
    )
    required_document_type_ids = fields.Many2many(
        "insurance.document.type",
        string="Required Documents",
        help="Documents to collect before a policy of this product can be issued.",
    )
    insurer_ids = fields.Many2many(
        "res.partner",
        "insurance_product_insurer_rel",
        "product_id",
        "insurer_id",
        string="Insurers",
        domain="[('is_insurer', '=', True)]",
        check_company=True,
        help="Insurers that offer this product.",
    )
    questionnaire_question_ids = fields.One2many(
        "insurance.questionnaire.question",
        "product_id",
        string="Demands and Needs",
        copy=True,
        help="The questions asked of the client before an offer of this product "
        "(Insurance Distribution Directive, art. 20).",
    )
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the product between companies.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The product code must be unique per company.",
        ),
        (
            "default_term_positive",
            "CHECK(default_term_months > 0)",
            "The default term must be at least one month.",
        ),
    ]

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "sequence": INTEGER,
            "default_term_months": TERM_MONTHS,
        }

    @api.depends("category")
    def _compute_is_motor(self):
        for product in self:
            product.is_motor = product.category in MOTOR_CATEGORIES
