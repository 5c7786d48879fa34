from odoo import fields, models

# The broker's pipelines and the stages the automations recognise, whatever
# name an administrator gives them.
INSURANCE_STAGE_CODES = [
    ("sales_gathering", "Sales: gathering information"),
    ("sales_waiting", "Sales: waiting for data"),
    ("sales_deciding", "Sales: deciding"),
    ("sales_documents", "Sales: collecting documents"),
    ("sales_handed", "Sales: handed to fulfilment"),
    ("sales_refused", "Sales: refused"),
    ("fulfilment_new", "Fulfilment: new"),
    ("fulfilment_typing", "Fulfilment: typing"),
    ("fulfilment_issued", "Fulfilment: issued"),
    ("fulfilment_retyping", "Fulfilment: re-typing"),
    ("fulfilment_refused", "Fulfilment: refused for fulfilment"),
    ("fulfilment_courier", "Fulfilment: courier delivery"),
    ("fulfilment_delivered", "Fulfilment: delivered"),
    ("fulfilment_delivery_refused", "Fulfilment: delivery refused"),
    ("renewal_year", "Renewal: over 6 months"),
    ("renewal_6_months", "Renewal: 6–3 months"),
    ("renewal_3_months", "Renewal: 3–1 months"),
    ("renewal_month", "Renewal: last month"),
    ("renewal_take", "Renewal: take into work"),
    ("renewal_renewed", "Renewal: renewed"),
    ("renewal_refused", "Renewal: client refused"),
    ("lost_win_back", "Lost: to win back"),
]


class CrmStage(models.Model):
    _inherit = "crm.stage"

    insurance_stage_code = fields.Selection(
        INSURANCE_STAGE_CODES,
        string="Insurance Role",
        index=True,
        copy=False,
        help="What this stage means to the broker's automations.",
    )
    required_field_ids = fields.Many2many(
        "ir.model.fields",
        string="Required to Enter",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True)]",
        help="A lead enters this stage only when these fields are filled in.",
    )
    leave_required_field_ids = fields.Many2many(
        "ir.model.fields",
        "crm_stage_leave_required_field_rel",
        "stage_id",
        "field_id",
        string="Required to Leave",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True)]",
        help="A lead leaves this stage, other than for a refusal or lost stage, "
        "only when these fields are filled in.",
    )
    insurance_requires_documents = fields.Boolean(
        string="Requires Collected Documents",
        help="A deal enters this stage only when every required document of "
        "its checklist is received (a file attached, or received on paper).",
    )
