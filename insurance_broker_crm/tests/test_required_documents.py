import base64

from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestRequiredDocuments(InsuranceCrmCommon):
    """The documents of the deal's product become its checklist: collected in
    Sales, handed over with the deal, and required to type or issue it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.id_card = ref("insurance_broker.document_type_id_card")
        cls.licence = ref("insurance_broker.document_type_driving_licence")
        cls.registration = ref("insurance_broker.document_type_vehicle_registration")
        cls.deed = ref("insurance_broker.document_type_property_deed")
        cls.product_casco.required_document_type_ids = cls.id_card | cls.licence
        cls.product_property.required_document_type_ids = cls.id_card | cls.deed
        # The demo office's logistician (Sales: All Documents, no insurance
        # group) takes the handed-over deals, and the demo typist types them.
        cls.logistician = ref("insurance_broker_crm.user_logistician")
        cls.typist = ref("insurance_broker_crm.user_typist")
        cls.env.company.insurance_logistician_id = cls.logistician
        cls.deal = cls._sales_deal("CASCO for Rasa")

    @classmethod
    def _sales_deal(cls, name, user=None):
        deal = cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.client.id,
                "team_id": cls.team_sales.id,
                "stage_id": cls.stage["sales_documents"].id,
                "user_id": (user or cls.salesman).id,
                "insurance_product_id": cls.product_casco.id,
            }
        )
        cls.env["insurance.quote"].create(
            {"lead_id": deal.id, "insurer_id": cls.insurer_a.id, "premium": 900.0}
        ).action_choose()
        return deal

    def _hand_over(self, deal):
        deal.with_user(self.salesman).write(
            {"stage_id": self.stage["sales_handed"].id, "delivery_type": "courier"}
        )
        # Read back as the superuser: the salesperson does not see the
        # logistician's deal.
        return self.env["crm.lead"].browse(deal.id).continued_lead_ids

    def _line(self, deal, document_type):
        return deal.insurance_document_ids.filtered(
            lambda line: line.document_type_id == document_type
        )

    def _file(self, deal, user, name="scan.pdf", **values):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "raw": b"%PDF-1.4 scan of " + name.encode(),
                    "res_model": "crm.lead",
                    "res_id": deal.id,
                    **values,
                }
            )
        )

    def _to_typing(self, deal, user=None):
        deal.with_user(user or self.logistician).write(
            {
                "stage_id": self.stage["fulfilment_typing"].id,
                "typist_id": self.typist.id,
            }
        )

    # The checklist -----------------------------------------------------

    def test_checklist_made_from_the_product(self):
        lines = self.deal.insurance_document_ids
        self.assertEqual(lines.document_type_id, self.id_card | self.licence)
        self.assertTrue(all(lines.mapped("required")))
        self.assertEqual(set(lines.mapped("state")), {"missing"})
        self.assertEqual(
            self.deal.insurance_documents_summary,
            "0 of 2 required documents received",
        )

        # The salesperson ticks the licence seen at the desk, then the client
        # wants his house insured instead.
        deal = self.deal.with_user(self.salesman)
        self._line(deal, self.licence).received_manually = True
        self.assertEqual(
            deal.insurance_documents_summary, "1 of 2 required documents received"
        )
        deal.insurance_product_id = self.product_property
        self.assertEqual(
            deal.insurance_document_ids.document_type_id,
            self.id_card | self.licence | self.deed,
        )
        # What was received stays, no longer required; the rest follows the
        # new product.
        licence = self._line(deal, self.licence)
        self.assertFalse(licence.required)
        self.assertEqual(licence.state, "received")
        self.assertTrue(self._line(deal, self.deed).required)
        self.assertTrue(self._line(deal, self.id_card).required)
        self.assertEqual(
            deal.insurance_documents_summary, "0 of 2 required documents received"
        )
        # Back to CASCO: the licence is required again, the missing deed goes.
        deal.insurance_product_id = self.product_casco
        self.assertEqual(
            deal.insurance_document_ids.document_type_id, self.id_card | self.licence
        )
        self.assertTrue(self._line(deal, self.licence).required)

    def test_a_document_is_listed_once(self):
        with (
            self.assertRaises(UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["insurance.lead.document"].create(
                {"lead_id": self.deal.id, "document_type_id": self.id_card.id}
            )

    def test_uploading_into_the_checklist_attaches_the_file_to_the_deal(self):
        # The form's upload button creates the file on the checklist line (or
        # on no record for a line not saved yet), then links it.
        line = self._line(self.deal, self.licence).with_user(self.salesman)
        upload = (
            self.env["ir.attachment"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "licence.pdf",
                    "raw": b"%PDF-1.4 licence",
                    "res_model": "insurance.lead.document",
                    "res_id": line.id,
                }
            )
        )
        line.attachment_ids = [Command.link(upload.id)]
        self.assertEqual((upload.res_model, upload.res_id), ("crm.lead", self.deal.id))
        self.assertEqual(line.state, "received")
        # The deal's chatter lists it among the deal's attachments.
        self.assertIn(
            upload,
            self.env["ir.attachment"].search(
                [("res_model", "=", "crm.lead"), ("res_id", "=", self.deal.id)]
            ),
        )

    def test_a_file_of_another_record_is_refused(self):
        other_deal = self._sales_deal("CASCO for Petras")
        foreign = self._file(other_deal, self.salesman, "petras.pdf")
        line = self._line(self.deal, self.licence).with_user(self.salesman)
        with self.assertRaisesRegex(ValidationError, "petras.pdf"):
            line.attachment_ids = [Command.link(foreign.id)]
        self.assertEqual(self._line(self.deal, self.licence).state, "missing")
        self.assertEqual(foreign.res_id, other_deal.id)

    # The stages that need the documents --------------------------------

    def test_typing_refused_while_a_document_is_missing(self):
        fulfilment = self._hand_over(self.deal)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_new"])
        self.assertEqual(fulfilment.user_id, self.logistician)
        with self.assertRaisesRegex(
            UserError,
            "Collect these documents before moving CASCO for Rasa to Typing: "
            "Identity document of the policyholder, Driving licences of the "
            "drivers.",
        ):
            self._to_typing(fulfilment)
        # Nothing written: neither the stage nor the typist.
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_new"])
        self.assertFalse(fulfilment.typist_id)

        # The logistician sees the originals of the ID card and scans the
        # licences: then the deal is typed.
        fulfilment = fulfilment.with_user(self.logistician)
        self._line(fulfilment, self.id_card).received_manually = True
        with self.assertRaisesRegex(UserError, r"Typing: Driving licences[^,]*\.$"):
            self._to_typing(fulfilment)
        scan = self._file(fulfilment, self.logistician, "licences.pdf")
        self._line(fulfilment, self.licence).attachment_ids = [Command.link(scan.id)]
        self._to_typing(fulfilment)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_typing"])
        self.assertEqual(fulfilment.typist_id, self.typist)

    def test_documents_saved_with_the_move_count(self):
        """The form saves the ticked documents and the new stage together."""
        fulfilment = self._hand_over(self.deal).with_user(self.logistician)
        fulfilment.write(
            {
                "stage_id": self.stage["fulfilment_typing"].id,
                "typist_id": self.typist.id,
                "insurance_document_ids": [
                    Command.update(line.id, {"received_manually": True})
                    for line in fulfilment.insurance_document_ids
                ],
            }
        )
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_typing"])

    def test_issued_requires_the_documents_too(self):
        fulfilment = self._hand_over(self.deal).with_user(self.logistician)
        fulfilment.insurance_document_ids.received_manually = True
        self._to_typing(fulfilment)
        # A document un-ticked while typing (the copy was unreadable).
        self._line(fulfilment, self.licence).received_manually = False
        with self.assertRaisesRegex(UserError, "to Issued: Driving licences"):
            fulfilment.stage_id = self.stage["fulfilment_issued"]
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_typing"])

    def test_a_deal_without_required_documents_moves_freely(self):
        fulfilment = self._hand_over(self.deal)
        self._line(fulfilment, self.id_card).required = False
        self._line(fulfilment, self.licence).received_manually = True
        self._to_typing(fulfilment)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_typing"])

    def test_moving_several_deals_names_each(self):
        first = self._hand_over(self.deal)
        second = self._hand_over(self._sales_deal("CASCO for Petras"))
        ready = self._hand_over(self._sales_deal("CASCO for Ona"))
        ready.insurance_document_ids.received_manually = True
        self._line(second, self.id_card).received_manually = True
        deals = (first | second | ready).with_user(self.logistician)
        with self.assertRaises(UserError) as caught:
            deals.write(
                {
                    "stage_id": self.stage["fulfilment_typing"].id,
                    "typist_id": self.typist.id,
                }
            )
        message = str(caught.exception)
        self.assertIn("before moving these deals to Typing", message)
        self.assertIn(
            "CASCO for Rasa: Identity document of the policyholder, "
            "Driving licences of the drivers",
            message,
        )
        self.assertIn("CASCO for Petras: Driving licences of the drivers", message)
        self.assertNotIn("CASCO for Ona", message)
        self.assertEqual(
            set(deals.stage_id.mapped("insurance_stage_code")), {"fulfilment_new"}
        )

    # The hand-over ------------------------------------------------------

    def test_the_checklist_goes_to_fulfilment_with_its_files(self):
        deal = self.deal.with_user(self.salesman)
        self._line(deal, self.id_card).received_manually = True
        scan = self._file(deal, self.salesman, "licences.pdf")
        self._line(deal, self.licence).attachment_ids = [Command.link(scan.id)]
        extra = (
            self.env["insurance.lead.document"]
            .with_user(self.salesman)
            .create(
                {
                    "lead_id": deal.id,
                    "document_type_id": self.registration.id,
                    "required": False,
                }
            )
        )
        self.assertEqual(extra.state, "missing")

        fulfilment = self._hand_over(deal).with_user(self.logistician)
        lines = fulfilment.insurance_document_ids
        self.assertEqual(
            lines.document_type_id, self.id_card | self.licence | self.registration
        )
        self.assertTrue(self._line(fulfilment, self.id_card).received_manually)
        self.assertFalse(self._line(fulfilment, self.registration).required)
        licence = self._line(fulfilment, self.licence)
        self.assertEqual(licence.state, "received")
        # A copy attached to the Fulfilment deal, the same file; the
        # salesperson's stays on the sales deal.
        copy = licence.attachment_ids
        self.assertNotEqual(copy, scan)
        self.assertEqual((copy.res_model, copy.res_id), ("crm.lead", fulfilment.id))
        self.assertEqual(copy.name, "licences.pdf")
        self.assertEqual(copy.raw, scan.raw)
        self.assertEqual((scan.res_model, scan.res_id), ("crm.lead", self.deal.id))
        self.assertEqual(
            fulfilment.insurance_documents_summary,
            "2 of 2 required documents received",
        )
        # Typed straight away: everything was collected in Sales.
        self._to_typing(fulfilment)
        self.assertEqual(fulfilment.stage_id, self.stage["fulfilment_typing"])

    # Access -------------------------------------------------------------

    def test_salesperson_sees_the_checklist_of_their_own_deals_only(self):
        other = self._sales_deal("CASCO for Sara's client", user=self.salesman_2)
        Document = self.env["insurance.lead.document"].with_user(self.salesman)
        mine = Document.search([])
        self.assertEqual(mine.lead_id, self.deal)
        other_line = self._line(other, self.id_card).with_user(self.salesman)
        with self.assertRaises(AccessError):
            other_line.received_manually = True
        with self.assertRaises(AccessError):
            Document.create(
                {"lead_id": other.id, "document_type_id": self.registration.id}
            )
        self.assertFalse(self._line(other, self.id_card).received_manually)

    def test_a_reader_reads_but_changes_nothing(self):
        reader = new_test_user(
            self.env,
            login="documents_reader",
            groups="sales_team.group_sale_salesman,"
            "insurance_broker.group_insurance_reader",
        )
        other = self._sales_deal("CASCO for Sara's client", user=self.salesman_2)
        line = self._line(other, self.id_card).with_user(reader)
        self.assertEqual(line.state, "missing")
        self.assertEqual(line.document_type_id.name, self.id_card.name)
        with self.assertRaises(AccessError):
            line.received_manually = True

    def test_other_company_checklist_stays_hidden(self):
        other_deal = (
            self.env["crm.lead"]
            .with_company(self.other_company)
            .create(
                {
                    "name": "Deal of the other broker",
                    "type": "opportunity",
                    "team_id": False,
                    "company_id": self.other_company.id,
                }
            )
        )
        line = self.env["insurance.lead.document"].create(
            {"lead_id": other_deal.id, "document_type_id": self.id_card.id}
        )
        Document = self.env["insurance.lead.document"].with_user(self.logistician)
        self.assertFalse(Document.search([("id", "=", line.id)]))
        with self.assertRaises(AccessError):
            line.with_user(self.logistician).read(["state"])

    def test_the_product_document_setup_is_no_sales_business(self):
        """Sales users read the document types of the checklist, never
        change them."""
        Types = self.env["insurance.document.type"].with_user(self.logistician)
        self.assertIn(self.id_card, Types.search([]))
        with self.assertRaises(AccessError):
            self.id_card.with_user(self.logistician).name = "Passport"

    def test_demo_journey_deal_went_through_with_its_documents(self):
        """The demo CASCO journey (typed, issued, delivered) carries its
        checklist: the registration scanned, the rest seen at the desk."""
        journey = self.env.ref("insurance_broker_crm.lead_journey_ieva_casco")
        fulfilment = journey.continued_lead_ids.filtered(
            lambda lead: (
                lead.team_id
                == self.env.ref("insurance_broker_crm.team_insurance_fulfilment")
            )
        )
        self.assertEqual(len(fulfilment), 1)
        self.assertEqual(
            set(fulfilment.insurance_document_ids.mapped("state")), {"received"}
        )
        scan = self._line(fulfilment, self.registration).attachment_ids
        self.assertEqual(scan.res_id, fulfilment.id)
        self.assertIn(b"LRV 204", base64.b64decode(scan.datas))
