from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .debtor_common import DebtorCommon


@tagged("post_install", "-at_install")
class TestPaymentReport(DebtorCommon):
    """Requested, received and late premium payments. Unpaid invoices are
    late from the database's today: the dates are relative to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.today = today

        def ago(days):
            return today - timedelta(days=days)

        policy = cls._create_policy(payment_frequency="monthly")
        cls.on_time = cls._create_premium_invoice(ago(30), 100.0, policy)
        cls._pay(cls.on_time, date=ago(35))
        cls.paid_late = cls._create_premium_invoice(ago(30), 200.0, policy)
        cls._pay(cls.paid_late, date=ago(20))
        cls.overdue = cls._create_premium_invoice(ago(10), 300.0, policy)
        cls.not_due = cls._create_premium_invoice(
            today + timedelta(days=10), 400.0, policy
        )
        cls.partial = cls._create_premium_invoice(ago(5), 500.0, policy)
        cls._pay(cls.partial, amount=100.0, date=ago(6))
        # Credited: not requested any more.
        cls.credited = cls._create_premium_invoice(ago(40), 600.0, policy)
        cls.credited._reverse_moves(cancel=True)
        # Vera's: another client type, manager, product and insurer.
        other_policy = cls._create_policy(
            partner_id=cls.other_client.id,
            product_id=cls.product_mtpl.id,
            insurer_id=cls.insurer_direct.id,
        )
        cls.other = cls._create_premium_invoice(ago(50), 1000.0, other_policy)
        cls._pay(cls.other, date=ago(55))

    def _lines(self, user=None):
        Report = self.env["insurance.payment.report"]
        if user:
            Report = Report.with_user(user)
        return Report.search([("company_id", "=", self.company.id)])

    def test_one_row_per_invoice(self):
        lines = self._lines()
        self.assertEqual(
            lines.move_id,
            self.on_time
            | self.paid_late
            | self.overdue
            | self.not_due
            | self.partial
            | self.other,
        )
        values = {
            line.move_id: (
                line.amount_requested,
                line.amount_received,
                line.amount_outstanding,
                line.is_late,
                line.days_late,
                line.amount_late,
            )
            for line in lines
        }
        self.assertEqual(values[self.on_time], (100.0, 100.0, 0.0, False, 0, 0.0))
        self.assertEqual(values[self.paid_late], (200.0, 200.0, 0.0, True, 10, 200.0))
        self.assertEqual(values[self.overdue], (300.0, 0.0, 300.0, True, 10, 300.0))
        self.assertEqual(values[self.not_due], (400.0, 0.0, 400.0, False, 0, 0.0))
        self.assertEqual(values[self.partial], (500.0, 100.0, 400.0, True, 5, 500.0))
        self.assertEqual(values[self.other], (1000.0, 1000.0, 0.0, False, 0, 0.0))
        paid_late = lines.filtered(lambda line: line.move_id == self.paid_late)
        self.assertEqual(paid_late.payment_date, self.today - timedelta(days=20))
        self.assertEqual(paid_late.policy_id, self.paid_late.insurance_policy_id)
        self.assertEqual(
            paid_late.installment_id, self.paid_late.insurance_installment_id
        )

    def test_statistics_by_client_manager_and_client_type(self):
        Report = self.env["insurance.payment.report"]
        company = [("company_id", "=", self.company.id)]
        measures = [
            "amount_requested:sum",
            "amount_received:sum",
            "amount_outstanding:sum",
            "late_count:sum",
            "amount_late:sum",
            "invoice_count:sum",
        ]
        by_manager = {
            manager: tuple(values)
            for manager, *values in Report._read_group(
                company, ["client_manager_id"], measures
            )
        }
        self.assertEqual(
            by_manager,
            {
                self.salesperson: (1500.0, 400.0, 1100.0, 3, 1000.0, 5),
                self.other_salesperson: (1000.0, 1000.0, 0.0, 0, 0.0, 1),
            },
        )
        for groupby, sam_key, olga_key in (
            ("client_type", "individual", "company"),
            ("partner_id", self.client, self.other_client),
            ("product_id", self.product_casco, self.product_mtpl),
            ("insurer_id", self.insurer_broker, self.insurer_direct),
        ):
            grouped = dict(Report._read_group(company, [groupby], ["amount_late:sum"]))
            self.assertEqual(grouped, {sam_key: 1000.0, olga_key: 0.0}, groupby)
        by_month = Report._read_group(
            company, ["date_due:month"], ["amount_requested:sum"]
        )
        self.assertEqual(sum(amount for _month, amount in by_month), 2500.0)

    def test_access(self):
        self.assertEqual(len(self._lines(self.invoicing_user)), 6)
        self.assertEqual(len(self._lines(self.insurance_manager)), 6)
        own = self._lines(self.salesperson)
        self.assertEqual(own.partner_id, self.client)
        self.assertEqual(len(own), 5)
        own.read(["partner_id", "product_id", "amount_requested", "amount_late"])
        self.assertEqual(
            self._lines(self.other_salesperson).partner_id, self.other_client
        )
