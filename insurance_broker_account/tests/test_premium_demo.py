from odoo.tests import TransactionCase, tagged
from odoo.tools.convert import convert_file


@tagged("post_install", "-at_install")
class TestPremiumDemo(TransactionCase):
    """The demo database shows premium invoices paid, open and overdue by
    about 5, 12, 35 and 70 days (the reminder demo relies on them)."""

    def _ref(self, xmlid):
        return self.env.ref(f"insurance_broker_account.{xmlid}")

    def test_demo_premium_invoices(self):
        if not self.env.ref(
            "insurance_broker.client_jonas_weber", raise_if_not_found=False
        ):
            return  # a database without demo data has nothing to show
        policy = self.env.ref(
            "insurance_broker_account.policy_tomas_home_broker",
            raise_if_not_found=False,
        )
        if not policy or policy.state == "draft":
            # Installed before this demo existed (an update creates its
            # records but runs no function): load it as an installation does,
            # rolled back with the test.
            convert_file(
                self.env,
                "insurance_broker_account",
                "demo/insurance_account_demo.xml",
                {},
                mode="init",
                noupdate=True,
                kind="demo",
            )
        install_day = self._ref("policy_tomas_home_broker").create_date.date()

        def first_installment(xmlid):
            return self._ref(xmlid).installment_ids.sorted("sequence")[0]

        for xmlid, days_late in (
            ("policy_tomas_home_broker", 5),
            ("policy_marco_casco_broker", 12),
            ("policy_lumiere_liability_broker", 35),
            ("policy_hofmann_van_broker", 70),
        ):
            installment = first_installment(xmlid)
            invoice = installment.move_id
            self.assertEqual(invoice.state, "posted", xmlid)
            self.assertEqual(invoice.payment_state, "not_paid", xmlid)
            self.assertEqual(installment.invoice_state, "invoiced", xmlid)
            self.assertEqual((install_day - invoice.invoice_date_due).days, days_late)
            self.assertEqual((invoice.invoice_date_due - invoice.invoice_date).days, 14)
            # The next instalment is not yet within the lead time.
            self.assertEqual(
                self._ref(xmlid).installment_ids.filtered("move_id"), installment
            )
        for xmlid in ("policy_laura_casco_broker", "policy_nordbalt_trailer_broker"):
            installment = first_installment(xmlid)
            self.assertEqual(installment.invoice_state, "paid", xmlid)
            self.assertIn(installment.move_id.payment_state, ("paid", "in_payment"))
        upcoming = first_installment("policy_jonas_home_broker")
        self.assertEqual(upcoming.invoice_state, "invoiced")
        self.assertGreater(upcoming.move_id.invoice_date_due, install_day)
        self.assertEqual(
            self.env.ref(
                "insurance_broker.insurer_aurelia"
            ).insurance_premium_collection,
            "broker",
        )
        self.assertEqual(
            self.env.ref("insurance_broker.product_life").product_id.type, "service"
        )
        # Insurance_broker's own demo policies keep their billing.
        self.assertEqual(
            self.env.ref("insurance_broker.policy_tomas_mtpl").premium_collection,
            "insurer",
        )
