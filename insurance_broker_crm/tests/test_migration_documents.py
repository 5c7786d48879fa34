import importlib.util

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestMigrationDocumentsAndNeeds(InsuranceCrmCommon):
    """Upgrading a book that had neither checklists nor questionnaires: its
    open deals get both, and Typing and Issued start requiring documents."""

    def _migrate(self):
        path = file_path("insurance_broker_crm/migrations/18.0.1.3.0/post-migration.py")
        spec = importlib.util.spec_from_file_location("post_documents_needs", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()

    def test_open_deals_get_their_checklist_and_questions(self):
        ref = self.env.ref
        id_card = ref("insurance_broker.document_type_id_card")
        licence = ref("insurance_broker.document_type_driving_licence")
        self.product_casco.required_document_type_ids = id_card | licence
        self.env["insurance.questionnaire.question"].create(
            [
                {
                    "product_id": self.product_casco.id,
                    "name": "Do you use the vehicle for work?",
                    "answer_type": "yes_no",
                },
                {
                    "product_id": self.product_casco.id,
                    "name": "Annual mileage (km)",
                    "answer_type": "number",
                },
            ]
        )
        deal, lost = self.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": self.client.id,
                    "team_id": self.team_sales.id,
                    "stage_id": self.stage["sales_gathering"].id,
                    "insurance_product_id": self.product_casco.id,
                    "active": active,
                }
                for name, active in (("CASCO for Rasa", True), ("CASCO lost", False))
            ]
        )
        typing = ref("insurance_broker_crm.stage_fulfilment_typing")
        issued = ref("insurance_broker_crm.stage_fulfilment_issued")
        # The book as it was before the upgrade: the suite's own tables.
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM insurance_lead_document WHERE lead_id IN %s",
            [(deal.id, lost.id)],
        )
        self.env.cr.execute(
            "DELETE FROM insurance_questionnaire_answer WHERE lead_id IN %s",
            [(deal.id, lost.id)],
        )
        self.env.cr.execute(
            "UPDATE crm_stage SET insurance_requires_documents = false WHERE id IN %s",
            [(typing.id, issued.id)],
        )
        self.env.invalidate_all()
        self.assertFalse(deal.insurance_document_ids)

        self._migrate()

        self.assertTrue(typing.insurance_requires_documents)
        self.assertTrue(issued.insurance_requires_documents)
        self.assertEqual(
            deal.insurance_document_ids.document_type_id, id_card | licence
        )
        self.assertEqual(set(deal.insurance_document_ids.mapped("state")), {"missing"})
        self.assertEqual(
            deal.insurance_answer_ids.mapped("question_text"),
            ["Do you use the vehicle for work?", "Annual mileage (km)"],
        )
        self.assertFalse(deal.insurance_questionnaire_complete)
        # A lost deal is history: left as it was.
        self.assertFalse(lost.insurance_document_ids)
        self.assertFalse(lost.insurance_answer_ids)

        # Run twice (an interrupted upgrade started again): nothing doubles.
        self._migrate()
        self.assertEqual(len(deal.insurance_document_ids), 2)
        self.assertEqual(len(deal.insurance_answer_ids), 2)
