from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from .common import InsuranceCrmCommon

REPORT = "insurance_broker_crm.action_report_insurance_offer"


class QuestionnaireCommon(InsuranceCrmCommon):
    """A CASCO questionnaire of four questions (one optional) and the
    salesperson's deal with two quotes, ready to offer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Question = cls.env["insurance.questionnaire.question"]
        cls.q_work, cls.q_drivers, cls.q_mileage, cls.q_other = Question.create(
            [
                {
                    "product_id": cls.product_casco.id,
                    "sequence": 10,
                    "name": "Do you use the vehicle for work?",
                    "answer_type": "yes_no",
                },
                {
                    "product_id": cls.product_casco.id,
                    "sequence": 20,
                    "name": "Who drives the vehicle?",
                    "answer_type": "choice",
                    "option_ids": [
                        (0, 0, {"sequence": 1, "name": "Only the policyholder"}),
                        (0, 0, {"sequence": 2, "name": "Any driver"}),
                    ],
                },
                {
                    "product_id": cls.product_casco.id,
                    "sequence": 30,
                    "name": "Annual mileage (km)",
                    "answer_type": "number",
                },
                {
                    "product_id": cls.product_casco.id,
                    "sequence": 40,
                    "name": "Anything else we should know?",
                    "answer_type": "text",
                    "required": False,
                },
            ]
        )
        cls.company.insurance_questionnaire_required = True
        cls.client.write(
            {"email": "jonas@example.com", "client_manager_id": cls.salesman.id}
        )
        # The common deal was created before the questions: a new one.
        cls.deal = cls.env["crm.lead"].create(
            {
                "name": "CASCO for Jonas, with needs",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "team_id": cls.team_sales.id,
                "stage_id": cls.stage["sales_gathering"].id,
                "user_id": cls.salesman.id,
                "insurance_product_id": cls.product_casco.id,
                "insurance_date_start": "2026-03-01",
            }
        )
        cls.env["insurance.quote"].create(
            [
                {
                    "lead_id": cls.deal.id,
                    "insurer_id": cls.insurer_a.id,
                    "premium": 900,
                },
                {
                    "lead_id": cls.deal.id,
                    "insurer_id": cls.insurer_b.id,
                    "premium": 950,
                },
            ]
        )
        cls.deal.quote_ids[:1].action_choose()
        if "insurance_recommendation" in cls.deal._fields:
            cls.deal.insurance_recommendation = "The cheapest full cover."

    def _answer(self, deal, text=None):
        """Answer every question as the salesperson."""
        answers = {
            answer.question_id: answer
            for answer in deal.with_user(self.salesman).insurance_answer_ids
        }
        answers[self.q_work].value_yes_no = "yes"
        answers[self.q_drivers].option_id = self.q_drivers.option_ids[0]
        answers[self.q_mileage].value_number = 15000
        if text:
            answers[self.q_other].value_text = text

    def _send_offer(self, deal):
        deal = deal.with_user(self.salesman)
        action = deal.action_send_offer()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"], force_report_rendering=True)
        ).save()
        composer.action_send_mail()


@tagged("post_install", "-at_install")
class TestQuestionnaire(QuestionnaireCommon, HttpCase):
    """HttpCase: sending renders the offer's PDF, whose assets wkhtmltopdf
    fetches from this server."""

    def _offers_sent(self, deal):
        return deal.message_ids.filtered(
            lambda message: self.client in message.partner_ids
        )

    def test_lines_from_product(self):
        answers = self.deal.insurance_answer_ids
        self.assertEqual(
            answers.mapped("question_text"),
            [
                "Do you use the vehicle for work?",
                "Who drives the vehicle?",
                "Annual mileage (km)",
                "Anything else we should know?",
            ],
        )
        self.assertEqual(
            answers.mapped("answer_type"), ["yes_no", "choice", "number", "text"]
        )
        self.assertEqual(answers.mapped("required"), [True, True, True, False])
        self.assertFalse(any(answers.mapped("is_answered")))

    def test_product_change_keeps_what_the_client_said(self):
        deal = self.deal.with_user(self.salesman)
        self._answer(self.deal)
        question = self.env["insurance.questionnaire.question"].create(
            {
                "product_id": self.product_mtpl.id,
                "sequence": 50,
                "name": "Is the vehicle registered abroad?",
                "answer_type": "yes_no",
            }
        )
        deal.insurance_product_id = self.product_mtpl
        # The answers given stay, the unanswered CASCO question goes, the
        # MTPL question is asked.
        self.assertEqual(
            deal.insurance_answer_ids.mapped("question_text"),
            [
                "Do you use the vehicle for work?",
                "Who drives the vehicle?",
                "Annual mileage (km)",
                "Is the vehicle registered abroad?",
            ],
        )
        self.assertEqual(deal.insurance_questionnaire_missing, question.name)
        # Back to CASCO: nothing asked twice.
        deal.insurance_product_id = self.product_casco
        self.assertEqual(len(deal.insurance_answer_ids), 4)

    def test_load_questions_adds_new_questions_once(self):
        deal = self.deal.with_user(self.salesman)
        self.env["insurance.questionnaire.question"].create(
            {
                "product_id": self.product_casco.id,
                "sequence": 50,
                "name": "Is the car kept in a garage?",
                "answer_type": "yes_no",
            }
        )
        deal.action_insurance_load_questions()
        deal.action_insurance_load_questions()
        self.assertEqual(len(deal.insurance_answer_ids), 5)
        self.assertEqual(
            deal.insurance_answer_ids[-1].question_text, "Is the car kept in a garage?"
        )

    def test_completeness(self):
        deal = self.deal.with_user(self.salesman)
        self.assertFalse(deal.insurance_questionnaire_complete)
        self.assertEqual(
            deal.insurance_questionnaire_missing,
            "Do you use the vehicle for work?; Who drives the vehicle?; "
            "Annual mileage (km)",
        )
        self._answer(self.deal)
        # The optional question needs no answer; a mileage of 0 would be one.
        self.assertTrue(deal.insurance_questionnaire_complete)
        self.assertFalse(deal.insurance_questionnaire_missing)
        self.assertEqual(
            deal.insurance_answer_ids.mapped("answer_display"),
            ["Yes", "Only the policyholder", "15000", ""],
        )
        mileage = deal.insurance_answer_ids.filtered(
            lambda answer: answer.question_id == self.q_mileage
        )
        mileage.value_number = 0
        self.assertTrue(mileage.is_answered)
        self.assertEqual(mileage.answer_display, "0")

    def test_send_refused_on_incomplete_answers(self):
        deal = self.deal.with_user(self.salesman)
        self._answer(self.deal)
        deal.insurance_answer_ids.filtered(
            lambda answer: answer.question_id == self.q_mileage
        ).write({"value_number": 0, "number_answered": False})
        deal.insurance_answer_ids.filtered(
            lambda answer: answer.question_id == self.q_work
        ).value_yes_no = False
        with self.assertRaises(UserError) as error:
            deal.action_send_offer()
        message = str(error.exception)
        self.assertIn("demands and needs", message)
        self.assertIn("Do you use the vehicle for work?", message)
        self.assertIn("Annual mileage (km)", message)
        self.assertNotIn("Who drives the vehicle?", message)
        self.assertNotIn("Anything else", message)
        self.assertFalse(self._offers_sent(self.deal))
        self.assertFalse(any(deal.insurance_answer_ids.mapped("frozen")))
        # Printing a draft stays possible.
        self.assertEqual(deal.action_print_offer()["type"], "ir.actions.report")

    def test_send_refused_when_answers_emptied_after_composer_opened(self):
        deal = self.deal.with_user(self.salesman)
        self._answer(self.deal)
        action = deal.action_send_offer()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"], force_report_rendering=True)
        ).save()
        deal.insurance_answer_ids.filtered(
            lambda answer: answer.question_id == self.q_drivers
        ).option_id = False
        with self.assertRaisesRegex(UserError, "Who drives the vehicle"):
            composer.action_send_mail()
        self.assertFalse(self._offers_sent(self.deal))

    def test_send_allowed_when_not_required(self):
        self.company.insurance_questionnaire_required = False
        self._send_offer(self.deal)
        self.assertEqual(len(self._offers_sent(self.deal)), 1)
        # What was (not) answered is frozen all the same: it is what was sent.
        self.assertTrue(all(self.deal.insurance_answer_ids.mapped("frozen")))

    def test_frozen_after_sending(self):
        self._answer(self.deal, text="Parked in a garage")
        self._send_offer(self.deal)
        self.assertEqual(len(self._offers_sent(self.deal)), 1)
        deal = self.deal.with_user(self.salesman)
        answers = deal.insurance_answer_ids
        self.assertTrue(all(answers.mapped("frozen")))
        self.assertTrue(all(answers.mapped("offer_sent_date")))
        self.assertTrue(deal.insurance_questionnaire_frozen)
        work = answers.filtered(lambda answer: answer.question_id == self.q_work)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            work.value_yes_no = "no"
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            work.unlink()
        with self.assertRaisesRegex(UserError, "revise the answers"):
            deal.action_insurance_load_questions()
        # Nobody changes them: not even a manager.
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            work.sudo().value_yes_no = "no"
        self.assertEqual(work.value_yes_no, "yes")

    def test_revise_keeps_what_was_sent(self):
        self._answer(self.deal)
        self._send_offer(self.deal)
        deal = self.deal.with_user(self.salesman)
        sent = deal.insurance_answer_ids
        deal.action_insurance_revise_answers()
        revised = deal.insurance_answer_ids
        self.assertEqual(len(revised), 4)
        self.assertFalse(revised & sent)
        self.assertFalse(any(revised.mapped("frozen")))
        self.assertEqual(deal.insurance_answer_history_ids, sent)
        self.assertEqual(
            revised.mapped("answer_display"), sent.mapped("answer_display")
        )
        revised.filtered(lambda answer: answer.question_id == self.q_work).write(
            {"value_yes_no": "no"}
        )
        self.assertEqual(sent[0].value_yes_no, "yes")
        self._send_offer(self.deal)
        self.assertTrue(all(revised.mapped("frozen")))
        self.assertEqual(len(self._offers_sent(self.deal)), 2)

    def test_kept_on_the_policy(self):
        """The deal is won and handed to Fulfilment; delivered, the policy
        issued from the Fulfilment deal keeps the answers sent."""
        self._answer(self.deal, text="Parked in a garage")
        self._send_offer(self.deal)
        self.deal.write({"delivery_type": "courier", "policy_number": "Q-1"})
        self.deal.stage_id = self.stage["sales_handed"]
        fulfilment = self.deal.continued_lead_ids
        self.assertEqual(len(fulfilment), 1)
        self.assertFalse(fulfilment.insurance_answer_ids)
        policy = fulfilment._ensure_policy()
        answers = self.deal.insurance_answer_ids
        self.assertEqual(policy.insurance_answer_ids, answers)
        self.assertEqual(
            policy.insurance_answer_ids.mapped("answer_display"),
            ["Yes", "Only the policyholder", "15000", "Parked in a garage"],
        )
        # The client manager reads them on the policy.
        seen = policy.with_user(self.salesman).insurance_answer_ids
        self.assertEqual(
            seen.mapped("question_text")[0], "Do you use the vehicle for work?"
        )

    def test_access_other_salesperson(self):
        self._answer(self.deal)
        answers = self.deal.insurance_answer_ids
        other = answers.with_user(self.salesman_2)
        with self.assertRaises(AccessError):
            other.read(["answer_display"])
        with self.assertRaises(AccessError):
            other.write({"value_text": "Not mine"})
        self.assertFalse(
            self.env["insurance.questionnaire.answer"]
            .with_user(self.salesman_2)
            .search([("lead_id", "=", self.deal.id)])
        )

    def test_access_other_company(self):
        foreign_user = new_test_user(
            self.env,
            login="q_foreign_seller",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=self.other_company.id,
            company_ids=self.other_company.ids,
        )
        answers = self.deal.insurance_answer_ids.with_user(foreign_user)
        with self.assertRaises(AccessError):
            answers.read(["answer_display"])
        self.assertFalse(
            self.env["insurance.questionnaire.answer"]
            .with_user(foreign_user)
            .search([("lead_id", "=", self.deal.id)])
        )


@tagged("post_install", "-at_install")
class TestQuestionnairePdf(QuestionnaireCommon, PdfReportCase):
    """The client's demands and needs printed on the offer, in their
    language, read back from the PDF."""

    def test_needs_printed_on_the_offer(self):
        self._answer(self.deal, text="Automobilis laikomas garaže, Šiauliuose")
        self.company.insurance_questionnaire_required = True
        pages = self.render_pdf_pages(REPORT, self.deal.with_user(self.salesman))
        text = " ".join(pages)
        self.assertIn("Your demands and needs", text)
        self.assertIn("Do you use the vehicle for work? Yes", text)
        self.assertIn("Who drives the vehicle? Only the policyholder", text)
        self.assertIn("Annual mileage (km) 15000", text)
        self.assertIn("Automobilis laikomas garaže, Šiauliuose", text)
        # The needs come before the comparison.
        self.assertLess(text.index("Your demands and needs"), text.index("Premium"))

    def test_needs_in_the_clients_language(self):
        self.env["res.lang"]._activate_lang("lt_LT")
        self.q_work.with_context(lang="lt_LT").name = "Ar automobilį naudojate darbui?"
        self.q_drivers.option_ids[0].with_context(lang="lt_LT").name = "Tik draudėjas"
        self.client.lang = "lt_LT"
        self._answer(self.deal, text="Automobilis laikomas garaže")
        pages = self.render_pdf_pages(REPORT, self.deal.with_user(self.salesman))
        text = " ".join(pages)
        self.assertIn("Ar automobilį naudojate darbui?", text)
        self.assertIn("Tik draudėjas", text)
        self.assertIn("Automobilis laikomas garaže", text)
        self.assertNotIn("Do you use the vehicle for work?", text)
        self.assertNotIn("Only the policyholder", text)
