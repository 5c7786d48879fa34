from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import convert_file

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestCommissionInvoice(InsuranceAccountCommon):
    """Commission invoices to the insurers collecting the premiums."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["insurance.commission.line"]
        cls.commission_product = cls.env.ref(
            "insurance_broker_account.product_insurance_commission"
        )
        cls.insurer_gamma = cls.env["res.partner"].create(
            {
                "name": "Gamma Life (insurer collects)",
                "is_company": True,
                "is_insurer": True,
                "insurance_premium_collection": "insurer",
            }
        )
        cls.env["insurance.commission.rule"].create(
            {
                "insurer_id": cls.insurer_gamma.id,
                "business_type": "any",
                "rate": 12.0,
                "company_id": cls.company.id,
            }
        )
        # 15 % of 1200: 180.00 on 10 January
        cls.policy_single = cls._create_policy(
            insurer_id=cls.insurer_direct.id, date_start="2026-01-10"
        )
        # 15 % of 1000: 37.50 on 20 January, April, July, October
        cls.policy_quarterly = cls._create_policy(
            insurer_id=cls.insurer_direct.id,
            product_id=cls.product_mtpl.id,
            date_start="2026-01-20",
            payment_frequency="quarterly",
            premium=1000.0,
        )
        # 12 % of 600: 6.00 on the 5th of each month
        cls.policy_gamma = cls._create_policy(
            insurer_id=cls.insurer_gamma.id,
            date_start="2026-01-05",
            payment_frequency="monthly",
            premium=600.0,
        )
        # The broker collects: billed to the insurer net of commission instead.
        cls.policy_broker = cls._create_policy(date_start="2026-01-15")
        cls.Line._record_expected(
            cls.policy_single
            | cls.policy_quarterly
            | cls.policy_gamma
            | cls.policy_broker
        )

    def _commission_invoices(self):
        return self.env["account.move"].search(
            [("insurance_move_kind", "=", "commission")], order="id"
        )

    def test_invoice_of_a_month_per_insurer(self):
        invoices = self.Line._create_commission_invoices(
            "2026-01-31", date_from="2026-01-01"
        )
        self.assertEqual(invoices.partner_id, self.insurer_direct | self.insurer_gamma)
        self.assertEqual(len(invoices), 2, "one invoice per insurer")
        invoice = invoices.filtered(lambda m: m.partner_id == self.insurer_direct)
        self.assertRecordValues(
            invoice,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "insurance_move_kind": "commission",
                    "company_id": self.company.id,
                    "currency_id": self.company.currency_id.id,
                    "amount_untaxed": 217.5,
                    "amount_tax": 0.0,
                    "amount_total": 217.5,
                }
            ],
        )
        self.assertEqual(str(invoice.invoice_date), "2026-01-31")
        lines = invoice.invoice_line_ids.sorted("id")
        single, quarterly = self.policy_single, self.policy_quarterly
        self.assertRecordValues(
            lines,
            [
                {
                    "name": f"{single.name} · Jonas Client · CASCO",
                    "product_id": self.commission_product.id,
                    "quantity": 1.0,
                    "price_unit": 180.0,
                    "insurance_policy_id": single.id,
                },
                {
                    "name": f"{quarterly.name} · Jonas Client · MTPL",
                    "product_id": self.commission_product.id,
                    "quantity": 1.0,
                    "price_unit": 37.5,
                    "insurance_policy_id": quarterly.id,
                },
            ],
        )
        # VAT-exempt by default: the tax is created on first use and kept in
        # the company's settings.
        tax = self.company.insurance_commission_tax_id
        self.assertEqual(lines.tax_ids, tax)
        self.assertRecordValues(
            tax,
            [
                {
                    "name": "Exempt (insurance intermediation)",
                    "amount": 0.0,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertIn("135(1)(a)", str(tax.description))
        # The commission lines of January are settled, the others not.
        self.assertEqual(single.commission_line_ids.move_line_id, lines[0])
        self.assertEqual(single.commission_line_ids.move_id, invoice)
        quarterly_lines = quarterly.commission_line_ids.sorted("date")
        self.assertEqual(quarterly_lines[0].move_line_id, lines[1])
        self.assertFalse(quarterly_lines[1:].move_line_id)
        gamma = invoices - invoice
        self.assertEqual(gamma.amount_total, 6.0)
        self.assertFalse(self.policy_broker.commission_line_ids.move_line_id)
        # The tax is reused the next month.
        february = self.Line._create_commission_invoices(
            "2026-02-28", date_from="2026-02-01"
        )
        self.assertEqual(february.partner_id, self.insurer_gamma)
        self.assertEqual(february.invoice_line_ids.tax_ids, tax)
        self.assertEqual(
            self.env["account.tax"].search_count(
                [("name", "=", tax.name), ("company_id", "=", self.company.id)]
            ),
            1,
        )

    def test_running_twice_changes_nothing(self):
        invoices = self.Line._create_commission_invoices("2026-01-31")
        self.assertEqual(len(invoices), 2)
        settled = self.Line.search([("move_line_id", "!=", False)])
        self.assertFalse(self.Line._create_commission_invoices("2026-01-31"))
        self.assertFalse(
            self.Line._create_commission_invoices("2026-01-31", date_from="2026-01-01")
        )
        self.assertEqual(self._commission_invoices(), invoices)
        self.assertEqual(self.Line.search([("move_line_id", "!=", False)]), settled)
        self.assertEqual(invoices.mapped("state"), ["posted", "posted"])
        self.assertEqual(sorted(invoices.mapped("amount_total")), [6.0, 217.5])

    def test_prepare_hooks_are_extended_by_other_addons(self):
        """An addon extending the ``_prepare_*`` hooks with ``super()``
        (here: the insurer's reference on the invoice, a discount on its
        lines) finds its values on the invoice; the commission stays settled
        by its line."""
        Line = type(self.Line)
        prepare_invoice = Line._prepare_commission_invoice_values
        prepare_line = Line._prepare_commission_invoice_line_values

        def prepare_invoice_with_reference(model, lines, date_to, date_from):
            values = prepare_invoice(model, lines, date_to, date_from)
            return {**values, "ref": f"Agency agreement {lines.insurer_id.name}"}

        def prepare_line_with_discount(model, policy, lines, product, tax):
            return {**prepare_line(model, policy, lines, product, tax), "discount": 50}

        with (
            patch.object(
                Line,
                "_prepare_commission_invoice_values",
                prepare_invoice_with_reference,
            ),
            patch.object(
                Line,
                "_prepare_commission_invoice_line_values",
                prepare_line_with_discount,
            ),
        ):
            invoices = self.Line._create_commission_invoices(
                "2026-01-31", date_from="2026-01-01", insurers=self.insurer_direct
            )
        self.assertRecordValues(
            invoices,
            [
                {
                    "ref": "Agency agreement Beta Assurance (insurer collects)",
                    "invoice_origin": "Insurance commission 01/01/2026 – 01/31/2026",
                    "amount_total": 108.75,
                }
            ],
        )
        self.assertEqual(invoices.invoice_line_ids.mapped("discount"), [50.0, 50.0])
        self.assertEqual(
            self.policy_single.commission_line_ids.move_line_id,
            invoices.invoice_line_ids.filtered(
                lambda line: line.insurance_policy_id == self.policy_single
            ),
        )

    def test_configured_tax(self):
        """A tax set in the settings is used as it is."""
        tax = self.env["account.tax"].create(
            {
                "name": "Commission VAT 5 %",
                "amount": 5.0,
                "type_tax_use": "sale",
                "company_id": self.company.id,
            }
        )
        self.company.insurance_commission_tax_id = tax
        invoices = self.Line._create_commission_invoices(
            "2026-01-31", insurers=self.insurer_gamma
        )
        self.assertEqual(invoices.invoice_line_ids.tax_ids, tax)
        self.assertEqual(invoices.amount_total, 6.3)

    @freeze_time("2026-06-15")
    def test_chargeback_month_is_credit_note(self):
        """Cancelled back to February after five months were invoiced: the
        next run gives the unearned commission back with a credit note."""
        insurer = self.insurer_gamma.copy({"name": "Delta Re"})
        self.env["insurance.commission.rule"].create(
            {
                "insurer_id": insurer.id,
                "business_type": "any",
                "rate": 12.0,
                "company_id": self.company.id,
            }
        )
        # 12 % of 1200: 12.00 a month
        policy = self._create_policy(
            insurer_id=insurer.id,
            date_start="2026-01-01",
            payment_frequency="monthly",
            premium=1200.0,
        )
        self.Line._record_expected(policy)
        invoices = self.Line._create_commission_invoices("2026-05-31", insurers=insurer)
        self.assertEqual(invoices.amount_total, 60.0)
        policy._cancel("Client emigrated", "2026-02-28")
        self.Line._record_chargebacks(policy)
        chargeback = policy.commission_line_ids.filtered(
            lambda line: line.kind == "chargeback"
        )
        # 144 x 59 / 365 = 23.28 earned of the 60.00 invoiced
        self.assertEqual(chargeback.amount, -36.72)
        self.assertAlmostEqual(sum(policy.commission_line_ids.mapped("amount")), 23.28)
        credit_note = self.Line._create_commission_invoices(
            "2026-06-30", insurers=insurer
        )
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "partner_id": insurer.id,
                    "insurance_move_kind": "commission",
                    "amount_total": 36.72,
                }
            ],
        )
        self.assertEqual(
            credit_note.invoice_line_ids.name,
            "Chargeback, cancelled on 02/28/2026: "
            f"{policy.name} · Jonas Client · CASCO",
        )
        self.assertEqual(chargeback.move_id, credit_note)
        self.assertFalse(
            self.Line._create_commission_invoices("2026-06-30", insurers=insurer)
        )

    @freeze_time("2026-06-15")
    def test_chargeback_is_negative_line(self):
        """A chargeback in a month with commission: a negative line."""
        policy = self._create_policy(
            insurer_id=self.insurer_direct.id,
            date_start="2026-06-01",
            premium=1200.0,
        )
        self.Line._record_expected(policy)
        self.policy_single._cancel("Sold", "2026-06-10")
        self.Line._record_chargebacks(self.policy_single)
        invoice = self.Line._create_commission_invoices(
            "2026-06-30", date_from="2026-06-01", insurers=self.insurer_direct
        )
        # 180 x 152 / 365 = 74.96 earned: 105.04 given back
        self.assertEqual(
            sorted(invoice.invoice_line_ids.mapped("price_unit")), [-105.04, 180.0]
        )
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertAlmostEqual(invoice.amount_total, 74.96)

    @freeze_time("2026-02-01 03:00:00")
    def test_cron_invoices_previous_month(self):
        Line = self.Line.with_user(SUPERUSER_ID)
        invoices = Line._cron_invoice_commissions().filtered(
            lambda m: m.company_id == self.company
        )
        self.assertEqual(invoices.partner_id, self.insurer_direct | self.insurer_gamma)
        self.assertEqual(sorted(invoices.mapped("amount_total")), [6.0, 217.5])
        self.assertEqual(
            [str(date) for date in invoices.mapped("invoice_date")],
            ["2026-01-31", "2026-01-31"],
        )
        self.assertFalse(Line._cron_invoice_commissions())

    def test_wizard_invoicing_user(self):
        """An Invoicing user creates the commission invoices from the menu,
        although they may neither create taxes nor change the company."""
        Wizard = self.env["insurance.commission.invoice.wizard"].with_user(
            self.invoicing_user
        )
        wizard = Wizard.create(
            {
                "date_from": "2026-01-01",
                "date_to": "2026-01-31",
                "insurer_ids": [Command.set(self.insurer_direct.ids)],
            }
        )
        action = wizard.action_create()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(invoice.partner_id, self.insurer_direct)
        self.assertEqual(invoice.create_uid, self.invoicing_user)
        self.assertEqual(invoice.amount_total, 217.5)
        self.assertTrue(self.company.insurance_commission_tax_id)
        # Again: nothing left to invoice, said as such.
        action = Wizard.create(
            {
                "date_from": "2026-01-01",
                "date_to": "2026-01-31",
                "insurer_ids": [Command.set(self.insurer_direct.ids)],
            }
        ).action_create()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self._commission_invoices(), invoice)

    def test_wizard_bad_period(self):
        with self.assertRaises(ValidationError):
            self.env["insurance.commission.invoice.wizard"].create(
                {"date_from": "2026-02-01", "date_to": "2026-01-31"}
            )

    def test_wizard_defaults_previous_month(self):
        with freeze_time("2026-03-10"):
            wizard = self.env["insurance.commission.invoice.wizard"].create({})
        self.assertEqual(str(wizard.date_from), "2026-02-01")
        self.assertEqual(str(wizard.date_to), "2026-02-28")

    def test_multi_company(self):
        """Each company invoices its own commission, with its own tax; a user
        sees and invoices only their company's."""
        company_2 = self.setup_other_company(name="Broker Two")["company"]
        product_2 = self.env["insurance.product"].create(
            {
                "name": "Home",
                "code": "B-HOME",
                "category": "property",
                "company_id": company_2.id,
            }
        )
        self.env["insurance.commission.rule"].create(
            {
                "insurer_id": self.insurer_direct.id,
                "business_type": "any",
                "rate": 20.0,
                "company_id": company_2.id,
            }
        )
        client_2 = self.env["res.partner"].create(
            {"name": "Petra Two", "company_id": company_2.id}
        )
        policy_2 = self._create_policy(
            insurer_id=self.insurer_direct.id,
            product_id=product_2.id,
            partner_id=client_2.id,
            company_id=company_2.id,
            currency_id=company_2.currency_id.id,
            date_start="2026-01-12",
        )
        self.Line._record_expected(policy_2)
        self.assertEqual(policy_2.commission_line_ids.company_id, company_2)
        self.assertEqual(policy_2.commission_line_ids.amount, 240.0)
        # The Invoicing user of the first company neither sees nor invoices it.
        Line = self.Line.with_user(self.invoicing_user)
        self.assertFalse(Line.search([("policy_id", "=", policy_2.id)]))
        Wizard = self.env["insurance.commission.invoice.wizard"].with_user(
            self.invoicing_user
        )
        Wizard.create(
            {"date_from": "2026-01-01", "date_to": "2026-01-31"}
        ).action_create()
        self.assertEqual(self._commission_invoices().company_id, self.company)
        self.assertEqual(len(self._commission_invoices()), 2)
        self.assertFalse(policy_2.commission_line_ids.move_line_id)
        # The monthly run invoices every company.
        invoices = self.Line.with_user(SUPERUSER_ID)._create_commission_invoices(
            "2026-01-31", companies=self.env["res.company"].sudo().search([])
        )
        invoice_2 = invoices.filtered(lambda m: m.company_id == company_2)
        self.assertEqual(invoice_2.amount_total, 240.0)
        self.assertEqual(invoice_2.journal_id.company_id, company_2)
        tax_2 = company_2.insurance_commission_tax_id
        self.assertEqual(invoice_2.invoice_line_ids.tax_ids, tax_2)
        self.assertEqual(tax_2.company_id, company_2)
        self.assertNotEqual(tax_2, self.company.insurance_commission_tax_id)

    def test_demo_data(self):
        """The demo file records what the demo policies lack and invoices
        each insurer collecting premiums (whatever policies the database
        holds)."""
        convert_file(
            self.env(user=SUPERUSER_ID),
            "insurance_broker_account",
            "demo/insurance_commission_demo.xml",
            {},
            mode="init",
            noupdate=True,
        )
        this_month = fields.Date.today().replace(day=1)
        Line = self.Line.with_user(SUPERUSER_ID)
        left = Line.search(
            [
                ("premium_collection", "=", "insurer"),
                ("move_line_id", "=", False),
                ("date", "<", this_month),
            ]
        )
        self.assertFalse(left, "everything up to last month is invoiced")
        with_commission = Line.search(
            [("premium_collection", "=", "insurer"), ("date", "<", this_month)]
        ).insurer_id
        invoiced = (
            self.env["account.move"]
            .with_user(SUPERUSER_ID)
            .search([("insurance_move_kind", "=", "commission")])
            .partner_id
        )
        self.assertEqual(invoiced, with_commission)
