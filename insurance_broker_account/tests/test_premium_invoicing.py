from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tests.common import RecordCapturer

from .common import InsuranceAccountCommon

INSTALLMENT_MODULE = (
    "odoo.addons.insurance_broker_account.models.insurance_policy_installment"
)
CRON = "insurance_broker_account.ir_cron_invoice_installments"


@tagged("post_install", "-at_install")
class TestPremiumInvoicing(InsuranceAccountCommon):
    """The daily run invoices the instalments of broker-collected policies
    falling due within the lead time, once, in their company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Installment = cls.env["insurance.policy.installment"]
        cls.company.insurance_invoice_lead_days = 14
        cls.reader = new_test_user(
            cls.env,
            login="acc_reader",
            groups="base.group_user,insurance_broker.group_insurance_reader",
            name="Rita Reader",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )

    def _capture_triggers(self):
        """The runs of the invoicing cron asked for within the block."""
        return RecordCapturer(
            self.env["ir.cron.trigger"].sudo(),
            [("cron_id", "=", self.env.ref(CRON).id)],
        )

    def _run(self, policies=None):
        """The invoicing run; returns the invoices it made for ``policies``
        (the database may hold other companies' books)."""
        moves = self.Installment._invoice_due_installments()
        if policies is not None:
            moves = moves.filtered(lambda m: m.insurance_policy_id in policies)
        return moves

    # ------------------------------------------------------------
    # Which instalments
    # ------------------------------------------------------------

    @freeze_time("2026-01-20")
    def test_cron_invoices_instalments_due_within_lead_time(self):
        single = self._create_policy(payment_frequency="single")
        quarterly = self._create_policy(payment_frequency="quarterly")
        monthly = self._create_policy(payment_frequency="monthly")
        insurer_collects = self._create_policy(
            payment_frequency="monthly", insurer_id=self.insurer_direct.id
        )
        draft = self._create_policy(confirm=False, payment_frequency="monthly")
        policies = single | quarterly | monthly | insurer_collects | draft
        self.assertEqual(
            (single | quarterly | monthly).mapped("premium_collection"),
            ["broker"] * 3,
        )
        self.assertEqual(insurer_collects.premium_collection, "insurer")

        self.assertGreaterEqual(self.Installment._cron_invoice_installments(), 4)
        moves = self.env["account.move"].search(
            [("insurance_policy_id", "in", policies.ids)]
        )

        # Due on or before 3 February (today + 14 days); those already due
        # (1 January) give the client 7 days from today.
        self.assertEqual(
            sorted((m.insurance_policy_id.name, m.invoice_date_due) for m in moves),
            sorted(
                [
                    (single.name, date(2026, 1, 27)),
                    (quarterly.name, date(2026, 1, 27)),
                    (monthly.name, date(2026, 1, 27)),
                    (monthly.name, date(2026, 2, 1)),
                ]
            ),
        )
        self.assertEqual(
            monthly.installment_ids.mapped("invoice_state"),
            ["invoiced"] * 2 + ["to_invoice"] * 10,
        )
        self.assertEqual(
            quarterly.installment_ids.mapped("invoice_state"),
            ["invoiced", "to_invoice", "to_invoice", "to_invoice"],
        )
        self.assertEqual(
            set(insurer_collects.installment_ids.mapped("invoice_state")),
            {"not_billed"},
        )
        self.assertFalse(insurer_collects.installment_ids.move_id)
        self.assertFalse(draft.installment_ids)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertEqual(
            {
                (m.insurance_installment_id.move_id, m.insurance_move_kind)
                for m in moves
            },
            {(m, "premium") for m in moves},
        )

    @freeze_time("2026-01-20")
    def test_invoice_amounts_and_labels(self):
        policy = self._create_policy(
            name="CASCO-778",
            payment_frequency="quarterly",
            premium=1000.0,
            vehicle_plate="KTR 552",
            vehicle_make="Skoda",
            vehicle_model="Octavia",
        )
        house = self._create_policy(
            payment_frequency="single",
            premium=480.0,
            product_id=self.product_mtpl.id,
            object_description="Flat, Main Street 1\nContents included",
        )
        invoice = self._run(policy)
        self.assertEqual(len(invoice), 1)
        installment = policy.installment_ids[0]
        self.assertRecordValues(
            invoice,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "partner_id": self.client.id,
                    "currency_id": policy.currency_id.id,
                    "company_id": self.company.id,
                    "journal_id": self.company_data["default_journal_sale"].id,
                    "invoice_date": date(2026, 1, 20),
                    # Due since 1 January: 7 days to pay from the invoice.
                    "invoice_date_due": date(2026, 1, 27),
                    "invoice_payment_term_id": False,
                    "invoice_origin": "CASCO-778",
                    "invoice_user_id": self.salesperson.id,
                    "amount_total": 250.0,
                    "amount_residual": 250.0,
                    "insurance_policy_id": policy.id,
                    "insurance_installment_id": installment.id,
                    "insurance_move_kind": "premium",
                }
            ],
        )
        line = invoice.invoice_line_ids
        self.assertRecordValues(
            line,
            [
                {
                    "product_id": self.premium_product_casco.id,
                    "quantity": 1.0,
                    "price_unit": 250.0,
                    "insurance_policy_id": policy.id,
                    "insurance_installment_id": installment.id,
                }
            ],
        )
        self.assertEqual(
            line.name,
            "CASCO premium, policy CASCO-778, insurer Alpha Insurance (broker "
            "collects)\nKTR 552 Skoda Octavia\nInstalment 1 of 4, due 2026-01-01",
        )
        self.assertEqual(installment.move_id, invoice)
        self.assertEqual(installment.invoice_state, "invoiced")
        # The payment term line is due on the invoice's due date.
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.date_maturity, date(2026, 1, 27))

        house_line = house.installment_ids.move_id.invoice_line_ids
        self.assertEqual(house_line.product_id, self.premium_product_mtpl)
        self.assertEqual(house_line.price_unit, 480.0)
        self.assertIn("\nFlat, Main Street 1\n", house_line.name)
        self.assertIn("Instalment 1 of 1", house_line.name)

    @freeze_time("2026-01-20")
    def test_running_twice_invoices_nothing_more(self):
        policy = self._create_policy(payment_frequency="monthly")
        first = self._run(policy)
        self.assertEqual(len(first), 2)
        self.assertFalse(self._run(policy))
        self.assertFalse(self.Installment._invoice_due_installments(policies=policy))
        self.assertEqual(
            self.env["account.move"].search_count(
                [("insurance_policy_id", "=", policy.id)]
            ),
            2,
        )
        # A day later the next instalment is not yet within the lead time.
        with freeze_time("2026-01-21"):
            self.assertFalse(self._run(policy))
        # On 18 February, 1 March is within 14 days.
        with freeze_time("2026-02-18"):
            third = self._run(policy)
        self.assertEqual(third.invoice_date_due, date(2026, 3, 1))
        self.assertEqual(third.insurance_installment_id.sequence, 3)

    @freeze_time("2026-01-20")
    def test_lead_time_follows_company_setting(self):
        policy = self._create_policy(payment_frequency="monthly")
        self.company.insurance_invoice_lead_days = 0
        self.assertEqual(
            self._run(policy).mapped("insurance_installment_id.date_due"),
            [date(2026, 1, 1)],
        )
        self.company.insurance_invoice_lead_days = 45
        self.assertEqual(
            sorted(self._run(policy).mapped("invoice_date_due")),
            [date(2026, 2, 1), date(2026, 3, 1)],
        )

    @freeze_time("2026-12-03")
    def test_invoices_are_never_born_overdue(self):
        """A policy confirmed on 3 December that started on 20 November: its
        first instalment is already due. It is invoiced at once (confirming
        runs the invoicing), due 7 days after the invoice, not on 20
        November; instalments due sooner than that get the same date, later
        ones their own."""
        self.company.insurance_invoice_grace_days = 7
        self.company.insurance_invoice_lead_days = 14
        with self._capture_triggers() as triggers:
            policy = self._create_policy(
                payment_frequency="monthly", date_start="2026-11-20"
            )
        self.assertTrue(triggers.records, "confirming runs the invoicing at once")
        late = self._create_policy(payment_frequency="monthly", date_start="2026-11-05")
        soon = self._create_policy(payment_frequency="monthly", date_start="2026-12-06")
        later = self._create_policy(
            payment_frequency="monthly", date_start="2026-12-15"
        )
        with self._capture_triggers() as triggers:
            self._create_policy(payment_frequency="monthly", date_start="2027-02-01")
        self.assertFalse(triggers.records, "nothing to invoice before February")
        self.Installment._cron_invoice_installments()
        moves = self.env["account.move"].search(
            [("insurance_policy_id", "in", (policy | late | soon | later).ids)]
        )
        self.assertEqual(
            sorted(
                (
                    m.insurance_installment_id.date_due,
                    m.invoice_date,
                    m.invoice_date_due,
                )
                for m in moves
            ),
            [
                (date(2026, 11, 5), date(2026, 12, 3), date(2026, 12, 10)),
                (date(2026, 11, 20), date(2026, 12, 3), date(2026, 12, 10)),
                (date(2026, 12, 5), date(2026, 12, 3), date(2026, 12, 10)),
                (date(2026, 12, 6), date(2026, 12, 3), date(2026, 12, 10)),
                (date(2026, 12, 15), date(2026, 12, 3), date(2026, 12, 15)),
            ],
        )
        self.assertFalse(policy.premium_overdue_amount)
        # The days are a setting; with none, an invoice is due on its date.
        self.company.insurance_invoice_grace_days = 0
        overdue = self._create_policy(
            payment_frequency="single", date_start="2026-10-01"
        )
        self.assertEqual(self._run(overdue).invoice_date_due, date(2026, 12, 3))
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.insurance_invoice_grace_days, 0)

    @freeze_time("2026-01-20")
    def test_batches_each_create_their_invoices_in_one_go(self):
        policies = self.env["insurance.policy"]
        for _index in range(5):
            policies |= self._create_policy(payment_frequency="single")
        Move = type(self.env["account.move"])
        with patch.object(
            Move, "create", autospec=True, side_effect=Move.create
        ) as create:
            moves = self.Installment._invoice_due_installments(
                policies=policies, batch_size=2
            )
        self.assertEqual(len(moves), 5)
        premium_creates = [
            call
            for call in create.call_args_list
            if any(v.get("insurance_move_kind") == "premium" for v in call.args[1])
        ]
        self.assertEqual([len(call.args[1]) for call in premium_creates], [2, 2, 1])

    # ------------------------------------------------------------
    # Concurrency
    # ------------------------------------------------------------

    @freeze_time("2026-01-20")
    def test_instalments_invoiced_by_another_run_meanwhile_are_skipped(self):
        policy = self._create_policy(payment_frequency="monthly")
        # This run selected the instalments; another run then invoices them
        # before this one locks its batch.
        selected = self.Installment._select_installments_to_invoice(policy)
        self.assertEqual(len(selected[self.company.id]), 2)
        other_run = self.Installment._invoice_due_installments(policies=policy)
        self.assertEqual(len(other_run), 2)
        late = self.Installment._invoice_batch(self.company, selected[self.company.id])
        self.assertFalse(late)
        self.assertEqual(len(policy.installment_ids.move_id), 2)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("insurance_policy_id", "=", policy.id)]
            ),
            2,
        )

    @freeze_time("2026-01-20")
    def test_instalments_locked_by_another_run_are_left_to_it(self):
        policy = self._create_policy(payment_frequency="monthly")
        first, second = policy.installment_ids[:2]
        lock = type(self.Installment)._lock_installments_to_invoice

        def lock_all_but_first(model, ids):
            # As SKIP LOCKED does when another run holds the first row.
            return lock(model, [i for i in ids if i != first.id])

        with patch.object(
            type(self.Installment),
            "_lock_installments_to_invoice",
            autospec=True,
            side_effect=lock_all_but_first,
        ):
            moves = self._run(policy)
        self.assertEqual(moves.insurance_installment_id, second)
        self.assertFalse(first.move_id)
        self.assertEqual(first.invoice_state, "to_invoice")
        # The next run bills what was left.
        self.assertEqual(self._run(policy).insurance_installment_id, first)

    def test_lock_query_skips_invoiced_rows(self):
        with freeze_time("2026-01-20"):
            policy = self._create_policy(payment_frequency="monthly")
            self._run(policy)
        installments = policy.installment_ids
        locked = self.Installment._lock_installments_to_invoice(installments.ids)
        self.assertEqual(locked, installments[2:])

    # ------------------------------------------------------------
    # Bad configuration
    # ------------------------------------------------------------

    @freeze_time("2026-01-20")
    def test_policy_without_invoicing_product_is_skipped_and_noted(self):
        no_service = self.env["insurance.product"].create(
            {
                "name": "Travel",
                "code": "A-TRAVEL",
                "category": "travel",
                "company_id": self.company.id,
            }
        )
        orphan = self._create_policy(product_id=no_service.id)
        fine = self._create_policy()
        with self.assertLogs(INSTALLMENT_MODULE, level="WARNING") as logs:
            moves = self._run(orphan | fine)
        self.assertEqual(moves.insurance_policy_id, fine)
        self.assertFalse(orphan.installment_ids.move_id)
        self.assertIn(orphan.name, "\n".join(logs.output))
        notes = orphan.message_ids.filtered(
            lambda m: m.subject == "Premium not invoiced"
        )
        self.assertEqual(len(notes), 1)
        self.assertIn("Travel", notes.body)
        # Noted once, not every day.
        with self.assertLogs(INSTALLMENT_MODULE, level="WARNING"):
            self._run(orphan)
        self.assertEqual(
            len(
                orphan.message_ids.filtered(
                    lambda m: m.subject == "Premium not invoiced"
                )
            ),
            1,
        )
        # Once the product is set, the next run invoices it.
        no_service.product_id = self.premium_product_mtpl
        self.assertEqual(self._run(orphan).insurance_policy_id, orphan)

    @freeze_time("2026-01-20")
    def test_refused_invoice_does_not_hold_the_others_back(self):
        closed = self.copy_account(self.company_data["default_account_revenue"])
        closed.deprecated = True
        service = self._create_product(
            name="Old premium",
            type="service",
            taxes_id=[Command.clear()],
            property_account_income_id=closed.id,
        )
        old_product = self.env["insurance.product"].create(
            {
                "name": "Old CASCO",
                "code": "A-OLD",
                "category": "casco",
                "product_id": service.id,
                "company_id": self.company.id,
            }
        )
        refused = self._create_policy(product_id=old_product.id)
        fine = self._create_policy()
        with self.assertLogs(INSTALLMENT_MODULE, level="WARNING") as logs:
            moves = self._run(refused | fine)
        self.assertEqual(moves.insurance_policy_id, fine)
        self.assertEqual(fine.installment_ids.move_id.state, "posted")
        self.assertFalse(refused.installment_ids.move_id)
        self.assertFalse(
            self.env["account.move"].search([("insurance_policy_id", "=", refused.id)])
        )
        self.assertIn("is deprecated", "\n".join(logs.output))
        note = refused.message_ids.filtered(
            lambda m: m.subject == "Premium not invoiced"
        )
        self.assertIn("is deprecated", note.body)

    def test_lead_days_must_be_sensible(self):
        with self.assertRaisesRegex(Exception, "between 0 and 366"):
            self.company.insurance_invoice_lead_days = -1

    # ------------------------------------------------------------
    # The button
    # ------------------------------------------------------------

    @freeze_time("2026-01-20")
    def test_invoicing_user_invoices_a_policy_now(self):
        policy = self._create_policy(payment_frequency="monthly")
        other = self._create_policy(payment_frequency="monthly")
        action = policy.with_user(self.invoicing_user).action_invoice_due_installments()
        moves = policy.installment_ids.move_id
        self.assertEqual(len(moves), 2)
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(action["domain"], [("id", "in", moves.ids)])
        self.assertEqual(moves.create_uid, self.invoicing_user)
        self.assertFalse(other.installment_ids.move_id, "only the policy asked")
        # Nothing left: the user is told so.
        action = policy.with_user(self.invoicing_user).action_invoice_due_installments()
        self.assertEqual(action["tag"], "display_notification")
        # The smart button lists them.
        action = policy.with_user(self.invoicing_user).action_view_premium_invoices()
        self.assertEqual(self.env["account.move"].search(action["domain"]), moves)
        self.assertEqual(policy.premium_invoice_count, 2)

    @freeze_time("2026-01-20")
    def test_only_invoicing_users_create_invoices(self):
        policy = self._create_policy(payment_frequency="monthly")
        for user in (self.reader, self.salesperson, self.insurance_manager):
            with self.assertRaises(AccessError):
                policy.with_user(user).action_invoice_due_installments()
        self.assertFalse(policy.installment_ids.move_id)

    @freeze_time("2026-01-20")
    def test_button_explains_what_cannot_be_invoiced(self):
        direct = self._create_policy(insurer_id=self.insurer_direct.id)
        draft = self._create_policy(confirm=False)
        no_service = self.env["insurance.product"].create(
            {"name": "Life", "code": "A-LIFE", "category": "life"}
        )
        orphan = self._create_policy(product_id=no_service.id)
        for policy, message in (
            (direct, "pays the premium to the insurer"),
            (draft, "is not active"),
            (orphan, "has no invoicing product"),
        ):
            with self.assertRaisesRegex(UserError, message):
                policy.with_user(self.invoicing_user).action_invoice_due_installments()
        self.assertFalse((direct | orphan).installment_ids.move_id)

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    @freeze_time("2026-01-20")
    def test_invoice_is_emailed_with_the_premium_template(self):
        template = self.env.ref(
            "insurance_broker_account.mail_template_premium_invoice"
        )
        self.assertEqual(
            template.report_template_ids, self.env.ref("account.account_invoices")
        )
        policy = self._create_policy(name="MAIL-1", vehicle_plate="AB 123")
        invoice = self._run(policy)
        self.assertEqual(invoice._get_mail_template(), template)
        # Queued for Odoo's sending cron, which is asked to run.
        self.assertTrue(invoice.sending_data)
        send_cron = self.env.ref("account.ir_cron_account_move_send")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", send_cron.id)])
        )
        self.env["account.move"]._cron_account_move_send(job_count=50)
        self.assertFalse(invoice.sending_data)
        self.assertTrue(invoice.is_move_sent)
        self.assertTrue(invoice.invoice_pdf_report_id)
        message = invoice.message_ids.filtered(
            lambda m: m.message_type == "comment" and "MAIL-1" in (m.subject or "")
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.client, message.partner_ids)
        self.assertIn("AB 123", message.body)
        self.assertIn("Instalment", message.body)
        self.assertTrue(
            message.attachment_ids.filtered(lambda a: a.name.endswith(".pdf"))
        )
        # E-mailed to the client.
        self.assertTrue(
            message.notification_ids.filtered(
                lambda n: (
                    n.res_partner_id == self.client and n.notification_type == "email"
                )
            )
        )

    # ------------------------------------------------------------
    # Companies
    # ------------------------------------------------------------

    @freeze_time("2026-01-20")
    def test_each_company_invoices_its_instalments_in_its_journal(self):
        company_2_data = self.setup_other_company(name="Broker Two")
        company_2 = company_2_data["company"]
        company_2.insurance_invoice_lead_days = 0
        service_2 = self._create_product(
            name="Premium (two)",
            type="service",
            taxes_id=[Command.clear()],
            company_id=company_2.id,
        )
        product_2 = self.env["insurance.product"].create(
            {
                "name": "CASCO two",
                "code": "B-CASCO",
                "category": "casco",
                "product_id": service_2.id,
                "company_id": company_2.id,
            }
        )
        client_2 = self.env["res.partner"].create(
            {"name": "Client Two", "company_id": company_2.id}
        )
        # Due in 5 days: within company 1's lead time, not company 2's.
        policy_1 = self._create_policy(date_start="2026-01-25")
        policy_2 = self._create_policy(
            date_start="2026-01-25",
            partner_id=client_2.id,
            product_id=product_2.id,
            company_id=company_2.id,
            currency_id=company_2.currency_id.id,
        )
        moves = self._run(policy_1 | policy_2)
        self.assertEqual(moves.insurance_policy_id, policy_1)
        self.assertEqual(moves.journal_id, self.company_data["default_journal_sale"])

        company_2.insurance_invoice_lead_days = 10
        moves_2 = self._run(policy_1 | policy_2)
        self.assertEqual(moves_2.insurance_policy_id, policy_2)
        self.assertEqual(moves_2.company_id, company_2)
        self.assertEqual(moves_2.journal_id, company_2_data["default_journal_sale"])
        self.assertEqual(moves_2.line_ids.account_id.company_ids, company_2)
        self.assertEqual(policy_2.installment_ids.move_id, moves_2)
        # A user of company 1 only sees company 1's instalments and invoices.
        self.assertFalse(
            self.env["account.move"]
            .with_user(self.invoicing_user)
            .search([("id", "in", (moves | moves_2).ids)])
            - moves
        )

    # ------------------------------------------------------------
    # Cron and screens
    # ------------------------------------------------------------

    @freeze_time("2026-01-20")
    def test_scheduled_action_invoices(self):
        policy = self._create_policy(payment_frequency="quarterly")
        cron = self.env.ref("insurance_broker_account.ir_cron_invoice_installments")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        cron.method_direct_trigger()
        self.assertEqual(
            policy.installment_ids.mapped("invoice_state"),
            ["invoiced", "to_invoice", "to_invoice", "to_invoice"],
        )

    @freeze_time("2026-01-20")
    def test_screens_open_for_each_role(self):
        policy = self._create_policy(payment_frequency="monthly")
        policy.with_user(self.invoicing_user).action_invoice_due_installments()
        invoice = policy.installment_ids[0].move_id
        for user in (self.salesperson, self.invoicing_user, self.accountant):
            policy_form = Form(policy.with_user(user))
            self.assertEqual(policy_form.premium_due_amount, 200.0)
            self.assertEqual(len(policy_form.installment_ids), 12)
            self.assertEqual(
                policy.with_user(user).installment_ids[0].invoice_state, "invoiced"
            )
            client_form = Form(self.client.with_user(user))
            self.assertEqual(client_form.insurance_amount_due, 200.0)
        for user in (self.invoicing_user, self.accountant):
            invoice_form = Form(invoice.with_user(user))
            self.assertEqual(invoice_form.insurance_policy_id, policy)
            action = invoice.with_user(user).action_open_insurance_policy()
            self.assertEqual(
                (action["res_model"], action["res_id"]), (policy._name, policy.id)
            )
        # The Invoicing page and the invoice column are there for invoicing
        # users; salespeople see the billing status without the invoice.
        arch = policy.with_user(self.invoicing_user).get_views([(False, "form")])
        self.assertIn('name="invoicing"', arch["views"]["form"]["arch"])
        self.assertIn("action_invoice_due_installments", arch["views"]["form"]["arch"])
        arch = policy.with_user(self.salesperson).get_views([(False, "form")])
        self.assertNotIn(
            "action_invoice_due_installments", arch["views"]["form"]["arch"]
        )
