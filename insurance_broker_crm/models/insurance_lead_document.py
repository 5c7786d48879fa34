from odoo import api, fields, models
from odoo.exceptions import ValidationError


class InsuranceLeadDocument(models.Model):
    """A document of the deal's checklist, made from the required documents
    of its product, with the files received for it.

    A document is received when a file is attached to it, or when someone
    ticks "Received on Paper": brokers often see the originals (a driving
    licence shown at the desk, a paper kept in the client's folder) and have
    nothing to upload."""

    _name = "insurance.lead.document"
    _description = "Deal Document"
    _order = "lead_id, sequence, id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead",
        string="Deal",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    document_type_id = fields.Many2one(
        "insurance.document.type",
        string="Document",
        required=True,
        ondelete="restrict",
    )
    sequence = fields.Integer(related="document_type_id.sequence", store=True)
    required = fields.Boolean(
        default=True,
        help="The deal cannot be typed or issued while a required document is "
        "missing. The documents of the deal's product are required.",
    )
    received_manually = fields.Boolean(
        string="Received on Paper",
        help="The original was seen, or a paper copy is kept at the office: "
        "received without a file.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "insurance_lead_document_attachment_rel",
        "document_id",
        "attachment_id",
        string="Files",
        domain="[('res_model', '=', 'crm.lead'), ('res_id', '=', lead_id)]",
        help="The files received for this document, attached to the deal.",
    )
    state = fields.Selection(
        [("missing", "Missing"), ("received", "Received")],
        compute="_compute_state",
        store=True,
        help="Received once a file is attached or it is received on paper.",
    )

    _sql_constraints = [
        (
            "lead_document_type_uniq",
            "unique(lead_id, document_type_id)",
            "A deal lists each document once.",
        ),
    ]

    @api.depends("attachment_ids", "received_manually")
    def _compute_state(self):
        for document in self:
            received = document.received_manually or document.attachment_ids
            document.state = "received" if received else "missing"

    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        documents._attach_files_to_deal()
        return documents

    def write(self, vals):
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._attach_files_to_deal()
        return result

    def _attach_files_to_deal(self):
        """Attach the files of these documents to their deal: a file uploaded
        into the checklist (the form's upload button creates it on the
        document line, or on no record yet) then shows among the deal's
        attachments in its chatter, and is read with the deal's rights. A
        file of another record cannot be listed. Done with the user's rights:
        only files the user may change move."""
        for document in self:
            lead = document.lead_id
            uploaded = document.attachment_ids.filtered(
                lambda file: file.res_model in (False, self._name)
            )
            if uploaded:
                uploaded.write({"res_model": lead._name, "res_id": lead.id})
            others = document.attachment_ids - uploaded
            foreign = others.filtered(
                lambda file, lead=lead: (
                    file.res_model != lead._name or file.res_id != lead.id
                )
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "The file %(file)s is attached to another record: a "
                        "document of %(lead)s lists the files of that deal, or "
                        "files uploaded into its checklist.",
                        file=foreign[0].name,
                        lead=lead.display_name,
                    )
                )
