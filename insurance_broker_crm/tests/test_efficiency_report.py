from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCrmCommon

# "Today" of the analysis: a Monday.
TODAY = "2026-04-27 09:00:00"


@tagged("post_install", "-at_install")
class TestEfficiencyReport(InsuranceCrmCommon):
    """The efficiency analysis against a small book whose figures are worked
    out by hand below.

    Commission rules: Alpha 15 % on new CASCO, 10 % on the rest; Beta 20 %.
    Policies (confirmed unless said), client manager as employee:

    - P1 Sam, Alpha CASCO, premium 10,000, starts 1 Feb: 15 % = 1,500;
    - P2 Sam, Beta MTPL, premium 2,500, starts 10 Mar: 20 % = 500;
    - P3 Sara, Alpha MTPL, premium 4,000, starts 15 Mar: 10 % = 400;
    - P4 Sara, Beta CASCO, premium 3,000, starts 1 Apr: 20 % = 600;
    - P5 Sam, Alpha CASCO, premium 10,000, a draft: earns nothing.

    Done tasks ("Gather information" costs 300, "Get the missing data" 150):

    - D1, Sam's CASCO deal whose policy is P1 (Alpha) but whose chosen quote
      is Beta's (as a renewal placed elsewhere: the work earns the new
      insurer's commission, as the task analysis counts it): T1 Gather by
      Sam, done 5 Feb (300), T2 Gather by Sam, done 10 Feb (300);
    - D2, Sara's MTPL deal without a policy, Beta's quote chosen: T3 Gather
      by Sara, done 20 Mar (300), T4 Missing data by Sam, done 2 Apr (150);
      T5 Gather of Sara's still open: no cost;
    - D3, a deal of the other company with Alpha's quote: T6 Gather by a
      user of that company, done 15 Apr (300): not seen from ours.

    So, commission − task cost = profit:

    - by insurer: Alpha 1,500 + 400 = 1,900 − 0 = 1,900;
      Beta 500 + 600 = 1,100 − (300 + 300 + 300 + 150) 1,050 = 50;
    - by product: CASCO 1,500 + 600 = 2,100 − 600 (T1, T2) = 1,500;
      MTPL 500 + 400 = 900 − 450 (T3, T4) = 450;
    - by employee: Sam 1,500 + 500 = 2,000 − (300 + 300 + 150) 750 = 1,250;
      Sara 400 + 600 = 1,000 − 300 = 700;
    - by month: Feb 1,500 − 600 = 900; Mar 900 − 300 = 600; Apr 600 − 150
      = 450;
    - in all 3,000 − 1,050 = 1,950.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gather = cls.env.ref(
            "insurance_broker_crm.mail_activity_type_gather_information"
        )
        cls.missing = cls.env.ref(
            "insurance_broker_crm.mail_activity_type_missing_data"
        )
        cls.gather.insurance_cost_standard = 300.0
        cls.missing.insurance_cost_standard = 150.0
        cls.env["insurance.commission.rule"].create(
            {"insurer_id": cls.insurer_b.id, "business_type": "any", "rate": 20.0}
        )
        cls.head_of_sales = new_test_user(
            cls.env,
            login="efficiency_head",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Hugo Head",
        )
        cls.foreign_seller = new_test_user(
            cls.env,
            login="efficiency_foreign",
            groups="sales_team.group_sale_salesman",
            name="Fiona Foreign",
            company_id=cls.other_company.id,
            company_ids=cls.other_company.ids,
        )
        Partner = cls.env["res.partner"]
        cls.client_sam = Partner.create(
            {
                "name": "Sam's Client",
                "client_type": "individual",
                "client_manager_id": cls.salesman.id,
            }
        )
        cls.client_sara = Partner.create(
            {
                "name": "Sara's Client",
                "client_type": "individual",
                "client_manager_id": cls.salesman_2.id,
            }
        )

    def _policy(self, client, insurer, product, premium, date_start, confirm=True):
        return self._create_policy(
            confirm=confirm,
            partner_id=client.id,
            insurer_id=insurer.id,
            product_id=product.id,
            premium=premium,
            date_start=date_start,
        )

    def _deal(self, name, user, product, quote_insurer, policy=None, company=None):
        lead = self.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": (policy.partner_id if policy else self.client).id,
                "user_id": user.id,
                "insurance_product_id": product.id,
                "policy_id": policy.id if policy else False,
                # The other company's deal in no pipeline of ours.
                "team_id": False if company else self.team_sales.id,
                "company_id": (company or self.company).id,
            }
        )
        self.env["insurance.quote"].create(
            {"lead_id": lead.id, "insurer_id": quote_insurer.id, "premium": 100.0}
        ).action_choose()
        return lead

    def _task(self, lead, user, activity_type, day, done=True):
        with freeze_time(f"{day} 10:00:00"):
            task = self.env["mail.activity"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": day,
                }
            )
            if done:
                # Marked done by whoever: the cost goes to the assignee.
                task.action_feedback(feedback="Done")
            self.env.flush_all()
        return task

    def _book(self):
        sam, sara = self.salesman, self.salesman_2
        casco, mtpl = self.product_casco, self.product_mtpl
        alpha, beta = self.insurer_a, self.insurer_b
        p1 = self._policy(self.client_sam, alpha, casco, 10000.0, "2026-02-01")
        self._policy(self.client_sam, beta, mtpl, 2500.0, "2026-03-10")
        self._policy(self.client_sara, alpha, mtpl, 4000.0, "2026-03-15")
        self._policy(self.client_sara, beta, casco, 3000.0, "2026-04-01")
        self._policy(
            self.client_sam, alpha, casco, 10000.0, "2026-04-01", confirm=False
        )
        d1 = self._deal("D1", sam, casco, beta, policy=p1)
        d2 = self._deal("D2", sara, mtpl, beta)
        d3 = self._deal(
            "D3", self.foreign_seller, casco, alpha, company=self.other_company
        )
        self._task(d1, sam, self.gather, "2026-02-05")
        self._task(d1, sam, self.gather, "2026-02-10")
        self._task(d2, sara, self.gather, "2026-03-20")
        self._task(d2, sam, self.missing, "2026-04-02")
        self.open_task = self._task(d2, sara, self.gather, "2026-04-30", done=False)
        self._task(d3, self.foreign_seller, self.gather, "2026-04-15")

    def _figures(self, groupby, user=None, report=None):
        """The analysis as the pivot asks it, on this book's insurers:
        {group: (commission, task cost, profit, policies, tasks)}."""
        report = report or self.env["insurance.efficiency.report"]
        if user:
            report = report.with_user(user)
        rows = report.read_group(
            [("insurer_id", "in", (self.insurer_a | self.insurer_b).ids)],
            [
                "commission:sum",
                "task_cost:sum",
                "profit:sum",
                "policy_count:sum",
                "task_count:sum",
            ],
            [groupby],
            lazy=False,
        )
        result = {}
        for row in rows:
            key = row[groupby]
            if isinstance(key, tuple):
                key = key[0]
            result[key] = (
                row["commission"],
                row["task_cost"],
                row["profit"],
                row["policy_count"],
                row["task_count"],
            )
        return result

    @freeze_time(TODAY)
    def test_profit_by_insurer_product_employee_and_month(self):
        self._book()
        alpha, beta = self.insurer_a.id, self.insurer_b.id
        # As the head of sales: the other company's task is not seen.
        self.assertEqual(
            self._figures("insurer_id", user=self.head_of_sales),
            {
                alpha: (1900.0, 0.0, 1900.0, 2, 0),
                beta: (1100.0, 1050.0, 50.0, 2, 4),
            },
        )
        self.assertEqual(
            self._figures("product_id", user=self.head_of_sales),
            {
                self.product_casco.id: (2100.0, 600.0, 1500.0, 2, 2),
                self.product_mtpl.id: (900.0, 450.0, 450.0, 2, 2),
            },
        )
        self.assertEqual(
            self._figures("user_id", user=self.head_of_sales),
            {
                self.salesman.id: (2000.0, 750.0, 1250.0, 2, 3),
                self.salesman_2.id: (1000.0, 300.0, 700.0, 2, 1),
            },
        )
        self.assertEqual(
            self._figures("date:month", user=self.head_of_sales),
            {
                "February 2026": (1500.0, 600.0, 900.0, 1, 2),
                "March 2026": (900.0, 300.0, 600.0, 2, 1),
                "April 2026": (600.0, 150.0, 450.0, 1, 1),
            },
        )
        # The insurance manager sees the same book.
        self.assertEqual(
            self._figures("insurer_id", user=self.manager),
            self._figures("insurer_id", user=self.head_of_sales),
        )

    @freeze_time(TODAY)
    def test_a_task_goes_to_the_deals_chosen_quote_as_in_the_task_analysis(self):
        self._book()
        report = self.env["insurance.efficiency.report"]
        rows = report.search(
            [("lead_id.name", "in", ("D1", "D2")), ("task_count", "=", 1)]
        )
        self.assertEqual(
            sorted(
                (row.lead_id.name, row.insurer_id.name, row.product_id.name)
                for row in rows
            ),
            [
                ("D1", "Beta Assurance", "CASCO"),
                ("D1", "Beta Assurance", "CASCO"),
                ("D2", "Beta Assurance", "MTPL"),
                ("D2", "Beta Assurance", "MTPL"),
            ],
        )
        # The task analysis counts the same done tasks on the same insurers
        # and products, at the same cost.
        tasks = self.env["insurance.task.report"].search(
            [("lead_id.name", "in", ("D1", "D2")), ("state", "=", "done")]
        )
        self.assertEqual(
            sorted(
                (task.lead_id.name, task.insurer_id.id, task.product_id.id, task.cost)
                for task in tasks
            ),
            sorted(
                (row.lead_id.name, row.insurer_id.id, row.product_id.id, row.task_cost)
                for row in rows
            ),
        )
        # D2's third task is still open: no row, it has cost nothing yet.
        self.assertTrue(self.open_task.active)
        self.assertEqual(
            report.search_count([("lead_id.name", "=", "D2"), ("task_count", "=", 1)]),
            2,
        )

    @freeze_time(TODAY)
    def test_another_companys_task_is_left_out(self):
        self._book()
        # The superuser sees every company: the foreign task's 300 on Alpha,
        # which a user of our company does not see.
        everything = self._figures(
            "insurer_id", report=self.env["insurance.efficiency.report"].sudo()
        )
        self.assertEqual(everything[self.insurer_a.id], (1900.0, 300.0, 1600.0, 2, 1))
        self.assertEqual(
            self._figures("insurer_id", user=self.head_of_sales)[self.insurer_a.id],
            (1900.0, 0.0, 1900.0, 2, 0),
        )
        self.assertEqual(
            self._figures("user_id", user=self.foreign_seller),
            {self.foreign_seller.id: (0.0, 300.0, -300.0, 0, 1)},
        )

    @freeze_time(TODAY)
    def test_a_salesperson_of_own_documents_sees_only_their_figures(self):
        self._book()
        self.assertEqual(
            self._figures("user_id", user=self.salesman_2),
            {self.salesman_2.id: (1000.0, 300.0, 700.0, 2, 1)},
        )
        self.assertEqual(
            self._figures("insurer_id", user=self.salesman_2),
            {
                self.insurer_a.id: (400.0, 0.0, 400.0, 1, 0),
                self.insurer_b.id: (600.0, 300.0, 300.0, 1, 1),
            },
        )
        self.assertEqual(
            self._figures("user_id", user=self.salesman),
            {self.salesman.id: (2000.0, 750.0, 1250.0, 2, 3)},
        )
        # A colleague's row is not readable, even by id.
        sam_row = self.env["insurance.efficiency.report"].search(
            [("user_id", "=", self.salesman.id)], limit=1
        )
        with self.assertRaises(AccessError):
            sam_row.with_user(self.salesman_2).read(["profit"])
        # An insurance user without the CRM's groups reads no efficiency.
        with self.assertRaises(AccessError):
            self.env["insurance.efficiency.report"].with_user(self.user_own).search([])

    def test_the_analysis_opens_on_the_last_12_months(self):
        action = self.env.ref("insurance_broker_crm.insurance_efficiency_report_action")
        self.assertIn("search_default_last_12_months", action.context)
        pivot = self.env["insurance.efficiency.report"].get_view(view_type="pivot")
        for measure in ("commission", "task_cost", "profit"):
            self.assertIn(f'name="{measure}"', pivot["arch"])
