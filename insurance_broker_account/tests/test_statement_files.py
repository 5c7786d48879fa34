import datetime
import io
import zipfile

import openpyxl
import xlsxwriter
from psycopg2 import IntegrityError

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .statement_common import InsuranceStatementCommon

HEADER = ("Policy Number", "Premium", "Commission", "Period")


@tagged("post_install", "-at_install")
class TestStatementFiles(InsuranceStatementCommon):
    """Statement files as they come: the same rows saved another way are the
    same statement, another insurer's file is refused, formulas are read as
    computed or refused, and absurd values are listed, never a traceback."""

    def _rows(self):
        return [
            (self.policy_single.name, "1000,00", "150,00", "03/2026"),
            (self.policy_monthly.name, "100,00", "15,00", "2026-02"),
        ]

    def assertAlreadyImported(self, action, statement):
        self.assertEqual(action.get("tag"), "display_notification", action)
        message = action["params"]["message"]
        self.assertIn(f'as "{statement.name}"', message)
        self.assertIn("nothing was changed", message)
        self.assertEqual(action["params"]["next"]["res_id"], statement.id)
        self.assertEqual(self.Statement.search([]), statement)

    @staticmethod
    def _patched(content, part, replacements):
        """``content`` (an XLSX workbook) with text replaced in one part:
        what no writing library writes, as other programs may."""
        source = zipfile.ZipFile(io.BytesIO(content))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for name in source.namelist():
                data = source.read(name)
                if name == part:
                    text = data.decode()
                    for old, new in replacements.items():
                        assert old in text, old
                        text = text.replace(old, new)
                    data = text.encode()
                target.writestr(name, data)
        return buffer.getvalue()

    # ------------------------------------------------------------
    # The same rows, another file
    # ------------------------------------------------------------

    def test_same_rows_in_another_file_already_imported(self):
        content = self._csv(self._rows())
        first = self._statement_of(self._import(content)[1])
        self.assertEqual(len(first.content_hash), 64)
        single, monthly = self.policy_single.name, self.policy_monthly.name
        variants = {
            "line feeds": content.replace(b"\r\n", b"\n"),
            "a blank line more": content + b"\r\n",
            "blank lines between": content.replace(b"\r\n", b"\r\n\r\n;;;\r\n", 2),
            "comma delimiter": self._csv(self._rows(), delimiter=","),
            "tabs and BOM": self._csv(self._rows(), delimiter="\t", bom=True),
            "rows in another order": self._csv(self._rows()[::-1]),
            "amounts and months written otherwise": self._csv(
                [
                    (single, "1.000", "150", "2026-03-31"),
                    (monthly, "", "15.00", "02/2026"),
                ]
            ),
            "numbers in case and spaces": self._csv(
                [
                    (f" {single.lower()} ", "1000,00", "150,00", "03/2026"),
                    (monthly, "100,00", "15,00", "2026-02"),
                ]
            ),
            "the same rows as XLSX": self._xlsx(
                [
                    (single, 1000, 150, datetime.date(2026, 3, 10)),
                    (monthly, 100, 15.0, "2026-02"),
                ],
                title="Commission statement",
            ),
        }
        for variant, other_file in variants.items():
            with self.subTest(variant=variant):
                wizard, action = self._import(other_file, user=self.invoicing_user)
                self.assertFalse(wizard.issues)
                self.assertAlreadyImported(action, first)
        # Other rows are another statement.
        __, action = self._import(
            self._csv(
                [
                    (single, "1000,00", "149,00", "03/2026"),
                    (monthly, "100,00", "15,00", "2026-02"),
                ]
            )
        )
        self.assertNotEqual(self._statement_of(action), first)

    def test_same_rows_unique_in_the_database(self):
        first = self._statement_of(self._import(self._csv(self._rows()))[1])
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Statement.create(
                {
                    "name": "Imported at the same time",
                    "insurer_id": self.insurer_direct.id,
                    "content_hash": first.content_hash,
                }
            )

    def test_statements_of_before_get_the_hash_of_their_rows(self):
        """The module update hashes the statements imported before: the
        first of two with the same rows is the one a re-import names."""
        lines = [
            Command.create(
                {
                    "sequence": number,
                    "policy_number": policy.name,
                    "period": period,
                    "commission": commission,
                }
            )
            for number, policy, period, commission in (
                (2, self.policy_single, datetime.date(2026, 3, 1), 150.0),
                (3, self.policy_monthly, datetime.date(2026, 2, 1), 15.0),
            )
        ]
        older, newer = self.Statement.create(
            [
                {"name": name, "insurer_id": self.insurer_direct.id, "line_ids": lines}
                for name in ("Imported in March", "Imported again in April")
            ]
        )
        self.assertFalse(older.content_hash)
        self.Statement._init_content_hash()
        self.assertTrue(older.content_hash)
        self.assertFalse(newer.content_hash)
        __, action = self._import(self._csv(self._rows()))
        self.assertEqual(action.get("tag"), "display_notification")
        self.assertIn('as "Imported in March"', action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_id"], older.id)

    # ------------------------------------------------------------
    # Another insurer's file
    # ------------------------------------------------------------

    def test_file_of_another_insurer_refused_and_layout_kept(self):
        layout = ("Policy No.", "Premium", "Commission", "Month")
        columns = ("policy", "premium", "commission", "period")
        self.insurer_broker.write(
            {
                f"insurance_statement_column_{column}": header
                for column, header in zip(columns, layout, strict=True)
            }
        )
        header = ("Contrato", "Valor", "Comissão", "Mês")
        content = self._csv(self._rows(), header=header)
        given = {
            f"column_{column}": name
            for column, name in zip(columns, header, strict=True)
        }
        # Beta's file, imported as Alpha's statement.
        wizard, action = self._import(
            content, insurer=self.insurer_broker, user=self.invoicing_user, **given
        )
        self.assertEqual(action["res_model"], wizard._name)
        self.assertEqual(
            wizard.issues,
            "None of the 2 rows matches a policy of Alpha Insurance (broker "
            "collects): wrong insurer or wrong file?",
        )
        self.assertFalse(self.Statement.search([]))
        self.assertEqual(
            tuple(
                self.insurer_broker[f"insurance_statement_column_{column}"]
                for column in columns
            ),
            layout,
        )
        # Imported as Beta's, it is imported, and Beta remembers its columns.
        wizard, action = self._import(content, user=self.invoicing_user, **given)
        self.assertFalse(wizard.issues)
        self.assertEqual(self._statement_of(action).matched_count, 2)
        self.assertEqual(
            tuple(
                self.insurer_direct[f"insurance_statement_column_{column}"]
                for column in columns
            ),
            header,
        )

    # ------------------------------------------------------------
    # Formulas
    # ------------------------------------------------------------

    def _formula_workbook(self, commission):
        """A workbook whose commission is "=B2*0.15" (B2 the premium), its
        result stored as ``commission``, as xlsxwriter writes it: asking the
        spreadsheet program to recompute every formula on opening."""
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, HEADER + ("Rate",))
        sheet.write_string(1, 0, self.policy_single.name)
        sheet.write_number(1, 1, 1000)
        sheet.write_formula(1, 2, "=B2*0.15", None, commission)
        sheet.write_string(1, 3, "03/2026")
        sheet.write_formula(1, 4, "=C2/B2", None, 0)
        workbook.close()
        return buffer.getvalue()

    def test_formula_without_its_result_refused(self):
        # xlsxwriter stores 0 as every formula's result, a placeholder.
        placeholder = self._formula_workbook(0)
        # openpyxl stores no result at all.
        workbook = openpyxl.Workbook()
        workbook.active.append(HEADER)
        workbook.active.append([self.policy_single.name, 1000, "=B2*0.15", "03/2026"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        for name, content in (
            ("placeholder", placeholder),
            ("no result", buffer.getvalue()),
        ):
            with self.subTest(file=name):
                wizard, __ = self._import(content, file_name="statement.xlsx")
                self.assertIn(
                    "Row 2: cell C2 holds a formula (=B2*0.15) whose result the "
                    "file does not store",
                    wizard.issues or "",
                )
                self.assertNotIn("E2", wizard.issues)
                self.assertFalse(self.Statement.search([]))

    def test_formula_computed_by_a_spreadsheet_program_read(self):
        # Saved by a spreadsheet program: the results it computed, no demand
        # to recompute them.
        content = self._patched(
            self._formula_workbook(150),
            "xl/workbook.xml",
            {' fullCalcOnLoad="1"': ""},
        )
        wizard, action = self._import(content, file_name="statement.xlsx")
        self.assertFalse(wizard.issues)
        row = self._statement_of(action).line_ids
        self.assertEqual(row.commission, 150.0)
        self.assertEqual(row.match_state, "matched")

    # ------------------------------------------------------------
    # Absurd values
    # ------------------------------------------------------------

    def test_absurd_values_in_csv_listed(self):
        single = self.policy_single.name
        content = self._csv(
            [
                (single, "", "NaN", "03/2026"),
                (single, "", "inf", "03/2026"),
                (single, "", "-Infinity", "03/2026"),
                (single, "", "1" * 400, "03/2026"),
                (single, "1" * 400, "150", "03/2026"),
                (single, "", "10.000.000.000.000", "03/2026"),
                (single, "", "150", "9999-12"),
                (single, "", "150", "31.12.9999"),
                (single, "", "150", "01/1900"),
                (single, "", "150", "2026-00"),
                (single, "", "150", "0000-03"),
                (single, "", "150", "03/2026"),
            ]
        )
        wizard, action = self._import(content)
        self.assertEqual(action["res_model"], wizard._name)
        ones = "1" * 39 + "…"
        for reason in (
            'Row 2: the commission "NaN" is not a number.',
            'Row 3: the commission "inf" is not a number.',
            'Row 4: the commission "-Infinity" is not a number.',
            f'Row 5: the commission "{ones}" is too large.',
            f'Row 6: the premium "{ones}" is too large.',
            'Row 7: the commission "10.000.000.000.000" is too large.',
            'Row 8: the period "9999-12" is not a month a statement reports',
            'Row 9: the period "31.12.9999" is not a month a statement reports',
            'Row 10: the period "01/1900" is not a month a statement reports',
            'Row 11: the period "2026-00" is not a month (2026-03, 03/2026)',
            'Row 12: the period "0000-03" is not a month (2026-03, 03/2026)',
        ):
            with self.subTest(reason=reason):
                self.assertIn(reason, wizard.issues)
        self.assertNotIn("Row 13", wizard.issues)
        self.assertFalse(self.Statement.search([]))

    def test_absurd_values_in_xlsx_listed(self):
        single = self.policy_single.name
        buffer = io.BytesIO()
        # xlsxwriter writes NaN and infinity as formulas (=#NUM!, =1/0).
        workbook = xlsxwriter.Workbook(
            buffer, {"in_memory": True, "nan_inf_to_errors": True}
        )
        sheet = workbook.add_worksheet()
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, HEADER)
        rows = (
            (515151, datetime.date(2026, 3, 1)),
            (525252, datetime.date(2026, 3, 1)),
            (float("nan"), datetime.date(2026, 3, 1)),
            (1e300, datetime.date(2026, 3, 1)),
            (424242, datetime.date(2026, 3, 1)),
            (150, datetime.date(9999, 12, 31)),
            (150, 80000),
            (150, 434343),
            (150, datetime.date(2026, 3, 1)),
        )
        for index, (commission, period) in enumerate(rows, start=1):
            sheet.write_string(index, 0, single)
            sheet.write_number(index, 2, commission)
            if isinstance(period, datetime.date):
                sheet.write_datetime(index, 3, period, date)
            else:
                sheet.write_number(index, 3, period, date if period > 1e5 else None)
        workbook.close()
        # Error cells, as a spreadsheet program stores a NaN or a division by
        # zero; and what none writes, but a file may hold: a number of 400
        # digits, one beyond a float, a date serial beyond year 9999.
        content = self._patched(
            buffer.getvalue(),
            "xl/worksheets/sheet1.xml",
            {
                '<c r="C2"><v>515151</v>': '<c r="C2" t="e"><v>#NUM!</v>',
                '<c r="C3"><v>525252</v>': '<c r="C3" t="e"><v>#DIV/0!</v>',
                "<v>424242</v>": f"<v>{'1' * 400}</v>",
                "<v>434343</v>": "<v>1e400</v>",
            },
        )
        wizard, __ = self._import(content, file_name="statement.xlsx")
        ones = "1" * 39 + "…"
        for reason in (
            'Row 2: the commission "#NUM!" is not a number.',
            'Row 3: the commission "#DIV/0!" is not a number.',
            "Row 4: cell C4 holds a formula (=#NUM!) whose result the file does "
            "not store",
            'Row 5: the commission "1e+300" is too large.',
            f'Row 6: the commission "{ones}" is too large.',
            'Row 7: the period "9999-12-31 00:00:00" is not a month a statement '
            "reports",
            'Row 8: the period "80000" is not a month a statement reports',
            'Row 9: the period "#VALUE!" is not a month (2026-03, 03/2026)',
        ):
            with self.subTest(reason=reason):
                self.assertIn(reason, wizard.issues or "")
        self.assertNotIn("Row 10", wizard.issues)
        self.assertFalse(self.Statement.search([]))
