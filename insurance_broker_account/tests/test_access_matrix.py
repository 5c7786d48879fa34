from odoo import Command
from odoo.tests import tagged

from odoo.addons.insurance_broker.tests.access_matrix import (
    ALL,
    CLIENTS,
    FULL,
    NONE,
    READ_ONLY,
    REFUSED,
    Subject,
    expect,
)
from odoo.addons.insurance_broker.tests.test_access_matrix import (
    ALL_CLIENTS,
    MANAGER,
    OWN_CLIENTS,
    OWN_POLICIES,
    READER,
    InsuranceMatrixSubjects,
)

from .debtor_common import DebtorCommon

INVOICING = "account.group_account_invoice"
ACCOUNTANT = "account.group_account_manager"

# The accounting groups, the insurance groups on the accounting models, and
# the combination the demo gives Marc Demo: own clients and Invoicing.
PROFILES = {
    "reader": [READER],
    "own": [OWN_CLIENTS],
    "all": [ALL_CLIENTS],
    "manager": [MANAGER],
    "invoicing": [INVOICING],
    "accountant": [ACCOUNTANT],
    "own_invoicing": [OWN_CLIENTS, INVOICING],
    "all_invoicing": [ALL_CLIENTS, INVOICING],
    "manager_accountant": [MANAGER, ACCOUNTANT],
    "marc_demo": [
        OWN_CLIENTS,
        INVOICING,
        "base.group_partner_manager",
        "base.group_allow_export",
    ],
}
OWN_AND_INVOICING = ("own_invoicing", "marc_demo")

BOOKKEEPING = expect(ALL, ALL, ALL, NONE)
OWN_BOOKKEEPING = expect(CLIENTS, CLIENTS, CLIENTS, NONE)
OWN_REPORT = expect(CLIENTS)
# Per client, kept by Invoicing: commission lines, reminders.
CLIENT_BOOKKEEPING = {
    "reader": READ_ONLY,
    "own": REFUSED,
    "all": READ_ONLY,
    "manager": READ_ONLY,
    "invoicing": BOOKKEEPING,
    "accountant": FULL,
    "own_invoicing": OWN_BOOKKEEPING,
    "marc_demo": OWN_BOOKKEEPING,
}
INSURER_DOCUMENTS = {
    "reader": READ_ONLY,
    "own": REFUSED,
    "all": READ_ONLY,
    "manager": READ_ONLY,
    "invoicing": FULL,
    "accountant": FULL,
    "own_invoicing": FULL,
    "marc_demo": FULL,
}
CLIENT_REPORT = {
    "reader": READ_ONLY,
    "own": OWN_REPORT,
    "all": READ_ONLY,
    "manager": READ_ONLY,
    "invoicing": READ_ONLY,
    "accountant": READ_ONLY,
    "own_invoicing": OWN_REPORT,
    "marc_demo": OWN_REPORT,
}


def configuration(*writers):
    return {
        profile: FULL if profile in writers else READ_ONLY
        for profile in PROFILES
        if profile not in ("all_invoicing", "manager_accountant")
    }


def for_accounting(own_row, other_row):
    """A row of an insurance model for the accounting profiles."""
    return {
        "invoicing": other_row,
        "accountant": other_row,
        **dict.fromkeys(OWN_AND_INVOICING, own_row),
    }


# What the two full combinations get.
ALL_INVOICING = {
    "insurance.policy": FULL,
    "insurance.policy.installment": FULL,
    "res.partner": FULL,
    "insurance.product": READ_ONLY,
    "insurance.commission.rule": READ_ONLY,
    "insurance.document.type": READ_ONLY,
    "insurance.commission.line": BOOKKEEPING,
    "insurance.commission.statement": FULL,
    "insurance.commission.statement.line": FULL,
    "insurance.producer.share": READ_ONLY,
    "insurance.reminder.level": READ_ONLY,
    "insurance.reminder": BOOKKEEPING,
    "insurance.debtor.report": READ_ONLY,
    "insurance.payment.report": READ_ONLY,
}
MANAGER_ACCOUNTANT = dict(
    dict.fromkeys(ALL_INVOICING, FULL),
    **{
        "insurance.debtor.report": READ_ONLY,
        "insurance.payment.report": READ_ONLY,
    },
)

MATRIX = {
    # Invoicing reads the insurance book it invoices, nothing more; with
    # "Own Clients", only the user's own clients'.
    "insurance.policy": for_accounting(OWN_POLICIES, READ_ONLY),
    "insurance.policy.installment": for_accounting(OWN_POLICIES, READ_ONLY),
    # Odoo gives Invoicing no write on contacts; "Own Clients" does, on
    # their clients.
    "res.partner": for_accounting(
        expect(CLIENTS, CLIENTS, CLIENTS, CLIENTS), READ_ONLY
    ),
    "insurance.product": for_accounting(READ_ONLY, READ_ONLY),
    "insurance.commission.rule": for_accounting(READ_ONLY, READ_ONLY),
    "insurance.document.type": for_accounting(READ_ONLY, READ_ONLY),
    "insurance.commission.line": dict(CLIENT_BOOKKEEPING),
    "insurance.commission.statement": INSURER_DOCUMENTS,
    "insurance.commission.statement.line": INSURER_DOCUMENTS,
    "insurance.producer.share": configuration("manager", "accountant"),
    "insurance.reminder.level": configuration("accountant"),
    # "Own Clients" reads its clients' reminders, with no Invoicing too.
    "insurance.reminder": dict(CLIENT_BOOKKEEPING, own=OWN_REPORT),
    "insurance.debtor.report": CLIENT_REPORT,
    "insurance.payment.report": CLIENT_REPORT,
}
for _model, _rows in MATRIX.items():
    _rows["all_invoicing"] = ALL_INVOICING[_model]
    _rows["manager_accountant"] = MANAGER_ACCOUNTANT[_model]


@tagged("post_install", "-at_install")
class TestAccountAccessMatrix(InsuranceMatrixSubjects, DebtorCommon):
    """The accounting groups and combinations × the accounting models and the
    insurance models they read × read/write/create/unlink."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_b = cls.setup_other_company(name="Matrix Other Broker")["company"]
        cls.env.user.company_ids = [Command.link(company_b.id)]
        # The records of every kind and company are set up as superuser (the
        # accounting test user is itself restricted); the cells are tried as
        # the profiles' users.
        cls.env = cls.env(su=True)
        cls._setup_matrix_records(
            cls.company, company_b, cls.insurer_broker, cls.product_casco
        )
        cls.levels_b = cls.env["insurance.reminder.level"]._create_default_levels(
            company_b
        )
        cls.matrix_users = cls._matrix_users(PROFILES)
        cls._bundles = {}

    def _matrix_bundle(self, user):
        """Per user: a policy of each kind with an overdue premium invoice,
        its commission line and a reminder."""
        if user in self._bundles:
            return self._bundles[user]
        policies = self._matrix_policies(user)
        bundle = {"policies": policies, "moves": {}, "lines": {}, "reminders": {}}
        Line = self.env["insurance.commission.line"]
        for kind, policy in policies.items():
            company = policy.company_id
            policy.write({"name": f"MX-{user.id}-{kind}"})
            # Not confirmed (that would also open the CRM's renewal deal,
            # with the pipelines' users of another company): the instalment
            # is all the invoice needs.
            installment = self.env["insurance.policy.installment"].create(
                {"policy_id": policy.id, "date_due": "2026-01-15", "amount": 100}
            )
            move = self._create_premium_invoice(
                "2026-01-15", policy=policy, installment=installment
            )
            bundle["moves"][kind] = move
            bundle["lines"][kind] = Line.create(
                {
                    "policy_id": policy.id,
                    "kind": "expected",
                    "date": "2026-01-15",
                    "amount": 1.0,
                }
            )
            levels = self.levels_b if kind == "foreign" else self.levels
            bundle["reminders"][kind] = self.env["insurance.reminder"].create(
                {"move_id": move.id, "level_id": levels.sorted("days")[:1].id}
            )
            self.assertEqual(move.company_id, company)
        self._bundles[user] = bundle
        return bundle

    def _matrix_subject(self, model, user):
        if model.startswith("res.") or model in (
            "insurance.policy",
            "insurance.policy.installment",
            "insurance.product",
            "insurance.commission.rule",
            "insurance.document.type",
        ):
            return super()._matrix_subject(model, user)
        method = getattr(self, "_matrix_subject_" + model.replace(".", "_"))
        return method(user)

    def _matrix_subject_insurance_commission_line(self, user):
        bundle = self._matrix_bundle(user)
        return Subject(
            bundle["lines"],
            {"amount": 2.0},
            {
                kind: {
                    "policy_id": policy.id,
                    "kind": "expected",
                    "date": "2026-02-15",
                    "amount": 3.0,
                }
                for kind, policy in bundle["policies"].items()
            },
        )

    def _statement_values(self, kind):
        company = (
            self.matrix_other_company if kind == "foreign" else self.matrix_company
        )
        return {
            "name": f"Matrix statement {kind}",
            "insurer_id": self.insurer_broker.id,
            "company_id": company.id,
        }

    def _matrix_subject_insurance_commission_statement(self, user):
        kinds = ("own", "other", "foreign")
        Statement = self.env["insurance.commission.statement"]
        return Subject(
            {kind: Statement.create(self._statement_values(kind)) for kind in kinds},
            {"name": "Checked"},
            {kind: self._statement_values(kind) for kind in kinds},
        )

    def _matrix_subject_insurance_commission_statement_line(self, user):
        kinds = ("own", "other", "foreign")
        Statement = self.env["insurance.commission.statement"]
        statements = {
            kind: Statement.create(self._statement_values(kind)) for kind in kinds
        }

        def values(kind):
            return {
                "statement_id": statements[kind].id,
                "policy_number": f"ROW-{kind}",
                "commission": 10.0,
            }

        StatementLine = self.env["insurance.commission.statement.line"]
        return Subject(
            {kind: StatementLine.create(values(kind)) for kind in kinds},
            {"note": "Checked"},
            {kind: values(kind) for kind in kinds},
        )

    def _matrix_subject_insurance_producer_share(self, user):
        users = {
            "own": user,
            "other": self.colleague,
            "foreign": self.foreign_user,
        }

        def values(kind, date_from, date_to):
            company = (
                self.matrix_other_company if kind == "foreign" else self.matrix_company
            )
            return {
                "user_id": users[kind].id,
                "percent": 10.0,
                "date_from": date_from,
                "date_to": date_to,
                "company_id": company.id,
            }

        Share = self.env["insurance.producer.share"]
        year = 2000 + user.id % 25
        return Subject(
            {
                # A year per profile: the colleague's shares must not overlap.
                kind: Share.create(values(kind, f"{year}-01-01", f"{year}-12-31"))
                for kind in users
            },
            {"percent": 12.0},
            {kind: values(kind, "2031-01-01", "2031-12-31") for kind in users},
        )

    def _matrix_subject_insurance_reminder_level(self, user):
        def values(kind, days):
            company = (
                self.matrix_other_company if kind == "foreign" else self.matrix_company
            )
            return {"name": f"Matrix {kind}", "days": days, "company_id": company.id}

        # Days of their own per profile: a company has one level per day.
        base = 200 + user.id % 50 * 4
        kinds = {"own": base, "other": base + 1, "foreign": base + 2}
        Level = self.env["insurance.reminder.level"]
        return Subject(
            {kind: Level.create(values(kind, days)) for kind, days in kinds.items()},
            {"name": "Checked"},
            {kind: values(kind, base + 3) for kind in kinds},
        )

    def _matrix_subject_insurance_reminder(self, user):
        bundle = self._matrix_bundle(user)
        return Subject(
            bundle["reminders"],
            {"date": "2026-02-20"},
            {
                kind: {
                    "move_id": move.id,
                    "level_id": (self.levels_b if kind == "foreign" else self.levels)
                    .sorted("days")[1:2]
                    .id,
                }
                for kind, move in bundle["moves"].items()
            },
        )

    def _matrix_report_subject(self, model, user):
        bundle = self._matrix_bundle(user)
        self.env.flush_all()
        Report = self.env[model]
        records = {}
        for kind, policy in bundle["policies"].items():
            records[kind] = Report.search(
                [
                    ("partner_id", "=", policy.partner_id.id),
                    ("client_manager_id", "=", policy.client_manager_id.id),
                    ("company_id", "=", policy.company_id.id),
                ],
                limit=1,
            )
            self.assertTrue(records[kind], f"{model} has no row for {kind}")
        # Reports are read-only views: nothing to create.
        return Subject(
            records, {"client_manager_id": user.id}, {}, read_field="partner_id"
        )

    def _matrix_subject_insurance_debtor_report(self, user):
        return self._matrix_report_subject("insurance.debtor.report", user)

    def _matrix_subject_insurance_payment_report(self, user):
        return self._matrix_report_subject("insurance.payment.report", user)

    def test_matrix(self):
        cells = self.check_matrix(MATRIX, self.matrix_users)
        self.assertEqual(cells, sum(len(rows) for rows in MATRIX.values()) * 4)

    def test_matrix_covers_the_accounting_models(self):
        models = {
            name
            for name in self.env.registry
            if self.env[name]._original_module == "insurance_broker_account"
            and not self.env[name]._transient
            and not self.env[name]._abstract
        }
        # The commission leakage report is per insurer (no client data) and
        # tested in test_commission_leakage.
        self.assertEqual(models - set(MATRIX), {"insurance.commission.leakage.report"})
        self.assertEqual(NONE, frozenset())
