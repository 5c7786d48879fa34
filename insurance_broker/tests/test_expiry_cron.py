from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestExpiryCron(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ended = cls.env["insurance.policy"]
        for index in range(5):
            cls.ended |= cls._create_policy(
                confirm=True, date_start=f"2024-0{index + 1}-01"
            )
        cls.running = cls._create_policy(confirm=True, date_start="2026-01-01")
        cls.draft_ended = cls._create_policy(date_start="2024-01-01")
        cls.cancelled_ended = cls._create_policy(confirm=True, date_start="2024-06-01")
        cls.cancelled_ended._cancel("Sold", date(2024, 7, 1))
        # Policies confirmed in an earlier transaction: their changes are tracked
        # (mail skips tracking on records created in the same transaction).
        cls.env.flush_all()
        cls.env.cr.precommit.run()

    @freeze_time("2026-03-01")
    def test_expires_only_active_policies_past_their_end(self):
        done = self.env["insurance.policy"]._cron_expire_policies(batch_size=2)
        self.assertEqual(done, 5)
        self.assertEqual(set(self.ended.mapped("state")), {"expired"})
        self.assertEqual(self.running.state, "active")
        self.assertEqual(self.draft_ended.state, "draft")
        self.assertEqual(self.cancelled_ended.state, "cancelled")
        self._flush_tracking()
        state_changes = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "insurance.policy"),
                ("mail_message_id.res_id", "in", self.ended.ids),
                ("field_id.name", "=", "state"),
                ("new_value_char", "=", "Expired"),
            ]
        )
        self.assertEqual(len(state_changes), 5, "one tracked state change per policy")

    @freeze_time("2026-03-01")
    def test_run_twice_has_no_double_effect(self):
        Policy = self.env["insurance.policy"]
        self.assertEqual(Policy._cron_expire_policies(batch_size=3), 5)
        self._flush_tracking()
        messages = self.env["mail.message"].search_count(
            [("model", "=", "insurance.policy"), ("res_id", "in", self.ended.ids)]
        )
        self.assertEqual(Policy._cron_expire_policies(batch_size=3), 0)
        self._flush_tracking()
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", "insurance.policy"), ("res_id", "in", self.ended.ids)]
            ),
            messages,
        )

    @freeze_time("2026-12-31")
    def test_policy_in_force_on_its_last_day(self):
        self.env["insurance.policy"]._cron_expire_policies()
        self.assertEqual(self.running.state, "active")
        with freeze_time("2027-01-01"):
            self.env["insurance.policy"]._cron_expire_policies()
        self.assertEqual(self.running.state, "expired")

    @freeze_time("2026-03-01")
    def test_cron_record_runs_the_job(self):
        cron = self.env.ref("insurance_broker.ir_cron_expire_policies")
        cron.method_direct_trigger()
        self.assertEqual(set(self.ended.mapped("state")), {"expired"})

    @freeze_time("2026-03-01")
    def test_the_note_is_the_one_mail_tracking_writes(self):
        """The cron's batched note is the one mail's tracking writes for the
        same change made by an ordinary tracked write: author, kind,
        subtype, text and the change recorded."""
        by_cron, by_write = self.ended[:2]
        by_write._write_state({"state": "expired"})
        self.env["insurance.policy"]._cron_expire_policies()
        self._flush_tracking()

        def note(policy):
            message = policy.message_ids.filtered(
                lambda message: (
                    "Expired" in message.tracking_value_ids.mapped("new_value_char")
                )
            )
            self.assertEqual(len(message), 1)
            value = message.tracking_value_ids
            return (
                message.author_id,
                message.message_type,
                message.subtype_id,
                message.is_internal,
                str(message.body),
                value.field_id.name,
                value.old_value_char,
                value.new_value_char,
            )

        self.assertEqual(note(by_cron), note(by_write))
        self.assertEqual(note(by_cron)[-3:], ("state", "In Force", "Expired"))
