from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import file_open

STATEMENT_FILE = "statement_baltic_shield_sample.xlsx"


@tagged("post_install", "-at_install")
class TestAccountantTour(HttpCase):
    """The accountant's day in the browser, as the demo accountant (Invoicing
    only): a premium instalment invoiced and paid, an insurer's statement
    imported and confirmed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.env.ref("insurance_broker_account.user_accountant")
        cls.baltic_shield = cls.env.ref("insurance_broker.insurer_baltic_shield")
        service = cls.env["product.product"].create(
            {
                "name": "Tour accountant premium",
                "type": "service",
                "taxes_id": [Command.clear()],
            }
        )
        insurer = cls.env["res.partner"].create(
            {
                "name": "Tour Accountant Insurer",
                "is_company": True,
                "is_insurer": True,
                "insurance_premium_collection": "broker",
            }
        )
        product = cls.env["insurance.product"].create(
            {
                "name": "Tour Accountant Home",
                "category": "property",
                "default_term_months": 12,
                "product_id": service.id,
            }
        )
        client = cls.env["res.partner"].create(
            {"name": "Tour Accountant Client", "client_type": "individual"}
        )
        # Starting today, paid at once: its only instalment falls due today.
        # Confirming only asks the daily run to invoice it (a cron trigger,
        # which tests do not run): the accountant invoices it herself.
        cls.policy = cls.env["insurance.policy"].create(
            {
                "name": "TOUR-ACC-0001",
                "partner_id": client.id,
                "insurer_id": insurer.id,
                "product_id": product.id,
                "premium": 480.0,
                "date_start": fields.Date.today(),
            }
        )
        cls.policy.action_confirm()
        # The insurer's workbook on her computer: an attachment of hers, which
        # the tour chooses in the wizard's file input.
        with file_open(f"insurance_broker_account/demo/{STATEMENT_FILE}", "rb") as f:
            cls.env["ir.attachment"].with_user(cls.accountant).create(
                {"name": STATEMENT_FILE, "raw": f.read()}
            )

    def test_accountant_invoices_collects_and_reconciles(self):
        """Ieva invoices the policy's due instalment from the policy, registers
        the client's payment and imports Baltic Shield's statement: the
        instalment is paid, the statement's rows are matched to the expected
        commission and, confirmed, count as received."""
        self.assertFalse(
            self.accountant.has_group("insurance_broker.group_insurance_reader")
        )
        installment = self.policy.installment_ids
        self.assertEqual(installment.invoice_state, "to_invoice")

        self.start_tour(
            "/odoo", "insurance_accountant_tour", login=self.accountant.login
        )
        self.env.invalidate_all()  # the tour wrote through the server's cursor

        invoice = installment.move_id
        self.assertEqual(installment.invoice_state, "paid")
        self.assertEqual(invoice.insurance_policy_id, self.policy)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 480.0)
        self.assertGreaterEqual(invoice.invoice_date_due, invoice.invoice_date)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(invoice.create_uid, self.accountant)
        # She invoices the policy, and may not change it.
        with self.assertRaises(AccessError):
            self.policy.with_user(self.accountant).write({"premium": 500.0})

        statement = self.env["insurance.commission.statement"].search(
            [
                ("insurer_id", "=", self.baltic_shield.id),
                ("file_name", "=", STATEMENT_FILE),
            ]
        )
        self.assertEqual(len(statement), 1)
        self.assertEqual(statement.create_uid, self.accountant)
        self.assertEqual(statement.state, "done")
        rows = {row.policy_number: row for row in statement.line_ids}
        self.assertEqual(
            {number: row.match_state for number, row in rows.items()},
            {
                "BS-PR-088120": "matched",
                "BS-TR-033187": "matched",
                "BS-KA-077412": "matched",
                "BS-MT-204511": "differing",
                "BS-MT-231190": "unknown",
            },
        )
        self.assertEqual(rows["BS-KA-077412"].commission_line_id.received_amount, 465.0)
        self.assertFalse(rows["BS-MT-231190"].commission_line_id)
