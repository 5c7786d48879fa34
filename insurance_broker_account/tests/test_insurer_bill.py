from unittest.mock import patch

from odoo import SUPERUSER_ID, Command
from odoo.tests import freeze_time, tagged

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestInsurerBill(InsuranceAccountCommon):
    """The broker collected the premium: the insurer's bill is the premium
    paid by the client less the commission the broker retains."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["insurance.commission.line"]
        cls.commission_product = cls.env.ref(
            "insurance_broker_account.product_insurance_commission"
        )
        # 10 % of 1200 over four quarters: 300.00 premium, 30.00 commission
        cls.policy_quarterly = cls._create_policy(
            payment_frequency="quarterly", date_start="2026-01-01"
        )
        # 10 % of 600 in one payment: 600.00 premium, 60.00 commission
        cls.policy_single = cls._create_policy(
            product_id=cls.product_mtpl.id, premium=600.0, date_start="2026-01-05"
        )
        cls.Line._record_expected(cls.policy_quarterly | cls.policy_single)
        cls.q1, cls.q2, cls.q3, cls.q4 = cls.policy_quarterly.installment_ids.sorted(
            "sequence"
        )

    def _invoice(self, installment, invoice_date):
        """The client's invoice of an instalment, posted (the premium
        invoicing run does this; built by hand here)."""
        policy = installment.policy_id
        links = {
            "insurance_policy_id": policy.id,
            "insurance_installment_id": installment.id,
        }
        move = self.env["account.move"].create(
            {
                **links,
                "move_type": "out_invoice",
                "partner_id": policy.partner_id.id,
                "invoice_date": invoice_date,
                "insurance_move_kind": "premium",
                "invoice_line_ids": [
                    Command.create(
                        {
                            **links,
                            "product_id": policy.product_id.product_id.id,
                            "quantity": 1,
                            "price_unit": installment.amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        installment.move_id = move
        return move

    def _pay(self, move, payment_date):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": payment_date})._create_payments()

    def _invoice_and_pay(self, installment, invoice_date, payment_date):
        move = self._invoice(installment, invoice_date)
        self._pay(move, payment_date)
        return move

    def _bills(self):
        return self.env["account.move"].search(
            [("insurance_move_kind", "=", "insurer_bill")], order="id"
        )

    def test_bill_per_period(self):
        premium_q1 = self._invoice_and_pay(self.q1, "2026-01-01", "2026-01-12")
        # Paid early, in January, for April.
        self._invoice_and_pay(self.q2, "2026-01-15", "2026-01-20")
        self._invoice_and_pay(
            self.policy_single.installment_ids, "2026-01-05", "2026-01-25"
        )
        # Invoiced, not paid: not billed.
        self._invoice(self.q3, "2026-01-20")
        self.assertEqual(self.q1.invoice_state, "paid")
        bills = self.Line._create_insurer_bills("2026-01-31", date_from="2026-01-01")
        self.assertRecordValues(
            bills,
            [
                {
                    "move_type": "in_invoice",
                    "state": "posted",
                    "partner_id": self.insurer_broker.id,
                    "insurance_move_kind": "insurer_bill",
                    "company_id": self.company.id,
                    # 300 + 300 + 600 collected, less 30 + 30 + 60 retained
                    "amount_total": 1080.0,
                    "amount_tax": 0.0,
                }
            ],
        )
        self.assertEqual(str(bills.invoice_date), "2026-01-31")
        lines = bills.invoice_line_ids.sorted("id")
        commission_account = self.commission_product.with_company(
            self.company
        )._get_product_accounts()["income"]
        self.assertTrue(commission_account)
        quarterly, single = self.policy_quarterly, self.policy_single
        self.assertRecordValues(
            lines,
            [
                {
                    "product_id": self.premium_product_casco.id,
                    "insurance_installment_id": self.q1.id,
                    "price_unit": 300.0,
                    "tax_ids": [],
                    "account_id": premium_q1.invoice_line_ids.account_id.id,
                },
                {
                    "product_id": self.commission_product.id,
                    "insurance_installment_id": self.q1.id,
                    "price_unit": -30.0,
                    "tax_ids": [],
                    "account_id": commission_account.id,
                },
                {
                    "product_id": self.premium_product_casco.id,
                    "insurance_installment_id": self.q2.id,
                    "price_unit": 300.0,
                    "tax_ids": [],
                    "account_id": premium_q1.invoice_line_ids.account_id.id,
                },
                {
                    "product_id": self.commission_product.id,
                    "insurance_installment_id": self.q2.id,
                    "price_unit": -30.0,
                    "tax_ids": [],
                    "account_id": commission_account.id,
                },
                {
                    "product_id": self.premium_product_mtpl.id,
                    "insurance_installment_id": single.installment_ids.id,
                    "price_unit": 600.0,
                    "tax_ids": [],
                    "account_id": premium_q1.invoice_line_ids.account_id.id,
                },
                {
                    "product_id": self.commission_product.id,
                    "insurance_installment_id": single.installment_ids.id,
                    "price_unit": -60.0,
                    "tax_ids": [],
                    "account_id": commission_account.id,
                },
            ],
        )
        self.assertIn(self.q1.display_name, lines[0].name)
        self.assertIn("Jonas Client", lines[0].name)
        # The commission retained settles the expected commission.
        expected_q1 = quarterly.commission_line_ids.filtered(
            lambda line: line.installment_id == self.q1
        )
        self.assertEqual(expected_q1.move_line_id, lines[1])
        self.assertEqual(expected_q1.move_id, bills)
        self.assertFalse(
            quarterly.commission_line_ids.filtered(
                lambda line: line.installment_id in self.q3 | self.q4
            ).move_line_id
        )

    def test_prepare_hooks_are_extended_by_other_addons(self):
        """The insurer bill's hooks extended with ``super()``: the bill's
        payment reference and the lines' labels of another addon are on the
        bill, its amounts unchanged."""
        self._invoice_and_pay(self.q1, "2026-01-01", "2026-01-12")
        Line = type(self.Line)
        prepare_bill = Line._prepare_insurer_bill_values
        prepare_premium = Line._prepare_insurer_bill_premium_line_values
        prepare_commission = Line._prepare_insurer_bill_commission_line_values

        def prepare_bill_with_reference(model, installments, *args):
            values = prepare_bill(model, installments, *args)
            return {**values, "payment_reference": "BROKER-2026-01"}

        def prepare_premium_tagged(model, installment):
            values = prepare_premium(model, installment)
            return {**values, "name": f"[P] {values['name']}"}

        def prepare_commission_tagged(model, commission, *args):
            values = prepare_commission(model, commission, *args)
            return {**values, "name": f"[C] {values['name']}"}

        with (
            patch.object(
                Line, "_prepare_insurer_bill_values", prepare_bill_with_reference
            ),
            patch.object(
                Line,
                "_prepare_insurer_bill_premium_line_values",
                prepare_premium_tagged,
            ),
            patch.object(
                Line,
                "_prepare_insurer_bill_commission_line_values",
                prepare_commission_tagged,
            ),
        ):
            bill = self.Line._create_insurer_bills("2026-01-31")
        self.assertRecordValues(
            bill, [{"payment_reference": "BROKER-2026-01", "amount_total": 270.0}]
        )
        self.assertEqual(
            [name[:4] for name in bill.invoice_line_ids.sorted("id").mapped("name")],
            ["[P] ", "[C] "],
        )
        self.assertEqual(
            self.q1.commission_line_ids.move_line_id,
            bill.invoice_line_ids.sorted("id")[1],
        )

    def test_instalment_never_billed_twice(self):
        self._invoice_and_pay(self.q1, "2026-01-01", "2026-01-12")
        bill = self.Line._create_insurer_bills("2026-01-31", date_from="2026-01-01")
        self.assertEqual(bill.amount_total, 270.0)
        self.assertFalse(self.Line._create_insurer_bills("2026-01-31"))
        self.assertFalse(self.Line._create_insurer_bills("2026-03-31"))
        self._invoice_and_pay(self.q2, "2026-03-15", "2026-04-02")
        # February and March: nothing paid. April: the second quarter.
        self.assertFalse(
            self.Line._create_insurer_bills("2026-03-31", date_from="2026-02-01")
        )
        april = self.Line._create_insurer_bills("2026-04-30")
        self.assertEqual(april.invoice_line_ids.insurance_installment_id, self.q2)
        self.assertEqual(april.amount_total, 270.0)
        self.assertEqual(self._bills(), bill | april)
        # A cancelled bill frees its instalments for a new one.
        april.button_draft()
        april.button_cancel()
        again = self.Line._create_insurer_bills("2026-04-30")
        self.assertEqual(again.invoice_line_ids.insurance_installment_id, self.q2)
        self.assertEqual(again.amount_total, 270.0, "the commission retained again")
        expected_q2 = self.policy_quarterly.commission_line_ids.filtered(
            lambda line: line.installment_id == self.q2
        )
        self.assertEqual(expected_q2.move_id, again)

    def test_bill_per_policy(self):
        self.company.insurance_insurer_bill_grouping = "policy"
        self._invoice_and_pay(self.q1, "2026-01-01", "2026-01-12")
        self._invoice_and_pay(self.q2, "2026-01-15", "2026-01-20")
        self._invoice_and_pay(
            self.policy_single.installment_ids, "2026-01-05", "2026-01-25"
        )
        bills = self.Line._create_insurer_bills("2026-01-31")
        self.assertEqual(len(bills), 2)
        by_policy = {bill.insurance_policy_id: bill for bill in bills}
        quarterly_bill = by_policy[self.policy_quarterly]
        single_bill = by_policy[self.policy_single]
        self.assertEqual(quarterly_bill.amount_total, 540.0)
        self.assertEqual(single_bill.amount_total, 540.0)
        self.assertIn(self.policy_single.name, single_bill.ref)
        self.assertEqual(
            single_bill.invoice_line_ids.mapped("price_unit"), [600.0, -60.0]
        )
        self.assertEqual(bills.partner_id, self.insurer_broker)
        self.assertFalse(self.Line._create_insurer_bills("2026-01-31"))

    @freeze_time("2026-04-20")
    def test_chargeback_given_back_on_bill(self):
        """A broker-collected policy cancelled: the unearned commission it
        retained is given back on the insurer's next bill."""
        self._invoice_and_pay(
            self.policy_single.installment_ids, "2026-01-05", "2026-01-25"
        )
        january = self.Line._create_insurer_bills("2026-01-31")
        self.assertEqual(january.amount_total, 540.0)
        self.policy_single._cancel("Vehicle sold", "2026-04-04")
        self.Line._record_chargebacks(self.policy_single)
        chargeback = self.policy_single.commission_line_ids.filtered(
            lambda line: line.kind == "chargeback"
        )
        # 60 x 90 / 365 = 14.79 earned: 45.21 given back
        self.assertEqual(chargeback.amount, -45.21)
        april = self.Line._create_insurer_bills("2026-04-30", date_from="2026-04-01")
        self.assertEqual(april.amount_total, 45.21)
        self.assertEqual(april.invoice_line_ids.product_id, self.commission_product)
        self.assertEqual(chargeback.move_id, april)
        self.assertFalse(self.Line._create_insurer_bills("2026-04-30"))

    def test_not_on_commission_invoice(self):
        """Broker-collected commission is retained on the bill: it is never
        invoiced to the insurer."""
        self._invoice_and_pay(self.q1, "2026-01-01", "2026-01-12")
        self.Line._create_insurer_bills("2026-01-31")
        self.assertFalse(self.Line._create_commission_invoices("2026-12-31"))

    @freeze_time("2026-02-01 03:00:00")
    def test_cron_bills_previous_month(self):
        self._invoice_and_pay(self.q1, "2026-01-01", "2026-01-12")
        moves = (
            self.Line.with_user(SUPERUSER_ID)
            ._cron_invoice_commissions()
            .filtered(lambda m: m.company_id == self.company)
        )
        self.assertEqual(moves.mapped("insurance_move_kind"), ["insurer_bill"])
        self.assertEqual(moves.amount_total, 270.0)

    def test_invoicing_user_bills(self):
        self._invoice_and_pay(self.q1, "2026-01-01", "2026-01-12")
        wizard = (
            self.env["insurance.commission.invoice.wizard"]
            .with_user(self.invoicing_user)
            .create(
                {
                    "date_from": "2026-01-01",
                    "date_to": "2026-01-31",
                    "document_type": "insurer_bill",
                }
            )
        )
        action = wizard.action_create()
        bill = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.amount_total, 270.0)
        self.assertEqual(bill.create_uid, self.invoicing_user)
