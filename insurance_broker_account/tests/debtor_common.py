from datetime import timedelta

from odoo import Command, fields

from .common import InsuranceAccountCommon


class DebtorCommon(InsuranceAccountCommon):
    """Premium invoices made by hand (the invoicing run is tested on its
    own), reminder levels for the test company, and a second client managed
    by another salesperson; reused by the debtor, reminder, payment
    statistics and export tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The test company is not the main company that the data file gives
        # its levels: it gets the same defaults the button creates.
        cls.levels = cls.env["insurance.reminder.level"]._create_default_levels(
            cls.company
        )
        cls.level_first, cls.level_second, cls.level_final = cls.levels.sorted("days")
        cls.other_salesperson = cls.env["res.users"].create(
            {
                "name": "Olga Other",
                "login": "acc_sales_other",
                "email": "olga@example.com",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("insurance_broker.group_insurance_user_own").id,
                        ]
                    )
                ],
            }
        )
        cls.other_client = cls.env["res.partner"].create(
            {
                "name": "Vera Other Client",
                "client_type": "company",
                "client_manager_id": cls.other_salesperson.id,
                "email": "vera@example.com",
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _create_premium_invoice(
        cls, due, amount=100.0, policy=None, installment=None, post=True, **values
    ):
        """A posted premium invoice of ``policy``'s first free instalment,
        due on ``due``, as the invoicing run makes them."""
        policy = policy or cls._create_policy()
        due = fields.Date.to_date(due)
        installment = (
            installment or policy.installment_ids.filtered(lambda i: not i.move_id)[:1]
        )
        move = (
            cls.env["account.move"]
            .with_company(policy.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": policy.partner_id.id,
                    "invoice_date": due - timedelta(days=14),
                    "invoice_date_due": due,
                    "insurance_policy_id": policy.id,
                    "insurance_installment_id": installment.id,
                    "insurance_move_kind": "premium",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"{policy.name} premium",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                    **values,
                }
            )
        )
        if installment:
            installment.move_id = move
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, move, amount=None, date=None):
        """Register a payment of ``move`` (in full unless ``amount``)."""
        values = {"payment_date": date or move.invoice_date_due}
        if amount is not None:
            values["amount"] = amount
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
            ._create_payments()
        )
