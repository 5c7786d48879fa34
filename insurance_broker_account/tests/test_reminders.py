from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.convert import convert_file

from .debtor_common import DebtorCommon

DUE = date(2026, 2, 2)


@tagged("post_install", "-at_install")
class TestReminders(DebtorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reminder = cls.env["insurance.reminder"]
        cls.policy = cls._create_policy(payment_frequency="quarterly")
        cls.invoice = cls._create_premium_invoice(DUE, amount=300.0, policy=cls.policy)
        cls.activity_type = cls.env.ref(
            "insurance_broker_account.mail_activity_type_debtor_reminder"
        )

    def _run(self, day):
        """Both phases, recording and delivery; how many were sent."""
        with freeze_time(day):
            return self.Reminder._send_reminders_now()

    def _record(self, day):
        with freeze_time(day):
            return self.Reminder._cron_send_reminders()

    def _deliver(self, day, **kwargs):
        with freeze_time(day):
            return self.Reminder._cron_deliver_reminders(**kwargs)

    def _create_premium_invoices(self, due, count):
        """``count`` posted premium invoices of the test policy, at once."""
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.client.id,
                    "invoice_date": due - timedelta(days=14),
                    "invoice_date_due": due,
                    "insurance_policy_id": self.policy.id,
                    "insurance_move_kind": "premium",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Premium", "quantity": 1, "price_unit": 50.0}
                        )
                    ],
                }
                for __ in range(count)
            ]
        )
        moves.action_post()
        return moves

    def _reminders(self, move=None):
        return self.Reminder.search([("move_id", "=", (move or self.invoice).id)])

    def _activities(self, move=None):
        """The client manager's tasks, on the invoice's policy."""
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "insurance.policy"),
                ("res_id", "=", (move or self.invoice).insurance_policy_id.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _reminder_messages(self, move=None):
        move = move or self.invoice
        return self.env["mail.message"].search(
            [
                ("model", "=", "account.move"),
                ("res_id", "=", move.id),
                ("message_type", "=", "email_outgoing"),
            ],
            order="id",
        )

    # ------------------------------------------------------------
    # Levels
    # ------------------------------------------------------------

    def test_default_levels(self):
        self.assertEqual(self.levels.mapped("days"), [3, 10, 30])
        self.assertEqual(
            self.levels.mapped("mail_template_id"),
            self.env.ref("insurance_broker_account.mail_template_reminder_first")
            | self.env.ref("insurance_broker_account.mail_template_reminder_second")
            | self.env.ref("insurance_broker_account.mail_template_reminder_final"),
        )
        self.assertFalse(self.level_final.collector_id)
        main_levels = (
            self.env["insurance.reminder.level"]
            .sudo()
            .search([("company_id", "=", self.env.ref("base.main_company").id)])
        )
        self.assertEqual(main_levels.mapped("days"), [3, 10, 30])
        # The button adds nothing to a company that has levels.
        self.assertFalse(
            self.env["insurance.reminder.level"]._create_default_levels(self.company)
        )

    def test_first_level_on_day_three(self):
        self.assertEqual(self._run("2026-02-04"), 0, "2 days late: nothing yet")
        self.assertFalse(self._reminders())

        self.assertEqual(self._run("2026-02-05"), 1)
        reminder = self._reminders()
        self.assertEqual(reminder.level_id, self.level_first)
        self.assertEqual(reminder.date, date(2026, 2, 5))
        self.assertEqual(reminder.days_late, 3)
        self.assertEqual(reminder.amount_due, 300.0)
        self.assertEqual(reminder.user_id, self.salesperson)
        self.assertEqual(reminder.policy_id, self.policy)
        self.assertEqual(reminder.state, "sent")

        # The first template, e-mailed to the client and kept in the chatter.
        message = self._reminder_messages()
        self.assertEqual(len(message), 1)
        self.assertIn("reminder, invoice", message.subject)
        self.assertIn(self.invoice.name, message.subject)
        self.assertIn(self.policy.name, message.body)
        self.assertIn("3 days late", message.body)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.state, "outgoing", "the e-mail waits in the mail queue")
        self.assertEqual(mail.recipient_ids, self.client)
        self.assertTrue(mail.is_notification, "the message stays once mail is sent")
        self.assertIn(message, self.invoice.message_ids, "shown in the chatter")

        # A task for the client manager, two days to call the client.
        activity = self._activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.date_deadline, date(2026, 2, 7))
        self.assertIn("First reminder", activity.summary)
        self.assertIn("3 days overdue", str(activity.note))
        self.assertIn(self.invoice.name, str(activity.note))
        self.assertIn("300.00", str(activity.note))
        # On the policy, which the salesperson of "Own Clients" can open;
        # the invoice they cannot.
        self.assertEqual(activity.res_model, "insurance.policy")
        self.assertEqual(activity.res_id, self.policy.id)
        self.assertIn(activity, self.policy.with_user(self.salesperson).activity_ids)
        activity.with_user(self.salesperson).read(["summary", "note"])
        self.assertFalse(
            self.invoice.with_user(self.salesperson).has_access("read"),
            "the task is where the salesperson can see it",
        )
        self.assertIn(self.activity_type.res_model, (False, "insurance.policy"))

    def test_in_the_clients_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.level_first.mail_template_id
        template.with_context(
            lang="fr_FR"
        ).subject = "Rappel : la facture {{ object.name }} est échue"
        self.client.lang = "fr_FR"
        self._run("2026-02-05")
        message = self._reminder_messages()
        self.assertEqual(
            message.subject, f"Rappel : la facture {self.invoice.name} est échue"
        )

    def test_in_lithuanian_and_russian(self):
        """The suite's own translations: a Lithuanian client gets the
        reminder in Lithuanian, a Russian-speaking one in Russian."""
        langs = ["lt_LT", "ru_RU"]
        for code in langs:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["insurance_broker_account"], langs
        )
        other = self.client.copy({"name": "Ирина Быкова", "lang": "ru_RU"})
        self.client.lang = "lt_LT"
        invoice_ru = self._create_premium_invoice(
            DUE,
            amount=120.0,
            policy=self._create_policy(partner_id=other.id, payment_frequency="single"),
        )
        self._run("2026-02-05")
        for move, words in (
            (self.invoice, ("priminimas", "Maloniai primename", "Sąskaita")),
            (invoice_ru, ("напоминание", "Напоминаем", "Счёт")),
        ):
            with self.subTest(client=move.partner_id.name):
                message = self._reminder_messages(move)
                self.assertIn(words[0], message.subject)
                self.assertIn(move.name, message.subject)
                for word in words[1:]:
                    self.assertIn(word, message.body)
                self.assertNotIn("reminder", message.subject)

    def test_each_level_on_its_day(self):
        sent = {}
        for day in ("2026-02-05", "2026-02-06", "2026-02-12", "2026-02-20",
                    "2026-03-04", "2026-03-20"):  # fmt: skip
            self._run(day)
            sent[day] = self._reminders().level_id.sorted("days")
        self.assertEqual(sent["2026-02-05"], self.level_first)
        self.assertEqual(sent["2026-02-06"], self.level_first)
        self.assertEqual(sent["2026-02-12"], self.level_first | self.level_second)
        self.assertEqual(sent["2026-02-20"], self.level_first | self.level_second)
        self.assertEqual(sent["2026-03-04"], self.levels)
        self.assertEqual(sent["2026-03-20"], self.levels, "nothing after the last")
        messages = self._reminder_messages()
        self.assertEqual(len(messages), 3)
        self.assertIn("second reminder", messages[1].subject)
        self.assertIn("10 days", messages[1].body)
        self.assertIn("final notice", messages[2].subject)
        self.assertIn("30 days", messages[2].body)
        self.assertEqual(len(self._activities()), 3)

    def test_cron_twice_sends_once(self):
        self.assertEqual(self._run("2026-02-12"), 1)
        self.assertEqual(self._run("2026-02-12"), 0)
        self.assertEqual(len(self._reminders()), 1)
        self.assertEqual(len(self._reminder_messages()), 1)
        self.assertEqual(len(self._activities()), 1)

    def test_recorded_reminder_is_not_sent_again(self):
        """An overlapping run that selected the reminder before this one
        recorded it inserts nothing and sends nothing."""
        with freeze_time("2026-02-05"):
            due = self.Reminder._select_reminders_due(date(2026, 2, 5))
            self.assertEqual(due, [(self.invoice.id, self.level_first.id, 3)])
            recorded = self.Reminder._record_reminders_due(date(2026, 2, 5))
            self.assertEqual(len(recorded), 1)
            self.assertFalse(self.Reminder._record_reminders_due(date(2026, 2, 5)))

    # ------------------------------------------------------------
    # Two phases: recording, delivery
    # ------------------------------------------------------------

    def test_recording_only_records(self):
        deliver_cron = self.env.ref(
            "insurance_broker_account.ir_cron_deliver_reminders"
        )
        triggers = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", deliver_cron.id)]
        )
        self.assertEqual(self._record("2026-02-05"), 1)
        reminder = self._reminders()
        self.assertEqual(reminder.state, "to_send")
        self.assertEqual(reminder.level_id, self.level_first)
        self.assertEqual(reminder.days_late, 3)
        self.assertEqual(reminder.amount_due, 300.0)
        # The stored related fields, written by the query, are the invoice's.
        self.assertEqual(reminder.partner_id, self.client)
        self.assertEqual(reminder.policy_id, self.policy)
        self.assertEqual(reminder.company_id, self.company)
        self.assertEqual(reminder.currency_id, self.invoice.currency_id)
        self.assertFalse(self._reminder_messages(), "nothing sent yet")
        self.assertFalse(self._activities())
        self.assertEqual(self.level_first.reminder_count, 1)
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count(
                [("cron_id", "=", deliver_cron.id)]
            ),
            len(triggers),
            "the delivery cron is triggered",
        )
        self.assertEqual(self._record("2026-02-05"), 0, "recorded once")

        self.assertEqual(self._deliver("2026-02-05"), 1)
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(len(self._reminder_messages()), 1)
        self.assertEqual(len(self._activities()), 1)

    def test_recording_is_set_wise(self):
        """Recording 6 or 50 reminders takes the same queries."""
        self._create_premium_invoices(DUE, 5)
        later = self._create_premium_invoices(DUE + timedelta(days=20), 50)

        def record(day):
            self.env.flush_all()
            with freeze_time(day):
                before = self.cr.sql_log_count
                recorded = self.Reminder._cron_send_reminders()
                return recorded, self.cr.sql_log_count - before

        self.assertEqual(record("2026-02-05")[0], 6)  # warms the caches up
        recorded, queries = record("2026-02-12")  # 6 second reminders
        self.assertEqual(recorded, 6)
        self.assertLessEqual(queries, 6)
        # 50 first reminders (the 6 others have their second one)
        self.assertEqual(record("2026-02-25"), (50, queries))
        self.assertEqual(
            self.Reminder.search([("move_id", "in", later.ids)]).level_id,
            self.level_first,
        )

    def test_delivery_in_batches(self):
        self._create_premium_invoices(DUE, 4)
        self.assertEqual(self._record("2026-02-05"), 5)
        self.assertEqual(self._deliver("2026-02-05", batch_size=2), 5)
        reminders = self.Reminder.search([("level_id", "=", self.level_first.id)])
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [
                    ("res_model", "=", "insurance.policy"),
                    ("res_id", "=", self.policy.id),
                    ("activity_type_id", "=", self.activity_type.id),
                ]
            ),
            5,
        )

    def test_delivery_twice_sends_once(self):
        self._record("2026-02-05")
        self.assertEqual(self._deliver("2026-02-05"), 1)
        self.assertEqual(self._deliver("2026-02-05"), 0)
        self.assertEqual(self._run("2026-02-05"), 0)
        self.assertEqual(len(self._reminder_messages()), 1)
        self.assertEqual(len(self._activities()), 1)

    def test_paid_before_delivery_is_not_sent(self):
        """Paid between the recording and the delivery: the reminder is
        cancelled, not sent, and the level is not recorded again."""
        self._record("2026-02-05")
        self._pay(self.invoice, date=date(2026, 2, 5))
        self.assertEqual(self._deliver("2026-02-05"), 0)
        reminder = self._reminders()
        self.assertEqual(reminder.state, "cancelled")
        self.assertFalse(self._reminder_messages())
        self.assertFalse(self._activities())
        self.assertEqual(self._run("2026-02-06"), 0)
        self.assertEqual(self._reminders(), reminder)

    def test_partly_paid_before_delivery_says_what_is_left(self):
        self._record("2026-02-05")
        self._pay(self.invoice, amount=100.0, date=date(2026, 2, 5))
        self.assertEqual(self._deliver("2026-02-06"), 1)
        reminder = self._reminders()
        self.assertEqual(reminder.amount_due, 200.0)
        self.assertEqual(reminder.date, date(2026, 2, 6), "the day it was sent")
        self.assertEqual(reminder.days_late, 4)
        self.assertIn("200.00", self._reminder_messages().body)
        self.assertIn("200.00", str(self._activities().note))

    def test_missed_levels_are_skipped(self):
        """The run did not run for a month: only the level reached is sent,
        not the earlier ones in a burst."""
        self.assertEqual(self._run("2026-03-09"), 1)
        self.assertEqual(self._reminders().level_id, self.level_final)
        self.assertEqual(len(self._reminder_messages()), 1)
        self.assertEqual(self._run("2026-03-10"), 0)

    def test_payment_stops_the_reminders(self):
        self._run("2026-02-05")
        self._pay(self.invoice, date=date(2026, 2, 8))
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self._run("2026-02-12")
        self._run("2026-03-04")
        self.assertEqual(self._reminders().level_id, self.level_first)

    def test_partial_payment_does_not_stop_them(self):
        self._run("2026-02-05")
        self._pay(self.invoice, amount=100.0, date=date(2026, 2, 8))
        self.assertEqual(self.invoice.payment_state, "partial")
        self._run("2026-02-12")
        second = self._reminders().filtered(lambda r: r.level_id == self.level_second)
        self.assertEqual(second.amount_due, 200.0)
        self.assertIn("200.00", self._reminder_messages()[-1].body)

    def test_credited_invoice_gets_no_reminder(self):
        self.invoice._reverse_moves(cancel=True)
        self.assertEqual(self.invoice.payment_state, "reversed")
        self.assertEqual(self._run("2026-02-12"), 0)

    def test_only_premium_invoices(self):
        self.invoice.button_draft()
        self.invoice.insurance_move_kind = "commission"
        self.invoice.action_post()
        self.assertEqual(self._run("2026-02-12"), 0)

    def test_collector_takes_over_at_the_last_level(self):
        collector = self.env["res.partner"].create(
            {"name": "Debt Recovery Ltd", "email": "cases@recovery.example"}
        )
        self.level_final.collector_id = collector
        self._run("2026-03-04")
        reminder = self._reminders()
        self.assertEqual(reminder.collector_id, collector)
        self.assertIn(collector, self.invoice.message_partner_ids)
        handover = self.env["mail.message"].search(
            [
                ("model", "=", "account.move"),
                ("res_id", "=", self.invoice.id),
                ("subtype_id", "=", self.env.ref("mail.mt_note").id),
                ("partner_ids", "in", collector.ids),
            ]
        )
        self.assertEqual(len(handover), 1)
        self.assertIn("handed to Debt Recovery Ltd", handover.body)
        self.assertIn(collector, handover.notified_partner_ids)
        activity = self._activities()
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.summary, "Hand the debt to Debt Recovery Ltd")
        # The client still gets the final notice.
        self.assertIn("final notice", self._reminder_messages().subject)

    def test_level_without_template_or_task(self):
        self.level_first.write({"mail_template_id": False, "create_activity": False})
        self.assertEqual(self._run("2026-02-05"), 1)
        self.assertEqual(self._reminders().level_id, self.level_first)
        self.assertFalse(self._reminder_messages())
        self.assertFalse(self._activities())

    def test_no_level_after_a_later_one(self):
        """The final notice went out; the levels are changed so that the
        second reminder is now the highest reached: it is not sent."""
        self._run("2026-03-04")
        self.level_final.days = 45
        self.assertEqual(self._run("2026-03-05"), 0)
        self.assertEqual(self._reminders().level_id, self.level_final)
        self.assertEqual(self._run("2026-03-19"), 0, "the final notice was sent")

    def test_archived_level_is_not_sent(self):
        self.level_second.active = False
        self._run("2026-02-05")
        self._run("2026-02-12")
        self.assertEqual(self._reminders().level_id, self.level_first)

    def test_follow_up_user_fallbacks(self):
        """Policy's client manager, else the client's, else the invoice's
        salesperson, else the activity type's default user."""
        policy = self._create_policy(client_manager_id=self.other_salesperson.id)
        first = self._create_premium_invoice(DUE, policy=policy)
        client = self.env["res.partner"].create(
            {"name": "Nobody's Client", "client_type": "individual"}
        )
        unmanaged = self._create_policy(partner_id=client.id)
        third_policy = self._create_policy(partner_id=client.id)
        # Confirming gave the client a manager: nobody manages it any more.
        client.client_manager_id = False
        (unmanaged | third_policy).client_manager_id = False
        second = self._create_premium_invoice(
            DUE, policy=unmanaged, invoice_user_id=self.invoicing_user.id
        )
        third = self._create_premium_invoice(
            DUE, policy=third_policy, invoice_user_id=self.env.ref("base.user_root").id
        )
        debt_desk = new_test_user(
            self.env, login="debt_desk", groups="base.group_user", name="Debt Desk"
        )
        self.activity_type.default_user_id = debt_desk
        self._run("2026-02-05")
        self.assertEqual(self._activities(first).user_id, self.other_salesperson)
        self.assertEqual(self._activities(second).user_id, self.invoicing_user)
        self.assertEqual(self._activities(third).user_id, debt_desk)
        self.assertEqual(self._reminders(third).user_id, debt_desk)

    def test_company_without_levels(self):
        """Each invoice follows its company's levels; a company without levels
        sends nothing, and the others are not held up."""
        other_company = self.setup_other_company(name="Broker Without Levels")[
            "company"
        ]
        product = self.env["insurance.product"].create(
            {
                "name": "Property",
                "code": "B-PROP",
                "category": "property",
                "company_id": other_company.id,
            }
        )
        client = self.env["res.partner"].create(
            {"name": "Other Company Client", "company_id": other_company.id}
        )
        policy = self._create_policy(
            company_id=other_company.id,
            partner_id=client.id,
            product_id=product.id,
            currency_id=other_company.currency_id.id,
        )
        foreign = self._create_premium_invoice(DUE, policy=policy)
        self.assertEqual(foreign.company_id, other_company)
        self.assertEqual(self._run("2026-03-04"), 1)
        self.assertFalse(self._reminders(foreign))
        self.assertEqual(self._reminders().level_id, self.level_final)

        # Its own levels, once created, apply to it (the final notice only,
        # reached long ago).
        self.env["insurance.reminder.level"].with_company(
            other_company
        ).action_create_default_levels()
        levels = self.env["insurance.reminder.level"].search(
            [("company_id", "=", other_company.id)]
        )
        self.assertEqual(levels.mapped("days"), [3, 10, 30])
        self.assertEqual(self._run("2026-03-05"), 1)
        sent = self._reminders(foreign)
        self.assertEqual(sent.company_id, other_company)
        self.assertEqual(sent.state, "sent")
        self.assertEqual(sent.level_id.company_id, other_company)
        self.assertEqual(sent.level_id.days, 30)

    def test_crons_run_the_jobs(self):
        with freeze_time("2026-02-05"):
            self.env.ref(
                "insurance_broker_account.ir_cron_send_reminders"
            ).method_direct_trigger()
            self.assertEqual(self._reminders().state, "to_send")
            self.env.ref(
                "insurance_broker_account.ir_cron_deliver_reminders"
            ).method_direct_trigger()
        self.assertEqual(self._reminders().level_id, self.level_first)
        self.assertEqual(self._reminders().state, "sent")
        self.assertEqual(len(self._reminder_messages()), 1)

    def test_levels_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "Days After Due Date .* 1 and"):
            self.env["insurance.reminder.level"].create(
                {"name": "Too early", "days": 0, "company_id": self.company.id}
            )
        with self.assertRaisesRegex(ValidationError, "already has a reminder level 10"):
            self.env["insurance.reminder.level"].create(
                {"name": "Twice", "days": 10, "company_id": self.company.id}
            )


@tagged("post_install", "-at_install")
class TestReminderDemo(TransactionCase):
    """The demo shows overdue invoices at each reminder level, the oldest
    handed to a debt collector."""

    def _load(self, path):
        # As an installation loads it, rolled back with the test.
        convert_file(
            self.env,
            "insurance_broker_account",
            path,
            {},
            mode="init",
            noupdate=True,
            kind="demo",
        )

    def test_demo_reminders(self):
        if not self.env.ref(
            "insurance_broker.client_jonas_weber", raise_if_not_found=False
        ):
            return  # a database without demo data has nothing to show
        policy = self.env.ref(
            "insurance_broker_account.policy_tomas_home_broker",
            raise_if_not_found=False,
        )
        if not policy or policy.state == "draft":
            self._load("demo/insurance_account_demo.xml")
        first_invoices = {
            days: self.env.ref(f"insurance_broker_account.{xmlid}")
            .installment_ids.sorted("sequence")[0]
            .move_id
            for xmlid, days in (
                ("policy_tomas_home_broker", 5),
                ("policy_marco_casco_broker", 12),
                ("policy_lumiere_liability_broker", 35),
                ("policy_hofmann_van_broker", 70),
            )
        }
        Reminder = self.env["insurance.reminder"]
        if not Reminder.search([("move_id", "=", first_invoices[5].id)]):
            self._load("demo/insurance_reminder_demo.xml")
        collector = self.env.ref("insurance_broker_account.demo_debt_collector")
        expected = {
            5: ("insurance_reminder_level_first", False),
            12: ("insurance_reminder_level_second", False),
            35: ("insurance_reminder_level_final", collector),
            70: ("insurance_reminder_level_final", collector),
        }
        for days, (level_xmlid, handed_to) in expected.items():
            reminder = Reminder.search([("move_id", "=", first_invoices[days].id)])
            self.assertEqual(
                reminder.level_id,
                self.env.ref(f"insurance_broker_account.{level_xmlid}"),
                days,
            )
            self.assertEqual(reminder.collector_id, handed_to or collector.browse())
            self.assertEqual(reminder.state, "sent")
            self.assertTrue(reminder.user_id, "a client manager follows it up")
        # Running the crons again the same day sends nothing more.
        self.assertEqual(Reminder._cron_send_reminders(), 0)
        self.assertEqual(Reminder._cron_deliver_reminders(), 0)
