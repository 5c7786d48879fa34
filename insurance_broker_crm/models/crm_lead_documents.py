# crm.lead is extended by concern (the offer, the demands and needs, the
# documents, the renewal notice), each in its file, so that crm_lead.py
# stays the deal's fields and forwarding:
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    """The deal's checklist of documents (insurance.lead.document): made from
    its product's required documents, filled in while collecting documents in
    Sales, handed over with the deal to Fulfilment, and required to enter the
    stages that need the documents (Typing, Issued)."""

    _inherit = "crm.lead"

    insurance_document_ids = fields.One2many(
        "insurance.lead.document", "lead_id", string="Documents"
    )
    insurance_documents_summary = fields.Char(
        string="Documents Received",
        compute="_compute_insurance_documents_summary",
    )

    @api.depends("insurance_document_ids.state", "insurance_document_ids.required")
    def _compute_insurance_documents_summary(self):
        for lead in self:
            required = lead.insurance_document_ids.filtered("required")
            received = required.filtered(lambda document: document.state == "received")
            lead.insurance_documents_summary = (
                self.env._(
                    "%(received)s of %(required)s required documents received",
                    received=len(received),
                    required=len(required),
                )
                if required
                else False
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered("insurance_product_id")._insurance_sync_documents()
        return leads

    def write(self, vals):
        stage = self.env["crm.stage"].browse(vals.get("stage_id") or [])
        if stage.insurance_requires_documents:
            # The documents (and the product) saved with the move count: the
            # form saves the ticked lines and the new stage in one write.
            first = {
                name: vals[name]
                for name in ("insurance_product_id", "insurance_document_ids")
                if name in vals
            }
            if first:
                self.write(first)
                vals = {name: vals[name] for name in vals if name not in first}
            self._check_documents_collected(stage)
        result = super().write(vals)
        if "insurance_product_id" in vals:
            self._insurance_sync_documents()
        return result

    # ------------------------------------------------------------
    # THE CHECKLIST
    # ------------------------------------------------------------

    def _insurance_sync_documents(self):
        """Make each deal's checklist follow its product: the documents the
        product requires and the deal lacks are added; those it no longer
        requires are dropped if nothing was received for them, else kept as
        not required. What was received is never deleted."""
        Document = self.env["insurance.lead.document"]
        new_documents = []
        for lead in self:
            # sudo: the product's configuration is read to build the
            # checklist; fulfilment staff, who need not be insurance users,
            # may not read insurance products.
            types = lead.insurance_product_id.sudo().required_document_type_ids
            documents = lead.insurance_document_ids
            listed = documents.document_type_id
            new_documents += [
                {"lead_id": lead.id, "document_type_id": type_id, "required": True}
                for type_id in (types - listed).ids
            ]
            documents.filtered(
                lambda document, types=types: (
                    not document.required and document.document_type_id.id in types.ids
                )
            ).required = True
            dropped = documents.filtered(
                lambda document, types=types: (
                    document.required and document.document_type_id.id not in types.ids
                )
            )
            kept = dropped.filtered(lambda document: document.state == "received")
            kept.required = False
            (dropped - kept).unlink()
        if new_documents:
            Document.create(new_documents)

    def _insurance_missing_documents(self):
        """The required documents of the deal not received yet."""
        self.ensure_one()
        return self.insurance_document_ids.filtered(
            lambda document: document.required and document.state == "missing"
        )

    def _check_documents_collected(self, stage):
        """Refuse to move these deals into ``stage``, a stage requiring the
        collected documents, while one of them misses a required document;
        the message names the deals and their missing documents."""
        missing = {}
        for lead in self.filtered(lambda lead: lead.stage_id != stage):
            documents = lead._insurance_missing_documents()
            if documents:
                missing[lead] = ", ".join(documents.document_type_id.mapped("name"))
        if not missing:
            return
        if len(missing) == 1:
            [(lead, names)] = missing.items()
            raise UserError(
                self.env._(
                    "Collect these documents before moving %(lead)s to "
                    "%(stage)s: %(documents)s.",
                    lead=lead.display_name,
                    stage=stage.name,
                    documents=names,
                )
            )
        raise UserError(
            self.env._(
                "Collect the missing documents before moving these deals to "
                "%(stage)s:\n%(deals)s",
                stage=stage.name,
                deals="\n".join(
                    self.env._(
                        "- %(lead)s: %(documents)s",
                        lead=lead.display_name,
                        documents=names,
                    )
                    for lead, names in missing.items()
                ),
            )
        )

    # ------------------------------------------------------------
    # HAND-OVER
    # ------------------------------------------------------------

    def _continue_in_fulfilment(self):
        """The Fulfilment deal gets the checklist as collected in Sales: the
        same documents, received or not, each with a copy of its files
        (attached to the Fulfilment deal, where the logistician and the
        typist work; a copy shares the stored file, it takes no space)."""
        stage = self._insurance_stage("fulfilment_new")
        handed_before = self._continuation_in(stage)
        lead = super()._continue_in_fulfilment()
        if not handed_before and lead:
            self._insurance_hand_documents_to(lead)
        return lead

    def _insurance_hand_documents_to(self, lead):
        self.ensure_one()
        # sudo: the Fulfilment deal belongs to the logistician, whom a
        # salesperson limited to their own deals may not change (as in
        # _continue); only this deal's own checklist and files are copied.
        target = lead.sudo()
        listed = {
            document.document_type_id: document
            for document in target.insurance_document_ids
        }
        Document = target.env["insurance.lead.document"]
        for source in self.sudo().insurance_document_ids:
            files = [
                file.copy({"res_model": target._name, "res_id": target.id}).id
                for file in source.attachment_ids
            ]
            values = {
                "required": source.required,
                "received_manually": source.received_manually,
                "attachment_ids": [Command.set(files)],
            }
            document = listed.get(source.document_type_id)
            if document:
                document.write(values)
            else:
                Document.create(
                    dict(
                        values,
                        lead_id=target.id,
                        document_type_id=source.document_type_id.id,
                    )
                )
