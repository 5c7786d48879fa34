import base64
import json
import re
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import InsuranceCrmCommon

PIVOT_FUNCTION = re.compile(r"PIVOT\.(VALUE|HEADER)\((\d+),([^)]*)\)")
# The Data sheet's cells the scorecards show.
SCORECARD_CELL = re.compile(r"^Data!([A-Z]+\d+)$")


@tagged("post_install", "-at_install")
class TestInsuranceDashboard(InsuranceCrmCommon):
    """The "Insurance broker" dashboard (Dashboards › Insurance): its
    spreadsheet reads the production, retention, task and funnel analyses
    through Odoo pivots and charts, with the rights of whoever opens it.

    Who sees what:

    - the dashboard record is shown to the head of sales (Sales:
      Administrator) and the insurance managers (``group_ids``); a
      salesperson restricted to own documents cannot open it;
    - its figures are read with the reader's rights, so the record rules of
      the analyses apply to every figure: production and retention follow
      the policies' rules ("Own Clients": the policies they manage or whose
      client they manage; "Read-only"/"All Clients": every policy), the task
      analysis the tasks assigned to the user (all for "All Documents" and
      the insurance managers), the funnel the user's own and unassigned
      deals (all for "All Documents"). Had a salesperson of own documents
      the dashboard, they would see only their own figures (tested below on
      the same data sources).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(
            "insurance_broker_crm.spreadsheet_dashboard_insurance_broker"
        )
        cls.data = json.loads(base64.b64decode(cls.dashboard.spreadsheet_binary_data))
        cls.head_of_sales = cls.env.ref("insurance_broker_crm.user_head_of_sales")
        cls.year_filter = cls.data["globalFilters"][0]

    # ---- helpers ---------------------------------------------------------

    def _domain(self, domain, model):
        """A domain of the spreadsheet as the web client evaluates it."""
        if isinstance(domain, str):
            domain = safe_eval(
                domain,
                {
                    "context_today": lambda: fields.Date.context_today(model),
                    "relativedelta": relativedelta,
                    "datetime": datetime,
                    "time": time,
                },
            )
        return list(domain)

    def _year_domain(self, matching, year):
        """The global year filter's domain on a data source, as the
        spreadsheet adds it (its offset moves it to another year)."""
        match = matching.get(self.year_filter["id"]) or {}
        if not match.get("chain") or year is None:
            return []
        year += match.get("offset", 0)
        start, end = date(year, 1, 1), date(year, 12, 31)
        if match["type"] == "datetime":
            start = datetime.combine(start, time.min)
            end = datetime.combine(end, time.max)
        return [(match["chain"], ">=", start), (match["chain"], "<=", end)]

    def _measure_spec(self, model, name):
        field = model._fields[name]
        return f"{name}:count_distinct" if field.type == "many2one" else name

    def _read_pivot(self, pivot_id, user, year=None, years=None):
        """The groups of a pivot of the dashboard, read as ``user`` for the
        year of the global filter (or the span of ``years``)."""
        pivot = self.data["pivots"][str(pivot_id)]
        model = self.env[pivot["model"]].with_user(user)
        domain = self._domain(pivot["domain"], model)
        if years:
            first = self._year_domain(pivot["fieldMatching"], years[0])
            last = self._year_domain(pivot["fieldMatching"], years[1])
            domain += first[:1] + last[1:]
        else:
            domain += self._year_domain(pivot["fieldMatching"], year)
        groupby = [group["fieldName"] for group in pivot["rows"] + pivot["columns"]]
        measures = [
            self._measure_spec(model, m["fieldName"]) for m in pivot["measures"]
        ]
        return model.read_group(domain, measures, groupby, lazy=False)

    def _total(self, pivot_id, measure, user, **kwargs):
        return sum(
            group[measure] or 0 for group in self._read_pivot(pivot_id, user, **kwargs)
        )

    def _odoo_charts(self):
        return [
            figure
            for sheet in self.data["sheets"]
            for figure in sheet["figures"]
            if figure["tag"] == "chart" and figure["data"]["type"].startswith("odoo_")
        ]

    def _assert_path(self, model_name, chain, ftype, source):
        model = self.env[model_name]
        *path, last = chain.split(".")
        for name in path:
            self.assertIn(name, model._fields, f"{source}: {chain}")
            model = self.env[model._fields[name].comodel_name]
        self.assertIn(last, model._fields, f"{source}: {chain}")
        self.assertEqual(model._fields[last].type, ftype, f"{source}: {chain}")

    def _assert_groupable(self, model, spec, source):
        name = spec.split(":")[0]
        self.assertIn(name, model._fields, f"{source}: group by {spec}")
        self.assertTrue(
            model._fields[name]._description_groupable(self.env), f"{source}: {spec}"
        )

    def _assert_measure(self, model, name, source):
        self.assertIn(name, model._fields, f"{source}: measure {name}")
        field = model._fields[name]
        self.assertTrue(
            field.type == "many2one" or (field.aggregator and field.store),
            f"{source}: {name} is not a measure",
        )

    def _assert_filter_matching(self, model_name, matching, source):
        filter_ids = {f["id"] for f in self.data["globalFilters"]}
        for filter_id, match in matching.items():
            self.assertIn(filter_id, filter_ids, source)
            if match.get("chain"):
                self._assert_path(model_name, match["chain"], match["type"], source)

    def _assert_pivot_formulas(self, content, source):
        """The PIVOT.VALUE/PIVOT.HEADER calls of a cell name a pivot, one of
        its measures and its group-bys."""
        pivots = self.data["pivots"]
        calls = PIVOT_FUNCTION.findall(content)
        for kind, pivot_id, args in calls:
            self.assertIn(pivot_id, pivots, source)
            pivot = pivots[pivot_id]
            args = [arg.strip().strip('"') for arg in args.split(",")]
            groups = [g["fieldName"] for g in pivot["rows"] + pivot["columns"]]
            if kind == "VALUE":
                measures = [m["fieldName"] for m in pivot["measures"]]
                self.assertIn(args[0], measures, source)
                args = args[1:]
            for group in args[0::2]:
                self.assertIn(group.lstrip("#"), groups, source)
        return len(calls)

    # ---- tests -----------------------------------------------------------

    def test_every_pivot_names_existing_fields(self):
        """Each pivot reads an existing model with existing measures,
        group-bys, domain fields and date fields of the global filter, and
        reads without error. A renamed field of an analysis fails here."""
        self.assertEqual(self.year_filter["type"], "date")
        self.assertEqual(self.year_filter["defaultValue"], "this_year")
        self.assertTrue(self.data["pivots"])
        for pivot_id, pivot in self.data["pivots"].items():
            source = f"pivot {pivot_id} ({pivot['name']})"
            self.assertIn(pivot["model"], self.env, source)
            model = self.env[pivot["model"]]
            measures = [m["fieldName"] for m in pivot["measures"]]
            for measure in measures:
                self._assert_measure(model, measure, source)
            for group in pivot["rows"] + pivot["columns"]:
                self._assert_groupable(model, group["fieldName"], source)
            if pivot.get("sortedColumn"):
                self.assertIn(pivot["sortedColumn"]["measure"], measures, source)
            # An unknown field in the domain raises here.
            model._search(self._domain(pivot["domain"], model))
            self._assert_filter_matching(pivot["model"], pivot["fieldMatching"], source)
            self._read_pivot(pivot_id, self.env.user, year=date.today().year)

    def test_every_chart_names_existing_fields(self):
        """The bar and line charts read an existing model, measure,
        group-bys and domain fields."""
        charts = self._odoo_charts()
        self.assertEqual(
            sorted(chart["data"]["type"] for chart in charts), ["odoo_bar", "odoo_line"]
        )
        for chart in charts:
            data = chart["data"]
            source = f"chart {chart['id']}"
            meta = data["metaData"]
            self.assertIn(meta["resModel"], self.env, source)
            model = self.env[meta["resModel"]]
            self._assert_measure(model, meta["measure"], source)
            for spec in meta["groupBy"] + data["searchParams"]["groupBy"]:
                self._assert_groupable(model, spec, source)
            domain = self._domain(data["searchParams"]["domain"], model)
            model._search(domain)
            self._assert_filter_matching(
                meta["resModel"], data["fieldMatching"], source
            )
            model.read_group(domain, [meta["measure"]], meta["groupBy"], lazy=False)

    def test_every_formula_and_link_points_to_something(self):
        """Each pivot formula uses a measure and a group-by of its pivot, each
        scorecard shows a cell of the Data sheet, and the links and the
        charts' menus exist."""
        sheets = {sheet["name"]: sheet for sheet in self.data["sheets"]}
        formulas = 0
        for sheet in self.data["sheets"]:
            for ref, cell in sheet["cells"].items():
                content = cell.get("content", "")
                formulas += self._assert_pivot_formulas(
                    content, f"{sheet['name']}!{ref}"
                )
                for xmlid in re.findall(r"odoo://ir_menu_xml_id/([\w.]+)\)", content):
                    self.assertTrue(
                        self.env.ref(xmlid, raise_if_not_found=False), xmlid
                    )
            scorecards = [
                figure["data"]
                for figure in sheet["figures"]
                if figure["data"].get("type") == "scorecard"
            ]
            for scorecard in scorecards:
                for key in ("keyValue", "baseline"):
                    ref = SCORECARD_CELL.match(scorecard[key])
                    self.assertTrue(ref, scorecard["title"])
                    self.assertIn(ref[1], sheets["Data"]["cells"], scorecard["title"])
        self.assertGreater(formulas, 20)
        for xmlid in self.data["chartOdooMenusReferences"].values():
            self.assertTrue(self.env.ref(xmlid, raise_if_not_found=False), xmlid)

    def test_the_head_of_sales_opens_the_dashboard(self):
        """The head of sales and the insurance managers find the dashboard in
        the Insurance group; a salesperson of own documents does not."""
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Insurance")
        for user in (self.head_of_sales, self.manager):
            self.assertIn(
                self.dashboard, Dashboard.with_user(user).search([]), user.login
            )
            readonly = self.dashboard.with_user(user).get_readonly_dashboard()
            self.assertFalse(readonly.get("is_sample"))
            self.assertEqual(
                readonly["snapshot"]["pivots"].keys(), self.data["pivots"].keys()
            )
            # and may read every analysis it draws on (no #ERROR cell)
            for pivot in self.data["pivots"].values():
                self.env[pivot["model"]].with_user(user).check_access("read")
        self.assertNotIn(self.dashboard, Dashboard.with_user(self.salesman).search([]))
        with self.assertRaises(AccessError):
            self.dashboard.with_user(self.salesman).check_access("read")

    def test_the_demo_gives_figures(self):
        """On the demo data, every headline figure the head of sales reads
        has something in it: over this year and the last for the figures of
        the year filter (so that the test holds in January too), as they are
        for the others."""
        years = (date.today().year - 1, date.today().year)
        user = self.head_of_sales
        for pivot_id, measure in (
            (1, "premium"),
            (1, "commission_amount"),
            (1, "policy_count"),
            (5, "due_count"),
            (6, "task_count"),
            (8, "task_count"),
            (9, "lead_id"),
            (13, "commission"),
            (14, "task_cost"),
        ):
            with self.subTest(pivot=pivot_id, measure=measure):
                self.assertGreater(self._total(pivot_id, measure, user, years=years), 0)
        self.assertTrue(self._read_pivot(11, user, years=years))
        self.assertTrue(self._read_pivot(12, user, years=years))
        self.assertTrue(self._read_pivot(13, user, years=years))
        self.assertTrue(self._read_pivot(14, user, years=years))
        for chart in self._odoo_charts():
            meta = chart["data"]["metaData"]
            model = self.env[meta["resModel"]].with_user(user)
            domain = self._domain(chart["data"]["searchParams"]["domain"], model)
            matching = chart["data"]["fieldMatching"]
            domain += self._year_domain(matching, years[0])[:1]
            domain += self._year_domain(matching, years[1])[1:]
            groups = model.read_group(
                domain, [meta["measure"]], meta["groupBy"], lazy=False
            )
            self.assertTrue(
                any(group[meta["measure"]] for group in groups), chart["id"]
            )

    def test_a_salesperson_reads_only_own_figures(self):
        """Read with a salesperson's rights, the dashboard's data sources
        give their own figures only; the head of sales' give everyone's."""
        this_year = date.today().year
        start = date(this_year, 1, 1)
        client_2 = self.env["res.partner"].create(
            {
                "name": "Sara's Client",
                "client_type": "individual",
                "client_manager_id": self.salesman_2.id,
            }
        )
        client_1 = self.env["res.partner"].create(
            {
                "name": "Sam's Client",
                "client_type": "individual",
                "client_manager_id": self.salesman.id,
            }
        )
        self._create_policy(
            confirm=True, partner_id=client_1.id, date_start=start, premium=1000.0
        )
        self._create_policy(
            confirm=True, partner_id=client_2.id, date_start=start, premium=3000.0
        )
        overdue = fields.Date.today() - timedelta(days=2)
        for user in (self.salesman, self.salesman_2, self.salesman_2):
            lead = self.env["crm.lead"].create(
                {
                    "name": f"Deal of {user.name}",
                    "type": "opportunity",
                    "team_id": self.team_sales.id,
                    "user_id": user.id,
                }
            )
            self.env["mail.activity"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": self.env.ref(
                        "insurance_broker_crm.mail_activity_type_gather_information"
                    ).id,
                    "user_id": user.id,
                    "date_deadline": overdue,
                }
            )
        self.env.flush_all()

        self.assertEqual(
            self._total(1, "premium", self.salesman, year=this_year), 1000.0
        )
        self.assertEqual(self._total(7, "task_count", self.salesman), 1)
        self.assertEqual(
            {
                g["client_manager_id"][0]
                for g in self._read_pivot(11, self.salesman, year=this_year)
            },
            {self.salesman.id},
        )
        self.assertGreaterEqual(
            self._total(1, "premium", self.head_of_sales, year=this_year), 4000.0
        )
        self.assertGreaterEqual(self._total(7, "task_count", self.head_of_sales), 3)
