from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.common_pdf import PdfReportCase

from .common import InsuranceAccountCommon

REPORT = "insurance_broker.action_report_insurance_policy_contract"
BROKER_IBAN = "LT121000011101001000"
INSURER_IBAN = "LT607300010123456789"


@tagged("post_install", "-at_install")
class TestPolicyContractPayment(InsuranceAccountCommon, PdfReportCase):
    """The policy confirmation tells the client whom to pay, as the premium
    invoices do: the broker on its account with the instalment's invoice
    number, or the insurer on the insurer's account with the policy number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"name": "Ąžuolas Broker House UAB", "company_details": False}
        )
        bank = cls.env["res.bank"].create({"name": "Swedbank", "bic": "HABALT22"})
        cls.env["res.partner.bank"].create(
            {
                "acc_number": BROKER_IBAN,
                "partner_id": cls.company.partner_id.id,
                "bank_id": bank.id,
            }
        )
        cls.env["res.partner.bank"].create(
            {"acc_number": INSURER_IBAN, "partner_id": cls.insurer_direct.id}
        )
        cls.policy_broker = cls._create_policy(
            name="PAY-BROKER-01", payment_frequency="quarterly"
        )
        cls.policy_insurer = cls._create_policy(
            name="PAY-INSURER-02", insurer_id=cls.insurer_direct.id
        )

    def _payment_text(self, policy):
        """The text of the contract from its payment block on."""
        text = " ".join(
            self.render_pdf_pages(REPORT, policy.with_user(self.salesperson))
        )
        self.assertIn("Payment", text)
        return text[text.index("Payment Frequency") + len("Payment Frequency") :]

    def test_broker_collects(self):
        self.assertEqual(self.policy_broker.premium_collection, "broker")
        text = self._payment_text(self.policy_broker)
        self.assertIn("We collect the premium for the insurer", text)
        self.assertIn("Ąžuolas Broker House UAB", text)
        self.assertIn(BROKER_IBAN, text)
        self.assertIn("Swedbank", text)
        self.assertIn("HABALT22", text)
        self.assertIn(
            "the number of the instalment's invoice and the policy number "
            "PAY-BROKER-01",
            text,
        )
        self.assertNotIn(INSURER_IBAN, text)
        self.assertNotIn("The insurer collects", text)

    def test_insurer_collects(self):
        self.assertEqual(self.policy_insurer.premium_collection, "insurer")
        text = self._payment_text(self.policy_insurer)
        self.assertIn("The insurer collects the premium", text)
        self.assertIn("Beta Assurance (insurer collects)", text)
        self.assertIn(INSURER_IBAN, text)
        self.assertIn("Payment Reference PAY-INSURER-02", text)
        self.assertNotIn(BROKER_IBAN, text)
        self.assertNotIn("We collect", text)

    def test_insurer_without_bank_account(self):
        """No account known: the block names whom to pay and the reference,
        and no account line."""
        self.insurer_direct.bank_ids.unlink()
        text = self._payment_text(self.policy_insurer)
        self.assertIn("Beta Assurance (insurer collects)", text)
        self.assertNotIn("Bank Account", text)
        self.assertNotIn(BROKER_IBAN, text)
