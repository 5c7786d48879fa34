from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.access_matrix import (
    ALL,
    CLIENTS,
    FULL,
    OWN,
    READ_ONLY,
    REFUSED,
    Subject,
    expect,
)
from odoo.addons.insurance_broker.tests.test_access_matrix import (
    OWN_CLIENTS,
    OWN_POLICIES,
    READER,
    InsuranceMatrixSubjects,
)

from .common import InsuranceCrmCommon

SALESMAN = "sales_team.group_sale_salesman"
ALL_LEADS = "sales_team.group_sale_salesman_all_leads"

# The CRM's groups, and the combinations a broker gives: a salesperson who
# also reads the insurance book, and one who manages their own clients (the
# demo's Lukas Vaitkus and Emma Schneider).
PROFILES = {
    "reader": [READER],
    "own": [OWN_CLIENTS],
    "sales_own": [SALESMAN],
    "sales_all": [ALL_LEADS],
    "sales_own_reader": [SALESMAN, READER],
    "sales_own_clients": [SALESMAN, OWN_CLIENTS],
}

# Quotes and drivers go with their lead: a salesperson's own leads and the
# unassigned ones ("client" records here), every lead for "All Documents".
OWN_LEADS = expect(CLIENTS, CLIENTS, CLIENTS, CLIENTS)
LEAD_DATA = {
    "reader": READ_ONLY,
    "own": REFUSED,
    "sales_own": OWN_LEADS,
    "sales_all": FULL,
    "sales_own_reader": expect(ALL, CLIENTS, CLIENTS, CLIENTS),
    "sales_own_clients": OWN_LEADS,
}

# The analyses of a salesperson's own work: theirs only, every row for "All
# Documents"; nothing for the insurance groups alone.
OWN_FIGURES = {
    "reader": REFUSED,
    "own": REFUSED,
    "sales_own": expect(OWN),
    "sales_all": READ_ONLY,
    "sales_own_reader": expect(OWN),
    "sales_own_clients": expect(OWN),
}

MATRIX = {
    "insurance.quote": LEAD_DATA,
    "insurance.lead.driver": LEAD_DATA,
    # The client's demands and needs: with their deal, as its quotes.
    "insurance.questionnaire.answer": LEAD_DATA,
    # The CRM's groups give nothing on policies: a salesperson sees the
    # policies of the insurance group they are also in.
    "insurance.policy": {
        "sales_own": REFUSED,
        "sales_all": REFUSED,
        "sales_own_reader": READ_ONLY,
        "sales_own_clients": OWN_POLICIES,
    },
    "insurance.policy.installment": {
        "sales_own": REFUSED,
        "sales_all": REFUSED,
        "sales_own_reader": READ_ONLY,
        "sales_own_clients": OWN_POLICIES,
    },
    # Odoo lets salespeople edit and create contacts; the client manager
    # stays "All Clients" business (a colleague's client is not created).
    "res.partner": {
        "sales_own": expect(ALL, ALL, CLIENTS),
        "sales_own_reader": expect(ALL, ALL, CLIENTS),
        "sales_own_clients": OWN_LEADS,
    },
    # The deal's checklist of documents: with their deal, as its quotes.
    "insurance.lead.document": LEAD_DATA,
    # The funnel analysis: with their deals, as Odoo's activity analysis (a
    # salesperson's own and the unassigned deals, every deal for "All
    # Documents"); the insurance groups alone see none.
    "insurance.funnel.report": {
        "reader": REFUSED,
        "own": REFUSED,
        "sales_own": expect(CLIENTS),
        "sales_all": READ_ONLY,
        "sales_own_reader": expect(CLIENTS),
        "sales_own_clients": expect(CLIENTS),
    },
    # The numbers that called: for administrators only.
    "insurance.call.number": dict.fromkeys(PROFILES, REFUSED),
    # The lateness reasons: a list every user picks from; the managers edit it.
    "insurance.lateness.reason": dict.fromkeys(PROFILES, READ_ONLY),
    # The task analysis: a salesperson sees the tasks assigned to them,
    # "All Documents" every task, as Odoo's activity analysis; the
    # insurance groups alone see none.
    "insurance.task.report": OWN_FIGURES,
    # The efficiency analysis, as the task analysis: a salesperson sees
    # their own figures (the commission of the policies they manage, the
    # cost of the tasks they did), "All Documents" every figure.
    "insurance.efficiency.report": OWN_FIGURES,
}


@tagged("post_install", "-at_install")
class TestCrmAccessMatrix(InsuranceMatrixSubjects, InsuranceCrmCommon):
    """The CRM's groups and combinations × quotes, drivers and the insurance
    models they touch × read/write/create/unlink."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_matrix(PROFILES, cls.insurer_a, cls.product_casco)
        cls.colleague.groups_id = [(4, cls.env.ref(SALESMAN).id)]

    def _matrix_leads(self, user):
        Lead = self.env["crm.lead"]
        values = {
            "own": {"user_id": user.id},
            "client": {"user_id": False},
            "other": {"user_id": self.colleague.id},
        }
        leads = {
            kind: Lead.create(
                dict(
                    vals,
                    name=f"Matrix {kind} lead",
                    type="opportunity",
                    team_id=self.team_sales.id,
                    company_id=self.company.id,
                )
            )
            for kind, vals in values.items()
        }
        leads["foreign"] = Lead.create(
            {
                "name": "Matrix foreign lead",
                "type": "lead",
                "user_id": False,
                "team_id": False,
                "company_id": self.other_company.id,
            }
        )
        return leads

    def _matrix_tasks(self, user, activity_type):
        """A task of each kind: the user's, a colleague's, another
        company's (a task always has an assignee)."""
        leads = self._matrix_leads(user)
        del leads["client"]
        assignees = {
            "own": user,
            "other": self.colleague,
            "foreign": self.foreign_user,
        }
        return {
            kind: self.env["mail.activity"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "summary": f"Matrix {kind} task",
                    "user_id": assignees[kind].id,
                }
            )
            for kind, lead in leads.items()
        }

    def _matrix_task_report_subject(self, user):
        """The analysis row of a task of each kind."""
        tasks = self._matrix_tasks(user, self.env.ref("mail.mail_activity_data_todo"))
        self.env.flush_all()
        report = self.env["insurance.task.report"]
        records = {
            kind: report.search([("activity_id", "=", task.id)])
            for kind, task in tasks.items()
        }
        for kind, record in records.items():
            self.assertEqual(len(record), 1, f"no task analysis row for {kind}")
        # Nothing to create in a view.
        return Subject(records, {"summary": "Checked"}, {}, read_field="summary")

    def _matrix_efficiency_report_subject(self, user):
        """The analysis row of a done task of each kind (a task type the
        broker keeps once done)."""
        tasks = self._matrix_tasks(
            user,
            self.env.ref("insurance_broker_crm.mail_activity_type_gather_information"),
        )
        for task in tasks.values():
            task.action_feedback(feedback="Done")
        self.env.flush_all()
        report = self.env["insurance.efficiency.report"]
        records = {
            kind: report.search([("lead_id", "=", task.res_id), ("task_count", "=", 1)])
            for kind, task in tasks.items()
        }
        for kind, record in records.items():
            self.assertEqual(len(record), 1, f"no efficiency row for {kind}")
        # Nothing to create in a view.
        return Subject(records, {"task_count": 2}, {}, read_field="task_cost")

    def _matrix_subject(self, model, user):
        if model == "insurance.funnel.report":
            return self._matrix_funnel_report_subject(user)
        if model == "insurance.lateness.reason":
            reason = self.env[model].create({"name": f"Matrix reason {user.login}"})
            return Subject(
                {"other": reason},
                {"name": "Checked"},
                {"other": {"name": "Matrix new reason"}},
                read_field="name",
            )
        if model == "insurance.task.report":
            return self._matrix_task_report_subject(user)
        if model == "insurance.efficiency.report":
            return self._matrix_efficiency_report_subject(user)
        if model == "insurance.call.number":
            companies = {
                "own": self.company,
                "other": self.company,
                "foreign": self.other_company,
            }

            def values(kind):
                return {
                    "company_id": companies[kind].id,
                    "number": f"+3706{user.id:04d}{len(kind)}",
                }

            records = {kind: self.env[model].create(values(kind)) for kind in companies}
            return Subject(
                records,
                {"call_count": 2},
                {kind: dict(values(kind), number="+37069999999") for kind in companies},
                read_field="number",
            )
        if model == "insurance.lead.document":
            # A document type is listed once a deal: the lines to create
            # are of another type than those created here.
            listed = self.env.ref("insurance_broker.document_type_id_card")
            created = self.env.ref("insurance_broker.document_type_driving_licence")

            def values(lead, document_type):
                return {"lead_id": lead.id, "document_type_id": document_type.id}

            leads = self._matrix_leads(user)
            return Subject(
                {
                    kind: self.env[model].create(values(lead, listed))
                    for kind, lead in leads.items()
                },
                {"received_manually": True},
                {kind: values(lead, created) for kind, lead in leads.items()},
                read_field="state",
            )
        if model not in (
            "insurance.quote",
            "insurance.lead.driver",
            "insurance.questionnaire.answer",
        ):
            return super()._matrix_subject(model, user)
        leads = self._matrix_leads(user)
        if model == "insurance.quote":

            def values(lead):
                return {
                    "lead_id": lead.id,
                    "insurer_id": self.insurer_a.id,
                    "premium": 1,
                }

            write_vals = {"deductible": 50.0}
            read_field = "premium"
        elif model == "insurance.questionnaire.answer":

            def values(lead):
                return {
                    "lead_id": lead.id,
                    "question_text": "Matrix question?",
                    "answer_type": "text",
                }

            write_vals = {"value_text": "Checked"}
            read_field = "question_text"
        else:

            def values(lead):
                return {"lead_id": lead.id, "name": "Matrix driver"}

            write_vals = {"licence_number": "LT-1"}
            read_field = "name"
        records = {
            kind: self.env[model].create(values(lead)) for kind, lead in leads.items()
        }
        return Subject(
            records,
            write_vals,
            {kind: values(lead) for kind, lead in leads.items()},
            read_field=read_field,
        )

    def _matrix_funnel_report_subject(self, user):
        """The funnel row of the first stage of a deal of each kind; the
        other company's deal in the sales pipeline too, to have a stage."""
        leads = self._matrix_leads(user)
        foreign = leads["foreign"]
        foreign.team_id = self.team_sales
        foreign.company_id = self.other_company  # the team proposed ours
        self.assertTrue(foreign.stage_id)
        report = self.env["insurance.funnel.report"]
        records = {
            kind: report.search([("lead_id", "=", lead.id)])
            for kind, lead in leads.items()
        }
        for kind, record in records.items():
            self.assertEqual(len(record), 1, f"no funnel row for {kind}")
        # Nothing to create in a view.
        return Subject(records, {"stage_sequence": 1}, {}, read_field="stage_id")

    def test_matrix(self):
        cells = self.check_matrix(MATRIX, self.matrix_users)
        self.assertEqual(cells, sum(len(rows) for rows in MATRIX.values()) * 4)

    def test_matrix_covers_the_crm_models_and_groups(self):
        models = {
            name
            for name in self.env.registry
            if self.env[name]._original_module == "insurance_broker_crm"
            and not self.env[name]._transient
            and not self.env[name]._abstract
            and self.env[name]._auto
        }
        self.assertLessEqual({"insurance.quote", "insurance.lead.driver"}, set(MATRIX))
        self.assertEqual(
            models - set(MATRIX),
            set(),
            "A model of the CRM addon is missing from the access matrix",
        )
        declared = {group for groups in PROFILES.values() for group in groups}
        self.assertLessEqual({SALESMAN, ALL_LEADS, READER, OWN_CLIENTS}, declared)
