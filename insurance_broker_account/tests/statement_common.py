import base64
import csv
import io

import xlsxwriter

from odoo import Command

from .common import InsuranceAccountCommon


class InsuranceStatementCommon(InsuranceAccountCommon):
    """Policies of the insurer that collects its premiums (15 %), their
    expected commission, and helpers writing statement files."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Statement = cls.env["insurance.commission.statement"]
        cls.Import = cls.env["insurance.commission.statement.import"]
        # 1000 paid once on 10 March 2026: 150.00 of commission then.
        cls.policy_single = cls._create_policy(
            insurer_id=cls.insurer_direct.id,
            date_start="2026-03-10",
            premium=1000.0,
        )
        # 1200 paid monthly from January 2026: 15.00 of commission a month.
        cls.policy_monthly = cls._create_policy(
            insurer_id=cls.insurer_direct.id,
            payment_frequency="monthly",
            premium=1200.0,
        )
        cls.reader = cls.env["res.users"].create(
            {
                "name": "Rudi Reader",
                "login": "acc_statement_reader",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.link(cls.env.ref("base.group_user").id),
                    Command.link(
                        cls.env.ref("insurance_broker.group_insurance_reader").id
                    ),
                ],
            }
        )

    @classmethod
    def _expected_lines(cls, policy):
        return policy.commission_line_ids.filtered(
            lambda line: line.kind == "expected"
        ).sorted(lambda line: (line.date, line.id))

    @classmethod
    def _line_of_month(cls, policy, month):
        """The expected commission line of ``policy`` dated in ``month``
        ("2026-02")."""
        return cls._expected_lines(policy).filtered(
            lambda line: line.date.strftime("%Y-%m") == month
        )

    @staticmethod
    def _csv(
        rows,
        header=("Policy Number", "Premium", "Commission", "Period"),
        delimiter=";",
        bom=False,
    ):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        if header:
            writer.writerow(header)
        writer.writerows(rows)
        content = buffer.getvalue().encode()
        return (b"\xef\xbb\xbf" + content) if bom else content

    @staticmethod
    def _xlsx(
        rows, header=("Policy Number", "Premium", "Commission", "Period"), title=None
    ):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet()
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        row_index = 0
        if title:
            sheet.write(0, 0, title)
            row_index = 2
        sheet.write_row(row_index, 0, header)
        for values in rows:
            row_index += 1
            for column, value in enumerate(values):
                if hasattr(value, "strftime"):
                    sheet.write_datetime(row_index, column, value, date_format)
                else:
                    sheet.write(row_index, column, value)
        workbook.close()
        return buffer.getvalue()

    def _wizard(
        self, content, insurer=None, user=None, file_name="statement.csv", **values
    ):
        Import = self.Import.with_user(user) if user else self.Import
        return Import.create(
            {
                "insurer_id": (insurer or self.insurer_direct).id,
                "file": base64.b64encode(content),
                "file_name": file_name,
                **values,
            }
        )

    def _import(self, content, **kwargs):
        """(wizard, action) of importing ``content``."""
        wizard = self._wizard(content, **kwargs)
        return wizard, wizard.action_import()

    def _statement_of(self, action):
        self.assertEqual(action["res_model"], "insurance.commission.statement")
        return self.Statement.browse(action["res_id"])
