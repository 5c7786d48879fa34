from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestQuestionnaireQuestion(InsuranceCommon):
    """The demands and needs questionnaire of a product: set up by the
    insurance manager, read by everyone who sells it."""

    def test_manager_sets_the_questionnaire(self):
        product = self.product_casco.with_user(self.manager)
        product.write(
            {
                "questionnaire_question_ids": [
                    (0, 0, {"name": "Do you use the vehicle for work?"}),
                    (
                        0,
                        0,
                        {
                            "name": "Who drives the vehicle?",
                            "answer_type": "choice",
                            "option_ids": [
                                (0, 0, {"name": "Only the policyholder"}),
                                (0, 0, {"name": "Any driver"}),
                            ],
                        },
                    ),
                ]
            }
        )
        questions = product.questionnaire_question_ids
        self.assertEqual(questions.mapped("answer_type"), ["yes_no", "choice"])
        self.assertTrue(all(questions.mapped("required")))
        self.assertEqual(
            questions[1].option_ids.mapped("name"),
            ["Only the policyholder", "Any driver"],
        )
        # A copy of the product asks the same questions.
        copy = self.product_casco.copy({"code": "CASCO-2"})
        self.assertEqual(
            copy.questionnaire_question_ids.mapped("name"), questions.mapped("name")
        )
        self.assertEqual(len(copy.questionnaire_question_ids[1].option_ids), 2)

    def test_choice_needs_options(self):
        with self.assertRaisesRegex(ValidationError, "give it the options"):
            self.env["insurance.questionnaire.question"].create(
                {
                    "product_id": self.product_casco.id,
                    "name": "Who drives the vehicle?",
                    "answer_type": "choice",
                }
            )

    def test_users_read_only_managers_change(self):
        question = self.env["insurance.questionnaire.question"].create(
            {"product_id": self.product_casco.id, "name": "Annual mileage (km)"}
        )
        for user in (self.user_own, self.user_all, self.reader):
            with self.subTest(user=user.login):
                self.assertEqual(question.with_user(user).name, "Annual mileage (km)")
                with self.assertRaises(AccessError):
                    question.with_user(user).name = "Changed"
                with self.assertRaises(AccessError):
                    self.env["insurance.questionnaire.question"].with_user(user).create(
                        {"product_id": self.product_casco.id, "name": "New?"}
                    )

    def test_other_companys_questions_hidden(self):
        foreign = self.env["insurance.product"].create(
            {
                "name": "Foreign pets",
                "company_id": self.other_company.id,
                "questionnaire_question_ids": [(0, 0, {"name": "How many pets?"})],
            }
        )
        question = foreign.questionnaire_question_ids
        self.assertEqual(question.company_id, self.other_company)
        with self.assertRaises(AccessError):
            question.with_user(self.user_all).read(["name"])

    def test_demo_motor_questionnaire(self):
        questions = self.env.ref(
            "insurance_broker.product_casco"
        ).questionnaire_question_ids
        self.assertEqual(
            questions.mapped("name"),
            [
                "Do you use the vehicle for work?",
                "Who drives the vehicle?",
                "Annual mileage (km)",
                "Anything else we should know?",
            ],
        )
        self.assertEqual(questions.mapped("required"), [True, True, True, False])
