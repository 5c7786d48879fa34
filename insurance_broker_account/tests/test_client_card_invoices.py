from datetime import date

from odoo.tests import freeze_time, tagged

from .common import InsuranceAccountCommon


@tagged("post_install", "-at_install")
class TestClientCardInvoices(InsuranceAccountCommon):
    """The client card counts the premium invoices of the client and its
    group companies, and what is due and overdue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.insurance_invoice_lead_days = 14
        Partner = cls.env["res.partner"]
        cls.group = Partner.create(
            {
                "name": "Nordbalt Group",
                "is_company": True,
                "client_type": "company",
                "client_manager_id": cls.salesperson.id,
                "company_id": cls.company.id,
            }
        )
        cls.subsidiary = Partner.create(
            {
                "name": "Nordbalt Transport",
                "is_company": True,
                "parent_id": cls.group.id,
                "client_type": "company",
                "client_manager_id": cls.salesperson.id,
                "company_id": cls.company.id,
            }
        )
        with freeze_time("2026-01-20"):
            cls.group_policy = cls._create_policy(
                partner_id=cls.group.id, payment_frequency="single", premium=500.0
            )
            cls.truck_policy = cls._create_policy(
                partner_id=cls.subsidiary.id,
                payment_frequency="monthly",
                premium=2400.0,
            )
            cls.env["insurance.policy.installment"]._invoice_due_installments(
                policies=cls.group_policy | cls.truck_policy
            )

    def test_group_card_sums_its_companies(self):
        # Single 500 due 1 Jan; monthly 200 due 1 Jan and 1 Feb. Invoiced on
        # 20 January, those of 1 January are due on the 27th.
        self.env["account.payment.register"].with_context(
            active_model="account.move",
            active_ids=self.group_policy.installment_ids.move_id.ids,
        ).create({"payment_date": date(2026, 1, 21)})._create_payments()
        with freeze_time("2026-01-28"):
            group = self.group.with_user(self.salesperson)
            self.assertRecordValues(
                group,
                [
                    {
                        "insurance_invoice_count": 3,
                        "insurance_amount_due": 400.0,
                        "insurance_amount_overdue": 200.0,
                    }
                ],
            )
            self.assertRecordValues(
                self.subsidiary,
                [
                    {
                        "insurance_invoice_count": 2,
                        "insurance_amount_due": 400.0,
                        "insurance_amount_overdue": 200.0,
                    }
                ],
            )
            self.assertEqual(self.client.insurance_invoice_count, 0)
            action = self.group.action_view_insurance_invoices()
            self.assertEqual(
                self.env["account.move"].search(action["domain"]),
                (self.group_policy | self.truck_policy).installment_ids.move_id,
            )

    def test_credit_note_lowers_what_is_due(self):
        with freeze_time("2026-01-28"):
            self.truck_policy._cancel("Truck sold", date(2026, 1, 15))
            self.group.invalidate_recordset()
            # February is credited; January stays due (and overdue).
            self.assertEqual(self.group.insurance_amount_due, 700.0)
            self.assertEqual(self.group.insurance_amount_overdue, 700.0)
            self.assertEqual(self.group.insurance_invoice_count, 3)

    def test_other_company_invoices_stay_out(self):
        shared = self.env["res.partner"].create({"name": "Shared Client"})
        with freeze_time("2026-01-25"):
            policy = self._create_policy(partner_id=shared.id)
            self.env["insurance.policy.installment"]._invoice_due_installments(
                policies=policy
            )
            self.assertEqual(shared.insurance_invoice_count, 1)
            self.assertEqual(shared.insurance_amount_due, 1200.0)
            company_2 = self.setup_other_company(name="Broker Two")["company"]
            shared = shared.with_context(allowed_company_ids=company_2.ids)
            self.assertEqual(shared.insurance_invoice_count, 0)
            self.assertEqual(shared.insurance_amount_due, 0.0)
