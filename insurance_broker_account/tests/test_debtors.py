from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .debtor_common import DebtorCommon


@tagged("post_install", "-at_install")
class TestDebtors(DebtorCommon):
    """The debtor list counts from the database's today (an SQL view): the
    invoices are due relative to the real today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.today = today

        def ago(days):
            return today - timedelta(days=days)

        # Jonas (Sam's client): two CASCO instalments 5 and 12 days late,
        # an MTPL one 70 days late and partly paid.
        cls.policy_casco = cls._create_policy(payment_frequency="quarterly")
        cls.casco_5 = cls._create_premium_invoice(ago(5), 100.0, cls.policy_casco)
        cls.casco_12 = cls._create_premium_invoice(ago(12), 200.0, cls.policy_casco)
        cls.policy_mtpl = cls._create_policy(product_id=cls.product_mtpl.id)
        cls.mtpl_70 = cls._create_premium_invoice(ago(70), 150.0, cls.policy_mtpl)
        cls._pay(cls.mtpl_70, amount=50.0, date=ago(60))
        # Vera (Olga's client): CASCO 35 days late, MTPL 3 days late.
        cls.policy_other = cls._create_policy(partner_id=cls.other_client.id)
        cls.other_35 = cls._create_premium_invoice(ago(35), 400.0, cls.policy_other)
        cls.policy_other_mtpl = cls._create_policy(
            partner_id=cls.other_client.id,
            product_id=cls.product_mtpl.id,
            insurer_id=cls.insurer_direct.id,
        )
        cls.other_3 = cls._create_premium_invoice(ago(3), 50.0, cls.policy_other_mtpl)

        # Not debts: not due yet, due today, paid, draft, credited, and
        # not a premium.
        not_debts = cls._create_policy(payment_frequency="monthly")
        cls._create_premium_invoice(today + timedelta(days=5), 10.0, not_debts)
        cls._create_premium_invoice(today, 10.0, not_debts)
        cls._pay(cls._create_premium_invoice(ago(20), 10.0, not_debts))
        cls._create_premium_invoice(ago(20), 10.0, not_debts, post=False)
        cls._create_premium_invoice(ago(20), 10.0, not_debts)._reverse_moves(
            cancel=True
        )
        commission = cls._create_premium_invoice(ago(20), 10.0, not_debts, post=False)
        commission.insurance_move_kind = "commission"
        commission.action_post()

    def _rows(self, user=None, domain=None):
        Debtor = self.env["insurance.debtor.report"]
        if user:
            Debtor = Debtor.with_user(user)
        return Debtor.search(
            [("company_id", "=", self.company.id), *(domain or [])],
            order="days_late desc",
        )

    def _row_values(self, rows):
        return [
            (
                row.partner_id,
                row.product_id,
                row.insurer_id,
                row.client_manager_id,
                row.days_late,
                row.bucket,
                row.invoice_count,
                row.amount_due,
            )
            for row in rows
        ]

    def test_rows_buckets_and_amounts(self):
        rows = self._rows()
        self.assertEqual(
            self._row_values(rows),
            [
                (
                    self.client,
                    self.product_mtpl,
                    self.insurer_broker,
                    self.salesperson,
                    70,
                    "over_60",
                    1,
                    100.0,
                ),
                (
                    self.other_client,
                    self.product_casco,
                    self.insurer_broker,
                    self.other_salesperson,
                    35,
                    "31_60",
                    1,
                    400.0,
                ),
                (
                    self.client,
                    self.product_casco,
                    self.insurer_broker,
                    self.salesperson,
                    12,
                    "8_30",
                    2,
                    300.0,
                ),
                (
                    self.other_client,
                    self.product_mtpl,
                    self.insurer_direct,
                    self.other_salesperson,
                    3,
                    "1_7",
                    1,
                    50.0,
                ),
            ],
        )
        self.assertEqual(rows[2].oldest_due_date, self.casco_12.invoice_date_due)
        self.assertEqual(rows[0].client_type, "individual")
        self.assertEqual(rows[1].client_type, "company")
        self.assertEqual(rows.mapped("amount_due_company"), [100.0, 400.0, 300.0, 50.0])

    def test_bucket_boundaries(self):
        boundaries = [(1, "1_7"), (7, "1_7"), (8, "8_30"), (30, "8_30"),
                      (31, "31_60"), (60, "31_60"), (61, "over_60")]  # fmt: skip
        for days, bucket in boundaries:
            client = self.env["res.partner"].create(
                {"name": f"Late {days}", "client_type": "individual"}
            )
            self._create_premium_invoice(
                self.today - timedelta(days=days),
                policy=self._create_policy(partner_id=client.id),
            )
            row = self._rows(domain=[("partner_id", "=", client.id)])
            self.assertEqual((row.days_late, row.bucket), (days, bucket))

    def test_payment_removes_the_debtor(self):
        self._pay(self.other_35)
        self._pay(self.other_3)
        self.assertNotIn(self.other_client, self._rows().partner_id)

    def test_grouped_by_bucket_and_manager(self):
        Debtor = self.env["insurance.debtor.report"]
        company = [("company_id", "=", self.company.id)]
        by_bucket = {
            bucket: (amount, count)
            for bucket, amount, count in Debtor._read_group(
                company, ["bucket"], ["amount_due_company:sum", "invoice_count:sum"]
            )
        }
        self.assertEqual(
            by_bucket,
            {
                "over_60": (100.0, 1),
                "31_60": (400.0, 1),
                "8_30": (300.0, 2),
                "1_7": (50.0, 1),
            },
        )
        by_manager = dict(
            Debtor._read_group(company, ["client_manager_id"], ["amount_due:sum"])
        )
        self.assertEqual(
            by_manager, {self.salesperson: 400.0, self.other_salesperson: 450.0}
        )

    def test_open_overdue_invoices(self):
        row = self._rows(domain=[("product_id", "=", self.product_casco.id),
                                 ("partner_id", "=", self.client.id)])  # fmt: skip
        action = row.with_user(self.invoicing_user).action_open_invoices()
        self.assertEqual(action["res_model"], "account.move")
        invoices = (
            self.env["account.move"]
            .with_user(self.invoicing_user)
            .search(action["domain"])
        )
        self.assertEqual(invoices, self.casco_5 | self.casco_12)
        single = self._rows(domain=[("partner_id", "=", self.other_client.id)])[0]
        action = single.action_open_invoices()
        self.assertEqual(action["res_id"], self.other_35.id)

    def test_client_manager_opens_the_instalments(self):
        row = self._rows(
            user=self.salesperson, domain=[("product_id", "=", self.product_casco.id)]
        )
        action = row.action_open_installments()
        installments = (
            self.env["insurance.policy.installment"]
            .with_user(self.salesperson)
            .search(action["domain"])
        )
        self.assertEqual(
            installments,
            self.casco_5.insurance_installment_id
            | self.casco_12.insurance_installment_id,
        )

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_invoicing_user_and_managers_see_every_debtor(self):
        for user in (self.invoicing_user, self.accountant, self.insurance_manager):
            rows = self._rows(user=user)
            self.assertEqual(len(rows), 4, user.name)
            self.assertEqual(rows.partner_id, self.client | self.other_client)

    def test_own_clients_user_sees_their_clients_only(self):
        rows = self._rows(user=self.salesperson)
        self.assertEqual(rows.partner_id, self.client)
        self.assertEqual(len(rows), 2)
        rows = self._rows(user=self.other_salesperson)
        self.assertEqual(rows.partner_id, self.other_client)
        # The names on the rows are readable (the list shows them).
        rows.read(["partner_id", "product_id", "insurer_id", "client_manager_id"])

    def test_other_company_debtors_stay_apart(self):
        other_company = self.setup_other_company(name="Second Broker")["company"]
        product = self.env["insurance.product"].create(
            {"name": "Travel", "category": "travel", "company_id": other_company.id}
        )
        client = self.env["res.partner"].create(
            {"name": "Second Broker Client", "company_id": other_company.id}
        )
        policy = self._create_policy(
            company_id=other_company.id,
            partner_id=client.id,
            product_id=product.id,
            currency_id=other_company.currency_id.id,
        )
        self._create_premium_invoice(self.today - timedelta(days=9), policy=policy)
        Debtor = self.env["insurance.debtor.report"]
        # The invoicing user works in the first company only.
        self.assertNotIn(
            client, Debtor.with_user(self.invoicing_user).search([]).partner_id
        )
        self.invoicing_user.company_ids |= other_company
        both = Debtor.with_user(self.invoicing_user).with_context(
            allowed_company_ids=[self.company.id, other_company.id]
        )
        self.assertIn(client, both.search([]).partner_id)
        first_only = Debtor.with_user(self.invoicing_user).with_context(
            allowed_company_ids=[self.company.id]
        )
        self.assertNotIn(client, first_only.search([]).partner_id)
        row = both.search([("partner_id", "=", client.id)])
        self.assertEqual(
            (row.company_id, row.days_late, row.bucket), (other_company, 9, "8_30")
        )
