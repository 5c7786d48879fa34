from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestRenewalBuckets(InsuranceCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head_of_sales = new_test_user(
            cls.env,
            login="head_sales",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.renewal_team = cls.env.ref("insurance_broker_crm.team_insurance_renewal")
        cls.renewal_team.write(
            {"user_id": cls.head_of_sales.id, "member_ids": [(4, cls.salesman.id)]}
        )

    def _renewal_lead(self, date_start, stage="renewal_year", manager=None):
        # The lead of the test, not the one confirming opens (TestRenewalDeals)
        policy = self._create_policy(date_start=date_start)
        policy.with_context(insurance_renewal_deal_by_pipeline=True).action_confirm()
        lead = self.env["crm.lead"].create(
            {
                "name": f"Renew {policy.name}",
                "type": "opportunity",
                "partner_id": self.client.id,
                "team_id": self.renewal_team.id,
                "stage_id": self.stage[stage].id,
                "user_id": self.head_of_sales.id,
                "policy_id": policy.id,
                "insurance_client_manager_id": (manager or self.salesman).id,
            }
        )
        # Created before the cron runs, in a transaction of its own: mail
        # tracks what changes after (it discards changes in the creating one).
        self._flush_tracking()
        return lead

    @freeze_time("2026-06-01")
    def test_leads_move_to_the_bucket_of_their_end_date(self):
        # Policies ending on 31 May 2027, 30 Nov 2026, 31 Aug 2026: renewed
        # in a year, in exactly six months, in exactly three months.
        far = self._renewal_lead("2026-06-01")
        half = self._renewal_lead("2025-12-01")
        near = self._renewal_lead("2025-09-01")
        moved = self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(moved, 2)
        self.assertEqual(far.stage_id, self.stage["renewal_year"])
        self.assertEqual(half.stage_id, self.stage["renewal_6_months"])
        self.assertEqual(near.stage_id, self.stage["renewal_3_months"])
        self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 0)

    @freeze_time("2026-06-01")
    def test_a_lead_moved_further_by_hand_stays(self):
        lead = self._renewal_lead("2025-12-01", stage="renewal_3_months")
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(lead.stage_id, self.stage["renewal_3_months"])
        taken = self._renewal_lead("2025-07-01", stage="renewal_take")
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(taken.stage_id, self.stage["renewal_take"])

    @freeze_time("2026-06-03")
    def test_a_month_before_the_manager_takes_it_within_the_weekly_cap(self):
        self.env.company.insurance_renewal_weekly_cap = 1
        first = self._renewal_lead("2025-07-01")  # ends 30 Jun 2026
        second = self._renewal_lead("2025-07-02")
        outsider = new_test_user(
            self.env, login="outsider", groups="sales_team.group_sale_salesman"
        )
        third = self._renewal_lead("2025-07-03", manager=outsider)
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(first.stage_id, self.stage["renewal_take"])
        self.assertEqual(first.user_id, self.salesman)
        self.assertEqual(
            first.activity_ids.mapped("summary"), ["Take the client into work"]
        )
        self.assertEqual(first.activity_ids.user_id, self.salesman)
        # Over the cap, or not in the renewal department: the head of sales assigns.
        for lead in (second, third):
            self.assertEqual(lead.stage_id, self.stage["renewal_month"])
            self.assertEqual(
                lead.activity_ids.mapped("summary"), ["Assign a renewal manager"]
            )
            self.assertEqual(lead.activity_ids.user_id, self.head_of_sales)
        # Run again: nothing moves, no second task.
        self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 0)
        self.assertEqual(len(second.activity_ids), 1)

    # The cron moves leads set-wise: the rows, the recomputed fields, the
    # chatter and the automation rules must be what a stage write gives.

    def _scoring_statistics(self):
        """Predictive scoring statistics for the renewal team, so that a
        stage change really changes the probabilities."""
        first = self.env["crm.stage"].search(
            [("team_id", "=", False)], order="sequence, id", limit=1
        )
        self.env["crm.lead.scoring.frequency"].create(
            [
                {
                    "team_id": self.renewal_team.id,
                    "variable": "stage_id",
                    "value": str(stage_id),
                    "won_count": won,
                    "lost_count": lost,
                }
                for stage_id, won, lost in [
                    (first.id, 40.1, 40.1),
                    (self.stage["renewal_year"].id, 10.1, 30.1),
                    (self.stage["renewal_6_months"].id, 20.1, 20.1),
                    (self.stage["renewal_3_months"].id, 30.1, 10.1),
                ]
            ]
        )

    def _lead_row(self, lead):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT row_to_json(lead) FROM crm_lead lead WHERE id = %s", [lead.id]
        )
        row = self.env.cr.fetchone()[0]
        del row["id"]
        return row

    # What a stage note is to its reader: who wrote it, its kind and
    # subtype (the chatter's filters, the notifications), its text, the
    # change it records. Its thread parent, record name and reply-to are
    # set by message_post for notifications by e-mail; a note that notifies
    # nobody is logged without them, as mail's _message_log_batch does.
    NOTE_COLUMNS = ("author_id", "model", "message_type", "subtype_id", "body")

    def _stage_notes(self, lead):
        """The stage tracking notes of ``lead``: [(message columns that a
        reader sees, [tracking values], notified partners)]."""
        self._flush_tracking()
        self.env.cr.execute(
            """SELECT row_to_json(message), message.id
                 FROM mail_message message
                WHERE message.model = 'crm.lead' AND message.res_id = %s
                  AND EXISTS (SELECT 1 FROM mail_tracking_value value
                               WHERE value.mail_message_id = message.id)
             ORDER BY message.id""",
            [lead.id],
        )
        notes = []
        for message, message_id in self.env.cr.fetchall():
            message = {column: message[column] for column in self.NOTE_COLUMNS}
            self.env.cr.execute(
                "SELECT row_to_json(value) FROM mail_tracking_value value "
                "WHERE mail_message_id = %s ORDER BY id",
                [message_id],
            )
            values = [row for (row,) in self.env.cr.fetchall()]
            for value in values:
                del value["id"], value["mail_message_id"]
            self.env.cr.execute(
                "SELECT res_partner_id FROM mail_notification "
                "WHERE mail_message_id = %s ORDER BY res_partner_id",
                [message_id],
            )
            notified = [row[0] for row in self.env.cr.fetchall()]
            notes.append((message, values, notified))
        return notes

    @contextmanager
    def _stage_writes(self):
        """The leads given a stage by write() meanwhile, batch by batch."""
        Lead = type(self.env["crm.lead"])
        original = Lead.write
        written = []

        def write(records, vals):
            if "stage_id" in vals:
                written.append(records)
            return original(records, vals)

        with patch.object(Lead, "write", write):
            yield written

    @freeze_time("2026-06-01")
    def test_the_move_writes_what_a_stage_write_writes(self):
        # Pairs of identical leads (same policy, name, values): the first
        # moved by a stage write, the second by the cron. Ends 31 Aug 2026:
        # from "A year or more" to "3 months". Scored on the stage, the
        # country, the e-mail quality and the tags too.
        self._scoring_statistics()
        self.env["ir.config_parameter"].set_param(
            "crm.pls_fields", "phone_state,email_state,country_id,tag_ids"
        )
        country = self.env.ref("base.be")
        tags = self.env["crm.tag"].create([{"name": "Fleet"}, {"name": "VIP"}])
        self.env["crm.lead.scoring.frequency"].create(
            [
                {
                    "team_id": self.renewal_team.id,
                    "variable": variable,
                    "value": str(value),
                    "won_count": won,
                    "lost_count": lost,
                }
                for variable, value, won, lost in [
                    ("country_id", country.id, 25.1, 5.1),
                    ("email_state", "correct", 35.1, 15.1),
                    ("tag_id", tags[0].id, 45.1, 15.1),
                    ("tag_id", tags[1].id, 20.1, 40.1),
                ]
            ]
        )
        policy = self._create_policy(date_start="2025-09-01")
        policy.with_context(insurance_renewal_deal_by_pipeline=True).action_confirm()
        values = {
            "country_id": country.id,
            "email_from": "fleet@example.com",
            "tag_ids": [Command.set(tags.ids)],
            "name": "Renew the CASCO",
            "type": "opportunity",
            "partner_id": self.client.id,
            "team_id": self.renewal_team.id,
            "stage_id": self.stage["renewal_year"].id,
            "user_id": self.head_of_sales.id,
            "policy_id": policy.id,
            "insurance_client_manager_id": self.salesman.id,
            "expected_revenue": 1234.56,
            "recurring_revenue": 120.0,
        }
        pairs = [
            self.env["crm.lead"].create([values, values]),
            # a probability set by hand stays; the automated one follows
            self.env["crm.lead"].create([dict(values, probability=33.0)] * 2),
            # at 100 %, crm notes the stage change as won
            self.env["crm.lead"].create([dict(values, probability=100.0)] * 2),
        ]
        self._flush_tracking()
        before = {lead: self._lead_row(lead) for pair in pairs for lead in pair}
        for by_write, __ in pairs:
            by_write.write({"stage_id": self.stage["renewal_3_months"].id})
        with self._stage_writes() as written:
            self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 3)
        # crm's write, once for the batch, not lead by lead
        self.assertEqual(written, [pairs[0][1] | pairs[1][1] | pairs[2][1]])
        for by_write, by_cron in pairs:
            self.assertEqual(by_cron.stage_id, self.stage["renewal_3_months"])
            self.assertEqual(self._lead_row(by_cron), self._lead_row(by_write))
            notes = self._stage_notes(by_cron)
            self.assertEqual(len(notes), 1)
            self.assertEqual(notes, self._stage_notes(by_write))
            # Message-Ids of the same form (they differ by their random part)
            self.assertRegex(
                by_cron.message_ids.sorted("id")[-1].message_id,
                rf"^<\d{{15}}\.\d+\.\d{{15}}-openerp-{by_cron.id}-crm\.lead@.+>$",
            )
            self.assertEqual(
                notes[0][1][0]["new_value_integer"], self.stage["renewal_3_months"].id
            )
        self.assertEqual(
            self._stage_notes(pairs[2][1])[0][0]["subtype_id"],
            self.env.ref("crm.mt_lead_won").id,
        )
        # The recomputed fields did change: probability, prorated revenue.
        automated, manual, __ = (pair[1] for pair in pairs)
        self.assertNotEqual(
            automated.probability, before[automated]["probability"] or 0.0
        )
        self.assertEqual(automated.probability, automated.automated_probability)
        self.assertEqual(manual.probability, 33.0)
        self.assertNotEqual(
            manual.automated_probability, before[manual]["automated_probability"]
        )
        self.assertEqual(
            automated.prorated_revenue,
            round(1234.56 * automated.probability / 100.0, 2),
        )

    @freeze_time("2026-06-01")
    def test_the_stored_fields_need_no_recomputation(self):
        self._scoring_statistics()
        leads = self._renewal_lead("2025-12-01") | self._renewal_lead("2025-09-01")
        leads.expected_revenue = 1000.0
        self.env["crm.lead"]._cron_renewal_buckets()
        stored = [
            name
            for name, field in leads._fields.items()
            if field.store and field.compute
        ]
        before = leads.read(stored)
        self.env.invalidate_all()
        for name in stored:
            self.env.add_to_compute(leads._fields[name], leads)
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(leads.read(stored), before)

    @freeze_time("2026-06-01")
    def test_a_second_run_changes_nothing(self):
        leads = (
            self._renewal_lead("2026-06-01")
            | self._renewal_lead("2025-12-01")
            | self._renewal_lead("2025-09-01")
            | self._renewal_lead("2025-07-01")
        )
        self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 3)
        self._flush_tracking()
        state = [(self._lead_row(lead), self._stage_notes(lead)) for lead in leads]
        self.assertEqual(self.env["crm.lead"]._cron_renewal_buckets(), 0)
        self.assertEqual(
            [(self._lead_row(lead), self._stage_notes(lead)) for lead in leads], state
        )

    @freeze_time("2026-06-01")
    def test_a_follower_of_stage_changes_is_notified(self):
        follower = new_test_user(
            self.env,
            login="stage_watcher",
            groups="sales_team.group_sale_salesman_all_leads",
            notification_type="inbox",
        )
        watched = self._renewal_lead("2025-12-01")
        unwatched = self._renewal_lead("2025-12-01")
        watched.message_subscribe(
            partner_ids=follower.partner_id.ids,
            subtype_ids=self.env.ref("crm.mt_lead_stage").ids,
        )
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(self._stage_notes(watched)[0][2], follower.partner_id.ids)
        self.assertEqual(self._stage_notes(unwatched)[0][2], [])

    @freeze_time("2026-06-01")
    def test_automation_rules_on_the_buckets_run(self):
        Automation = self.env["base.automation"]
        model = self.env.ref("crm.model_crm_lead")
        for stage, priority in [("renewal_3_months", "2"), ("renewal_take", "3")]:
            Automation.create(
                {
                    "name": f"Priority on {stage}",
                    "model_id": model.id,
                    "trigger": "on_stage_set",
                    "trg_field_ref": self.stage[stage].id,
                    "action_server_ids": [
                        Command.create(
                            {
                                "name": f"Priority {priority}",
                                "model_id": model.id,
                                "state": "code",
                                "code": f"records.write({{'priority': '{priority}'}})",
                            }
                        )
                    ],
                }
            )
        three = self._renewal_lead("2025-09-01")  # to "3 months": the rule runs
        six = self._renewal_lead("2025-12-01")  # to "6–3 months": no rule
        with self._stage_writes() as written:
            self.env["crm.lead"]._cron_renewal_buckets()
        # Each bucket's batch goes through write(), which runs the rules.
        self.assertEqual(written, [three, six])
        self.assertEqual(three.stage_id, self.stage["renewal_3_months"])
        self.assertEqual(three.priority, "2")
        self.assertEqual(six.stage_id, self.stage["renewal_6_months"])
        self.assertEqual(six.priority, "0")
        for lead in three | six:
            self.assertEqual(len(self._stage_notes(lead)), 1)

    @freeze_time("2026-06-01")
    def test_in_the_creating_transaction_mail_tracks_nothing(self):
        # As a stage write: mail discards the tracking of a lead in the
        # transaction that creates it.
        policy = self._create_policy(date_start="2025-12-01")
        policy.with_context(insurance_renewal_deal_by_pipeline=True).action_confirm()
        by_write, by_cron = self.env["crm.lead"].create(
            [
                {
                    "name": f"Renew {policy.name}",
                    "type": "opportunity",
                    "partner_id": self.client.id,
                    "team_id": self.renewal_team.id,
                    "stage_id": self.stage["renewal_year"].id,
                    "policy_id": policy.id,
                }
            ]
            * 2
        )
        by_write.stage_id = self.stage["renewal_6_months"]
        self.env["crm.lead"]._cron_renewal_buckets()
        self.assertEqual(by_cron.stage_id, self.stage["renewal_6_months"])
        self.assertEqual(self._stage_notes(by_cron), [])
        self.assertEqual(self._stage_notes(by_write), [])
