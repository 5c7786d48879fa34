import importlib.util

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common_report import ReportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestReportCurrency(ReportCommon):
    """The analyses sum amounts in the company's currency, a policy written
    in another currency converted at the rate of its start date.

    The company's currency is worth 2 XIB from 1 January 2026 and 4 XIB
    from 1 May 2026 (rates of the company; its own currency at 1). Olga's
    MTPL policies with Alpha (10 % commission):

    - F1: 1,000 XIB from 10 April 2026: 1,000 / 2 = 500 premium, 50
      commission;
    - F2: 1,000 XIB from 10 May 2026: 1,000 / 4 = 250 premium, 25
      commission;
    - H1: 300 in the company's currency from 10 May: 300 premium, 30
      commission.

    So April 500 and 50, May 550 and 55, not 1,000 + 300 = 1,300 as summing
    the policies' own amounts would give. The policy keeps its amounts in
    the company's currency, as an invoice does: a rate entered later does
    not change them.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-06-15"):
            cls.xib = cls.env["res.currency"].create(
                {"name": "XIB", "symbol": "Ж", "rounding": 0.01}
            )
            own = cls.company.currency_id
            cls.env["res.currency.rate"].create(
                [
                    {"currency_id": own.id, "name": "2025-12-31", "rate": 1.0},
                    {"currency_id": cls.xib.id, "name": "2026-01-01", "rate": 2.0},
                    {"currency_id": cls.xib.id, "name": "2026-05-01", "rate": 4.0},
                ]
            )
            mtpl = cls.product_mtpl.id
            cls.f1 = cls._create_policy(
                confirm=True,
                product_id=mtpl,
                currency_id=cls.xib.id,
                date_start="2026-04-10",
                premium=1000.0,
            )
            cls.f2 = cls._create_policy(
                confirm=True,
                partner_id=cls.client_vida.id,
                product_id=mtpl,
                currency_id=cls.xib.id,
                date_start="2026-05-10",
                premium=1000.0,
            )
            cls.h1 = cls._create_policy(
                confirm=True,
                partner_id=cls.client_vida.id,
                product_id=mtpl,
                date_start="2026-05-10",
                premium=300.0,
            )

    def test_production_in_the_company_currency(self):
        self.assertEqual(self.f1.commission_amount, 100.0)  # in XIB
        groups = self._read_pivot(
            "insurance.production.report",
            [("policy_id", "in", (self.f1 | self.f2 | self.h1).ids)],
            ["premium:sum", "commission_amount:sum", "currency_id:array_agg"],
            ["date:month"],
        )
        figures = {
            key: (round(values["premium"], 2), round(values["commission_amount"], 2))
            for key, values in groups.items()
        }
        self.assertEqual(
            figures,
            {("2026-04-01",): (500.0, 50.0), ("2026-05-01",): (550.0, 55.0)},
        )
        # Every row says the company's currency, which its amounts are in.
        for values in groups.values():
            self.assertEqual(set(values["currency_id"]), {self.company.currency_id.id})
        # F2's amounts are what Odoo's own conversion gives on its start date.
        self.assertEqual(
            self.f2.premium_company_currency,
            self.xib._convert(
                1000.0, self.company.currency_id, self.company, "2026-05-10"
            ),
        )

    def test_retention_premiums_in_the_company_currency(self):
        # F1 renewed from 10 April 2027 for 1,200 XIB: 1,200 / 4 = 300.
        successor = self.f1._create_successors({"premium": 1200.0})
        successor.name = "POL-F1-RENEWED"
        successor.action_confirm()
        self.assertEqual(successor.currency_id, self.xib)
        groups = self._read_pivot(
            "insurance.retention.report",
            [("policy_id", "=", self.f1.id)],
            ["premium:sum", "renewed_premium:sum"],
            ["policy_id"],
        )
        self.assertEqual(
            {
                key: (values["premium"], values["renewed_premium"])
                for key, values in groups.items()
            },
            {(self.f1.id,): (500.0, 300.0)},
        )

    def test_the_policy_keeps_its_amounts_in_the_company_currency(self):
        self.assertEqual(
            (self.f1.premium_company_currency, self.f1.commission_company_currency),
            (500.0, 50.0),
        )
        self.assertEqual(
            (self.h1.premium_company_currency, self.h1.commission_company_currency),
            (300.0, 30.0),
        )
        # The Premium and Commission analysis sums them.
        groups = self.env["insurance.policy"].read_group(
            [("id", "in", (self.f1 | self.f2 | self.h1).ids)],
            ["premium_company_currency:sum", "commission_company_currency:sum"],
            ["date_start:month"],
            lazy=False,
        )
        self.assertEqual(
            sorted(
                (
                    group["premium_company_currency"],
                    group["commission_company_currency"],
                )
                for group in groups
            ),
            [(500.0, 50.0), (550.0, 55.0)],
        )
        pivot = self.env["insurance.policy"].get_view(view_type="pivot")["arch"]
        self.assertIn('name="premium_company_currency"', pivot)
        # A rate entered later for April does not change F1 ...
        self.env["res.currency.rate"].create(
            {"currency_id": self.xib.id, "name": "2026-04-01", "rate": 5.0}
        )
        self.env.flush_all()
        self.f1.invalidate_recordset()
        self.assertEqual(self.f1.premium_company_currency, 500.0)
        # ... a change of the policy's premium converts at today's rates.
        self.f1.premium = 2000.0
        self.assertEqual(
            (self.f1.premium_company_currency, self.f1.commission_company_currency),
            (400.0, 40.0),
        )

    def _migrate(self, step):
        path = file_path(f"insurance_broker/migrations/18.0.1.1.0/{step}-migration.py")
        spec = importlib.util.spec_from_file_location(f"{step}_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.0.0")

    def test_migration_fills_the_amounts_of_an_upgraded_book(self):
        policies = self.f1 | self.f2 | self.h1
        self.env.flush_all()
        # A book from before 18.0.1.1.0: the columns the pre-migration adds
        # are empty (the analyses' views use them: they cannot be dropped).
        self.env.cr.execute(
            """UPDATE insurance_policy
                  SET premium_company_currency = NULL,
                      commission_company_currency = NULL
                WHERE id IN %s""",
            [tuple(policies.ids)],
        )
        self._migrate("pre")
        self.env.invalidate_all()
        self._migrate("post")
        self.env.invalidate_all()
        self.assertEqual(
            [
                (p.premium_company_currency, p.commission_company_currency)
                for p in policies
            ],
            [(500.0, 50.0), (250.0, 25.0), (300.0, 30.0)],
        )
