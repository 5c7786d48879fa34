from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestFunnelReport(InsuranceCrmCommon):
    """The funnel counts the deals entering each stage, those moving on and
    the days they stayed, from the stage changes the chatter tracked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        cls.head = new_test_user(
            cls.env,
            login="funnel_head",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Helen Head",
        )

    def _create(self, name, user, when):
        """A deal created in Gathering information at ``when``."""
        with freeze_time(when):
            lead = self.env["crm.lead"].create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": self.client.id,
                    "team_id": self.team_sales.id,
                    "stage_id": self.stage["sales_gathering"].id,
                    "user_id": user.id,
                    "insurance_product_id": self.product_casco.id,
                }
            )
            self.env.cr.flush()  # the chatter's tracking, as at commit
        # The ORM dates a record with the database transaction's clock, which
        # freezegun does not stop: date it as the user created it.
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s", (when, lead.id)
        )
        lead.invalidate_recordset(["create_date"])
        return lead

    def _move(self, lead, code, when, **vals):
        with freeze_time(when):
            lead.write(dict(vals, stage_id=self.stage[code].id))
            # The stage change is tracked when the transaction commits.
            self.env.cr.flush()

    def _build(self):
        """Three deals of the sales pipeline:

        A: Gathering 2 days, Waiting 1 day, Deciding 4.5 days, then in
           Collecting documents;
        B: Gathering 1 day, Waiting half a day, back to Gathering (still
           there);
        C (the other salesperson's): Gathering 4 days, then refused as too
           expensive.
        """
        deal_a = self._create("Funnel A", self.salesman, "2026-03-02 09:00:00")
        deal_b = self._create("Funnel B", self.salesman, "2026-03-02 09:00:00")
        deal_c = self._create("Funnel C", self.salesman_2, "2026-03-02 09:00:00")
        self._move(deal_b, "sales_waiting", "2026-03-03 09:00:00")
        self._move(deal_b, "sales_gathering", "2026-03-03 21:00:00")
        self._move(deal_a, "sales_waiting", "2026-03-04 09:00:00")
        self._move(deal_a, "sales_deciding", "2026-03-05 09:00:00")
        self._move(
            deal_c,
            "sales_refused",
            "2026-03-06 09:00:00",
            lost_reason_id=self.reason.id,
        )
        self._move(
            deal_a,
            "sales_documents",
            "2026-03-09 21:00:00",
            next_contact_date="2026-03-12",
            waiting_reason="The client's documents",
        )
        return deal_a, deal_b, deal_c

    def _by_stage(self, leads, user=None):
        Report = self.env["insurance.funnel.report"]
        if user:
            Report = Report.with_user(user)
        groups = Report.read_group(
            [("lead_id", "in", leads.ids), ("team_id", "=", self.team_sales.id)],
            [
                "entry_count:sum",
                "moved_on_count:sum",
                "conversion_rate:avg",
                "days_in_stage:avg",
            ],
            ["stage_id"],
        )
        return {
            self.env["crm.stage"].browse(group["stage_id"][0]).insurance_stage_code: (
                group["entry_count"],
                group["moved_on_count"],
                group["conversion_rate"],
                group["days_in_stage"],
            )
            for group in groups
        }

    def test_funnel_by_stage(self):
        deals = self.env["crm.lead"].union(*self._build())
        figures = self._by_stage(deals, self.head)
        # Gathering: A, B, C and B again (still there); A and B moved on to
        # Waiting; days of the three that left: 2, 1 and 4.
        self.assertEqual(figures["sales_gathering"][:3], (4, 2, 50.0))
        self.assertAlmostEqual(figures["sales_gathering"][3], (2 + 1 + 4) / 3)
        # Waiting: A moved on after 1 day, B went back after half a day.
        self.assertEqual(figures["sales_waiting"], (2, 1, 50.0, 0.75))
        self.assertEqual(figures["sales_deciding"], (1, 1, 100.0, 4.5))
        # Still there: an entry, not moved on, no days yet.
        self.assertEqual(figures["sales_documents"][:3], (1, 0, 0.0))
        self.assertFalse(figures["sales_documents"][3])
        # Refused is later in the pipeline, but no step forward.
        self.assertEqual(figures["sales_refused"][:3], (1, 0, 0.0))
        self.assertEqual(len(figures), 5)

    def test_rows_of_a_deal(self):
        deal_a, deal_b, deal_c = self._build()
        rows = self.env["insurance.funnel.report"].search(
            [("lead_id", "=", deal_b.id)], order="date_entered, id"
        )
        self.assertEqual(
            [
                (
                    row.stage_id.insurance_stage_code,
                    str(row.date_entered),
                    str(row.date_left or ""),
                    row.next_stage_id.insurance_stage_code or False,
                    row.is_moved_on,
                    row.is_open,
                )
                for row in rows
            ],
            [
                (
                    "sales_gathering",
                    "2026-03-02 09:00:00",
                    "2026-03-03 09:00:00",
                    "sales_waiting",
                    True,
                    False,
                ),
                (
                    "sales_waiting",
                    "2026-03-03 09:00:00",
                    "2026-03-03 21:00:00",
                    "sales_gathering",
                    False,
                    False,
                ),
                ("sales_gathering", "2026-03-03 21:00:00", "", False, False, True),
            ],
        )
        self.assertEqual(rows.user_id, self.salesman)
        self.assertEqual(rows.product_id, self.product_casco)
        self.assertEqual(rows.team_id, self.team_sales)

    def test_date_filter_keeps_the_next_entry(self):
        """The period's filter picks the entries, not the stage changes read
        for them: an entry of the period still leaves at a change after it,
        and the stage a deal was created in comes from its first change."""
        deal_a, deal_b, deal_c = self._build()
        Report = self.env["insurance.funnel.report"]

        def rows(domain):
            return [
                (
                    row.stage_id.insurance_stage_code,
                    str(row.date_left or ""),
                    row.next_stage_id.insurance_stage_code or False,
                )
                for row in Report.search(
                    [("lead_id", "=", deal_a.id), *domain], order="date_entered, id"
                )
            ]

        # Up to the 4th: created in Gathering, left on the 4th for Waiting.
        self.assertEqual(
            rows([("date_entered", "<", "2026-03-04 00:00:00")]),
            [("sales_gathering", "2026-03-04 09:00:00", "sales_waiting")],
        )
        # From the 4th to the 5th (excluded): Waiting, left on the 5th.
        self.assertEqual(
            rows(
                [
                    ("date_entered", ">=", "2026-03-04 00:00:00"),
                    ("date_entered", "<", "2026-03-05 00:00:00"),
                ]
            ),
            [("sales_waiting", "2026-03-05 09:00:00", "sales_deciding")],
        )
        # The stage filter too: Deciding alone, left after 4.5 days.
        self.assertEqual(
            rows([("stage_id", "=", self.stage["sales_deciding"].id)]),
            [("sales_deciding", "2026-03-09 21:00:00", "sales_documents")],
        )

    def test_lost_reason_on_the_stage_it_was_lost_from(self):
        deal_a, deal_b, deal_c = self._build()
        self.assertFalse(deal_c.active, "the refused deal is lost")
        groups = self.env["insurance.funnel.report"].read_group(
            [
                ("lead_id", "in", (deal_a | deal_b | deal_c).ids),
                ("lost_reason_id", "!=", False),
            ],
            ["entry_count:sum"],
            ["lost_reason_id", "stage_id"],
            lazy=False,
        )
        self.assertEqual(
            [
                (group["lost_reason_id"][0], group["stage_id"][0], group["entry_count"])
                for group in groups
            ],
            [(self.reason.id, self.stage["sales_gathering"].id, 1)],
        )

    def test_own_documents_salesperson_sees_own_deals(self):
        deal_a, deal_b, deal_c = self._build()
        deals = deal_a | deal_b | deal_c
        Report = self.env["insurance.funnel.report"]
        self.assertEqual(
            Report.with_user(self.salesman)
            .search([("lead_id", "in", deals.ids)])
            .lead_id,
            deal_a | deal_b,
        )
        self.assertEqual(
            Report.with_user(self.salesman_2)
            .search([("lead_id", "in", deals.ids)])
            .lead_id,
            deal_c,
        )
        # Their own figures only: A and B, and B again, entered Gathering.
        figures = self._by_stage(deals, self.salesman)
        self.assertEqual(figures["sales_gathering"][:2], (3, 2))
        self.assertAlmostEqual(figures["sales_gathering"][2], 200 / 3)
        self.assertNotIn("sales_refused", figures)
        # A user of the insurance book without the CRM reads no funnel.
        with self.assertRaises(AccessError):
            Report.with_user(self.user_own).search([])

    def test_other_company_deals_are_not_shown(self):
        deal_a, deal_b, deal_c = self._build()
        # Straight in the table: the deal's client and product belong to this
        # company, which the ORM would rightly refuse to mix.
        self.env.cr.execute(
            "UPDATE crm_lead SET company_id = %s WHERE id = %s",
            (self.other_company.id, deal_c.id),
        )
        # The deal of another company stays out of the head of sales' funnel
        # when only this company is allowed.
        rows = (
            self.env["insurance.funnel.report"]
            .with_user(self.head)
            .with_context(allowed_company_ids=self.company.ids)
            .search([("lead_id", "in", (deal_a | deal_b | deal_c).ids)])
        )
        self.assertEqual(rows.lead_id, deal_a | deal_b)
