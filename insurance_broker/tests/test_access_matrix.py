from odoo.tests import new_test_user, tagged

from .access_matrix import (
    ALL,
    CLIENTS,
    FULL,
    NONE,
    OWN,
    READ_ONLY,
    REFUSED,
    AccessMatrixMixin,
    Subject,
    expect,
)
from .common import InsuranceCommon

READER = "insurance_broker.group_insurance_reader"
OWN_CLIENTS = "insurance_broker.group_insurance_user_own"
ALL_CLIENTS = "insurance_broker.group_insurance_user"
MANAGER = "insurance_broker.group_insurance_manager"

# Profiles of this addon: its groups and the combination a company gives.
PROFILES = {
    "employee": [],
    "reader": [READER],
    "own": [OWN_CLIENTS],
    "own_reader": [OWN_CLIENTS, READER],
    "all": [ALL_CLIENTS],
    "manager": [MANAGER],
}

# An "Own Clients" user reads their policies and those of the clients they
# manage (the client card), and changes only their own policies.
OWN_POLICIES = expect(CLIENTS, OWN, OWN, OWN)
OWN_POLICIES_READ_ALL = expect(ALL, OWN, OWN, OWN)
# Clients: their own and those without a manager ("client" records).
OWN_PARTNERS = expect(CLIENTS, CLIENTS, CLIENTS, CLIENTS)
CONFIGURATION = {
    "employee": REFUSED,
    "reader": READ_ONLY,
    "own": READ_ONLY,
    "own_reader": READ_ONLY,
    "all": READ_ONLY,
    "manager": FULL,
}

POLICY_DATA = {
    "employee": REFUSED,
    "reader": READ_ONLY,
    "own": OWN_POLICIES,
    "own_reader": OWN_POLICIES_READ_ALL,
    "all": FULL,
    "manager": FULL,
}

# The analyses are read-only views: each reads what the policies' rules let
# it read; a sales target is read by its salesperson, set by managers.
REPORT_DATA = {
    "employee": REFUSED,
    "reader": READ_ONLY,
    "own": expect(CLIENTS),
    "own_reader": READ_ONLY,
    "all": READ_ONLY,
    "manager": READ_ONLY,
}

ANALYSIS_MODELS = (
    "insurance.production.report",
    "insurance.retention.report",
    "insurance.sales.target",
)

MATRIX = {
    "insurance.policy": POLICY_DATA,
    "insurance.policy.installment": POLICY_DATA,
    "res.partner": {
        # Odoo's own rights: every employee reads contacts.
        "employee": READ_ONLY,
        "reader": READ_ONLY,
        "own": OWN_PARTNERS,
        "own_reader": expect(ALL, CLIENTS, CLIENTS, CLIENTS),
        "all": FULL,
        "manager": FULL,
    },
    "insurance.product": CONFIGURATION,
    "insurance.commission.rule": CONFIGURATION,
    "insurance.document.type": CONFIGURATION,
    "insurance.questionnaire.question": CONFIGURATION,
    "insurance.questionnaire.option": CONFIGURATION,
    "insurance.production.report": REPORT_DATA,
    "insurance.retention.report": REPORT_DATA,
    "insurance.sales.target": {
        "employee": REFUSED,
        "reader": READ_ONLY,
        "own": expect(OWN),
        "own_reader": READ_ONLY,
        "all": READ_ONLY,
        "manager": FULL,
    },
}


class InsuranceMatrixSubjects(AccessMatrixMixin):
    """The test records of the insurance models, for the matrices of this
    addon and of the addons that depend on it."""

    @classmethod
    def _setup_matrix_records(cls, company, other_company, insurer, product):
        cls.matrix_company = company
        cls.matrix_other_company = other_company
        cls.matrix_insurer = insurer
        cls.matrix_product = product
        cls.colleague = new_test_user(
            cls.env,
            login="matrix_colleague",
            groups=f"base.group_user,{OWN_CLIENTS}",
            company_id=company.id,
            company_ids=company.ids,
        )
        cls.foreign_user = new_test_user(
            cls.env,
            login="matrix_foreign",
            groups=f"base.group_user,{ALL_CLIENTS}",
            company_id=other_company.id,
            company_ids=other_company.ids,
        )
        Partner = cls.env["res.partner"]
        cls.colleague_client = Partner.create(
            {
                "name": "Colleague's Client",
                "client_type": "individual",
                "client_manager_id": cls.colleague.id,
            }
        )
        cls.foreign_client = Partner.create(
            {
                "name": "Foreign Client",
                "client_type": "company",
                "is_company": True,
                "client_manager_id": cls.foreign_user.id,
                "company_id": other_company.id,
            }
        )
        cls.foreign_product = cls.env["insurance.product"].create(
            {"name": "Foreign Pets", "company_id": other_company.id}
        )
        cls._matrix_clients = {}
        cls._matrix_target_years = []

    @classmethod
    def _setup_matrix(cls, profiles, insurer, product):
        """The records and the users of a matrix of ``profiles``, in the
        test company (the other company's records are the foreign ones)."""
        cls._setup_matrix_records(cls.company, cls.other_company, insurer, product)
        cls.matrix_users = cls._matrix_users(profiles)

    def _matrix_client(self, user):
        client = self._matrix_clients.get(user)
        if not client:
            client = self._matrix_clients[user] = self.env["res.partner"].create(
                {
                    "name": f"Client of {user.name}",
                    "client_type": "individual",
                    "client_manager_id": user.id,
                }
            )
        return client

    def _matrix_policy_values(self, kind, user):
        values = {
            "partner_id": self._matrix_client(user).id,
            "insurer_id": self.matrix_insurer.id,
            "product_id": self.matrix_product.id,
            "date_start": "2026-01-01",
            "premium": 500.0,
            "company_id": self.matrix_company.id,
        }
        if kind == "client":
            values["client_manager_id"] = self.colleague.id
        elif kind == "other":
            values["partner_id"] = self.colleague_client.id
        elif kind == "foreign":
            values.update(
                partner_id=self.foreign_client.id,
                product_id=self.foreign_product.id,
                client_manager_id=self.foreign_user.id,
                company_id=self.matrix_other_company.id,
            )
        return values

    def _matrix_policies(self, user):
        """Draft policies of each kind (drafts may be deleted)."""
        kinds = ("own", "client", "other", "foreign")
        policies = self.env["insurance.policy"].create(
            [self._matrix_policy_values(kind, user) for kind in kinds]
        )
        return dict(zip(kinds, policies, strict=True))

    def _matrix_subject(self, model, user):
        Partner = self.env["res.partner"]
        if model == "insurance.policy":
            return Subject(
                self._matrix_policies(user),
                {"object_description": "Checked"},
                {
                    kind: self._matrix_policy_values(kind, user)
                    for kind in ("own", "client", "other", "foreign")
                },
            )
        if model == "insurance.policy.installment":
            policies = self._matrix_policies(user)
            records = self.env[model].create(
                [
                    {"policy_id": policy.id, "date_due": "2026-02-01", "amount": 10}
                    for policy in policies.values()
                ]
            )
            return Subject(
                dict(zip(policies, records, strict=True)),
                {"amount": 20.0},
                {
                    kind: {
                        "policy_id": policy.id,
                        "date_due": "2026-03-01",
                        "amount": 10,
                    }
                    for kind, policy in policies.items()
                },
            )
        if model == "res.partner":

            def client(kind):
                values = {"name": f"Matrix {kind} client", "client_type": "individual"}
                if kind == "own":
                    values["client_manager_id"] = user.id
                elif kind == "other":
                    values["client_manager_id"] = self.colleague.id
                elif kind == "foreign":
                    values.update(
                        client_manager_id=self.foreign_user.id,
                        company_id=self.matrix_other_company.id,
                    )
                return values

            kinds = ("own", "client", "other", "foreign")
            return Subject(
                dict(
                    zip(
                        kinds,
                        Partner.create([client(kind) for kind in kinds]),
                        strict=True,
                    )
                ),
                {"function": "Checked"},
                {kind: client(kind) for kind in kinds},
            )
        if model == "insurance.product":

            def product(kind):
                values = {"name": f"Matrix {kind}", "company_id": False}
                if kind == "own":
                    values["company_id"] = self.matrix_company.id
                if kind == "foreign":
                    values["company_id"] = self.matrix_other_company.id
                return values

            kinds = ("own", "other", "foreign")
            return Subject(
                dict(
                    zip(
                        kinds,
                        self.env[model].create([product(kind) for kind in kinds]),
                        strict=True,
                    )
                ),
                {"default_term_months": 6},
                {kind: product(kind) for kind in kinds},
            )
        if model == "insurance.commission.rule":
            insurers = Partner.create(
                [
                    {"name": f"Matrix insurer {index}", "is_insurer": True}
                    for index in range(3)
                ]
            )
            kinds = ("own", "other", "foreign")
            values = {
                kind: {
                    "insurer_id": insurer.id,
                    "rate": 5.0,
                    "company_id": (
                        self.matrix_other_company
                        if kind == "foreign"
                        else self.matrix_company
                    ).id,
                }
                for kind, insurer in zip(kinds, insurers, strict=True)
            }
            records = self.env[model].create(list(values.values()))
            # Created with other rates, so that a create does not clash.
            new_values = {
                kind: dict(vals, date_from="2030-01-01")
                for kind, vals in values.items()
            }
            records.write({"date_to": "2029-12-31"})
            return Subject(
                dict(zip(kinds, records, strict=True)), {"rate": 6.0}, new_values
            )
        if model == "insurance.document.type":
            # Shared by every company: no foreign record.
            kinds = ("own", "other")
            return Subject(
                dict(
                    zip(
                        kinds,
                        self.env[model].create(
                            [{"name": f"Matrix {kind} {user.login}"} for kind in kinds]
                        ),
                        strict=True,
                    )
                ),
                {"description": "Checked"},
                {kind: {"name": f"New {kind} {user.login}"} for kind in kinds},
            )
        if model in (
            "insurance.questionnaire.question",
            "insurance.questionnaire.option",
        ):
            return self._matrix_questionnaire_subject(model, user)
        if model in ANALYSIS_MODELS:
            return self._matrix_analysis_subject(model, user)
        raise NotImplementedError(model)

    def _matrix_analysis_subject(self, model, user):
        if model == "insurance.sales.target":
            return self._matrix_target_subject(user)
        return self._matrix_report_subject(model, user)

    def _matrix_report_subject(self, model, user):
        """The analysis rows of a confirmed policy of each kind."""
        kinds = ("own", "client", "other", "foreign")
        policies = self.env["insurance.policy"].create(
            [
                dict(
                    self._matrix_policy_values(kind, user),
                    name=f"MATRIX-{model}-{user.login}-{kind}",
                )
                for kind in kinds
            ]
        )
        policies.sudo().action_confirm()
        self.env.flush_all()
        # As superuser: the foreign row is of a company the test env is not in.
        report = self.env[model].sudo()
        records = {
            kind: report.search([("policy_id", "=", policy.id)]).sudo(False)
            for kind, policy in zip(kinds, policies, strict=True)
        }
        for kind, record in records.items():
            self.assertEqual(len(record), 1, f"{model} has no row for {kind}")
        # Nothing to create in a view.
        return Subject(records, {"premium": 1.0}, {}, read_field="premium")

    def _matrix_target_subject(self, user):
        """The targets of the user, of a colleague, of the other company."""
        users = {
            "own": (user, self.matrix_company),
            "other": (self.colleague, self.matrix_company),
            "foreign": (self.foreign_user, self.matrix_other_company),
        }

        # One year per subject: a salesperson has one target a month.
        year = 2030 + len(self._matrix_target_years)
        self._matrix_target_years.append(year)

        def target(kind, month):
            target_user, company = users[kind]
            return {
                "user_id": target_user.id,
                "company_id": company.id,
                "date": f"{year}-{month:02d}-01",
                "target_policy_count": 5,
            }

        model = self.env["insurance.sales.target"]
        return Subject(
            {kind: model.create(target(kind, 1)) for kind in users},
            {"target_premium": 1000.0},
            {kind: target(kind, 2) for kind in users},
            read_field="target_policy_count",
        )

    def _matrix_questionnaire_subject(self, model, user):
        """Questions of a product of the company (own), of a shared product
        (other) and of the other company's product (foreign); their options."""
        products = {
            "own": self.env["insurance.product"].create(
                {"name": "Matrix questions", "company_id": self.matrix_company.id}
            ),
            "other": self.env["insurance.product"].create(
                {"name": "Matrix shared questions", "company_id": False}
            ),
            "foreign": self.foreign_product,
        }

        def question(kind):
            return {"product_id": products[kind].id, "name": f"Matrix {kind}?"}

        questions = {
            kind: self.env["insurance.questionnaire.question"].create(question(kind))
            for kind in products
        }
        if model == "insurance.questionnaire.question":
            return Subject(
                questions,
                {"required": False},
                {kind: question(kind) for kind in products},
            )

        def option(kind):
            return {"question_id": questions[kind].id, "name": f"Matrix {kind}"}

        return Subject(
            {kind: self.env[model].create(option(kind)) for kind in products},
            {"sequence": 5},
            {kind: option(kind) for kind in products},
        )


@tagged("post_install", "-at_install")
class TestAccessMatrix(InsuranceMatrixSubjects, InsuranceCommon):
    """Every group of the addon and its realistic combination × every model
    × read/write/create/unlink, as declared in MATRIX."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_matrix(PROFILES, cls.insurer_a, cls.product_casco)

    def test_matrix(self):
        cells = self.check_matrix(MATRIX, self.matrix_users)
        self.assertEqual(cells, len(PROFILES) * len(MATRIX) * 4)

    def test_matrix_covers_every_model_and_group(self):
        models = {
            name
            for name in self.env.registry
            if name.startswith("insurance.")
            and self.env[name]._original_module == "insurance_broker"
            and not self.env[name]._transient
            and not self.env[name]._abstract
        }
        self.assertEqual(models, set(MATRIX) - {"res.partner"})
        groups = self.env["res.groups"].search(
            [("category_id", "=", self.env.ref(MANAGER).category_id.id)]
        )
        declared = {group for groups in PROFILES.values() for group in groups}
        self.assertEqual(set(groups.get_external_id().values()), declared)
        for rows in MATRIX.values():
            self.assertEqual(set(rows), set(PROFILES))
        self.assertTrue(ALL > CLIENTS > OWN > NONE)
