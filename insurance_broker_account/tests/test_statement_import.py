import base64
import datetime
import io
import zipfile

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import file_open, mute_logger
from odoo.tools.convert import convert_file

from .statement_common import InsuranceStatementCommon


@tagged("post_install", "-at_install")
class TestStatementImport(InsuranceStatementCommon):
    """Insurer statements: reading XLSX and CSV files, matching the rows to
    the expected commission, confirming, and refusing bad files whole."""

    def _three_rows(self):
        """A matched, a differing and an unknown row."""
        return [
            (self.policy_single.name, "1000,00", "150,00", "03/2026"),
            (self.policy_monthly.name, "100,00", "14,50", "2026-02"),
            ("NOPE-404", "500,00", "50,00", "2026-02"),
        ]

    def assertNothingImported(self, wizard, *reasons):
        self.assertFalse(self.Statement.search([]), "nothing may be imported")
        for reason in reasons:
            self.assertIn(reason, wizard.issues)

    # ------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------

    def test_matched_differing_unknown_csv(self):
        wizard, action = self._import(self._csv(self._three_rows()))
        statement = self._statement_of(action)
        self.assertFalse(wizard.issues)
        self.assertEqual(statement.state, "draft")
        self.assertEqual(statement.insurer_id, self.insurer_direct)
        self.assertEqual(statement.company_id, self.company)
        self.assertIn(self.insurer_direct.name, statement.name)
        matched, differing, unknown = statement.line_ids.sorted("sequence")
        self.assertEqual(
            [line.sequence for line in (matched, differing, unknown)], [2, 3, 4]
        )

        self.assertEqual(matched.match_state, "matched")
        self.assertEqual(matched.policy_id, self.policy_single)
        self.assertEqual(
            matched.commission_line_id, self._expected_lines(self.policy_single)
        )
        self.assertEqual(matched.premium, 1000.0)
        self.assertEqual(matched.commission, 150.0)
        self.assertEqual(matched.expected_commission, 150.0)
        self.assertEqual(matched.difference, 0.0)
        self.assertEqual(matched.period, datetime.date(2026, 3, 1))

        self.assertEqual(differing.match_state, "differing")
        self.assertEqual(
            differing.commission_line_id,
            self._line_of_month(self.policy_monthly, "2026-02"),
        )
        self.assertEqual(differing.expected_commission, 15.0)
        self.assertEqual(differing.difference, -0.5)

        self.assertEqual(unknown.match_state, "unknown")
        self.assertFalse(unknown.policy_id)
        self.assertFalse(unknown.commission_line_id)
        self.assertEqual(unknown.commission, 50.0)

        self.assertEqual(
            (
                statement.matched_count,
                statement.differing_count,
                statement.unknown_count,
            ),
            (1, 1, 1),
        )
        self.assertEqual(statement.total_commission, 214.5)
        self.assertEqual(statement.total_expected, 165.0)
        # Nothing is received before the statement is confirmed.
        self.assertEqual(self._expected_lines(self.policy_single).received_amount, 0.0)

    def test_xlsx_with_title_rows_dates_and_numbers(self):
        content = self._xlsx(
            [
                (self.policy_single.name, 1000, 150, datetime.date(2026, 3, 31)),
                (self.policy_monthly.name, 100.0, 15.0, "04/2026"),
            ],
            header=("Policy No.", "Gross Premium", "Commission", "Month"),
            title="Statement of commission, March 2026",
        )
        wizard, action = self._import(content, file_name="statement.xlsx")
        self.assertEqual(wizard.column_policy, "Policy No.")
        self.assertEqual(wizard.column_premium, "Gross Premium")
        self.assertEqual(wizard.column_period, "Month")
        statement = self._statement_of(action)
        first, second = statement.line_ids.sorted("sequence")
        # Spreadsheet row numbers: a title, an empty row, the header.
        self.assertEqual((first.sequence, second.sequence), (4, 5))
        self.assertEqual(first.match_state, "matched")
        self.assertEqual(first.period, datetime.date(2026, 3, 1))
        self.assertEqual(second.match_state, "matched")
        self.assertEqual(
            second.commission_line_id,
            self._line_of_month(self.policy_monthly, "2026-04"),
        )

    def test_csv_bom_tab_and_comma_delimiters(self):
        rows = [(self.policy_single.name, "1,000.00", "150.00", "2026-03-10")]
        for delimiter, bom in ((",", False), ("\t", True), (";", True)):
            with self.subTest(delimiter=delimiter, bom=bom):
                __, action = self._import(self._csv(rows, delimiter=delimiter, bom=bom))
                line = self._statement_of(action).line_ids
                self.assertEqual(line.match_state, "matched")
                self.assertEqual(line.premium, 1000.0)
                self.Statement.search([]).unlink()

    def test_row_without_line_in_its_month_takes_oldest_open_line(self):
        """A row whose month has no commission pays the policy's oldest open
        commission; a line is paid by one row only; a policy with nothing
        open left gives a differing row."""
        __, action = self._import(
            self._csv(
                [
                    (self.policy_monthly.name, "", "15,00", "05/2027"),
                    (self.policy_monthly.name, "", "15,00", "06/2027"),
                    (self.policy_single.name, "", "150,00", "03/2026"),
                ]
            )
        )
        statement = self._statement_of(action)
        statement.action_confirm()
        first, second, single = statement.line_ids.sorted("sequence")
        self.assertEqual(
            first.commission_line_id,
            self._line_of_month(self.policy_monthly, "2026-01"),
        )
        self.assertEqual(first.match_state, "matched")
        self.assertIn("oldest open commission", first.note)
        self.assertEqual(
            second.commission_line_id,
            self._line_of_month(self.policy_monthly, "2026-02"),
        )
        # The single premium's commission is now received: a second
        # statement reporting it again has nothing left to match.
        __, action = self._import(
            self._csv([(self.policy_single.name, "", "150,00", "04/2026")])
        )
        again = self._statement_of(action).line_ids
        self.assertEqual(again.policy_id, self.policy_single)
        self.assertFalse(again.commission_line_id)
        self.assertEqual(again.match_state, "differing")
        self.assertEqual(again.difference, 150.0)
        self.assertIn("No open commission", again.note)

    def test_chargeback_row_matches_chargeback_line(self):
        """A negative row pays the chargeback of its month rather than the
        instalment's commission of the same month."""
        chargeback = self.env["insurance.commission.line"].create(
            {
                "policy_id": self.policy_monthly.id,
                "kind": "chargeback",
                "date": "2026-02-20",
                "amount": -40.0,
            }
        )
        __, action = self._import(
            self._csv([(self.policy_monthly.name, "", "-40,00", "02/2026")])
        )
        row = self._statement_of(action).line_ids
        self.assertEqual(row.commission_line_id, chargeback)
        self.assertEqual(row.expected_commission, -40.0)
        self.assertEqual(row.match_state, "matched")
        row.statement_id.action_confirm()
        self.assertEqual(chargeback.received_amount, -40.0)

    # ------------------------------------------------------------
    # Confirming and importing again
    # ------------------------------------------------------------

    def test_confirm_records_received_amounts(self):
        __, action = self._import(self._csv(self._three_rows()))
        statement = self._statement_of(action)
        single_line = self._expected_lines(self.policy_single)
        february = self._line_of_month(self.policy_monthly, "2026-02")
        statement.with_user(self.invoicing_user).action_confirm()
        self.assertEqual(statement.state, "done")
        self.assertEqual(single_line.received_amount, 150.0)
        self.assertEqual(february.received_amount, 14.5)
        self.assertEqual(
            self._line_of_month(self.policy_monthly, "2026-03").received_amount, 0.0
        )
        summary = "\n".join(statement.message_ids.mapped("body"))
        self.assertIn("Statement confirmed", summary)
        self.assertIn("1 matched rows", summary)
        self.assertIn("1 rows of unknown policies", summary)
        with self.assertRaises(UserError):
            statement.action_confirm()
        with self.assertRaises(UserError):
            statement.unlink()
        # Reset: the rows no longer count as received.
        statement.action_draft()
        self.assertEqual(single_line.received_amount, 0.0)
        self.assertEqual(february.received_amount, 0.0)

    def test_partly_received_line_expects_the_rest(self):
        __, action = self._import(
            self._csv([(self.policy_monthly.name, "", "10,00", "2026-02")])
        )
        self._statement_of(action).action_confirm()
        __, action = self._import(
            self._csv([(self.policy_monthly.name, "", "5,00", "02/2026")])
        )
        rest = self._statement_of(action).line_ids
        self.assertEqual(
            rest.commission_line_id,
            self._line_of_month(self.policy_monthly, "2026-02"),
        )
        self.assertEqual(rest.expected_commission, 5.0)
        self.assertEqual(rest.match_state, "matched")

    def test_two_drafts_matched_to_the_same_commission(self):
        """Two statements reporting the same commission, both matched while
        in draft: the second cannot be confirmed as it was matched, and once
        matched again its row is a difference, not a second payment."""
        row = (self.policy_single.name, "1000,00", "150,00", "03/2026")
        __, action = self._import(self._csv([row]))
        first = self._statement_of(action)
        # The insurer's next statement reports the same commission again
        # (with a row of its own).
        late = (self.policy_monthly.name, "100,00", "15,00", "01/2026")
        __, action = self._import(self._csv([row, late]))
        second = self._statement_of(action)
        again = second.line_ids.filtered(lambda line: line.sequence == 2)
        single_line = self._expected_lines(self.policy_single)
        self.assertEqual(again.commission_line_id, single_line)
        first.action_confirm()
        with self.assertRaisesRegex(UserError, self.policy_single.name):
            second.action_confirm()
        self.assertEqual(second.state, "draft")
        self.assertEqual(single_line.received_amount, 150.0)
        second.action_match()
        self.assertEqual(again.match_state, "differing")
        self.assertEqual(again.difference, 150.0)
        second.action_confirm()
        self.assertEqual(second.state, "done")
        self.assertEqual(single_line.received_amount, 150.0)

    def test_reimport_same_file_changes_nothing(self):
        content = self._csv(self._three_rows())
        __, action = self._import(content)
        statement = self._statement_of(action)
        statement.action_confirm()
        rows_before = statement.line_ids
        received_before = self._expected_lines(self.policy_single).received_amount
        messages_before = len(statement.message_ids)

        wizard, action = self._import(content, user=self.invoicing_user)
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("nothing was changed", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_id"], statement.id)
        self.assertEqual(self.Statement.search([]), statement)
        self.assertEqual(statement.line_ids, rows_before)
        self.assertEqual(statement.state, "done")
        self.assertEqual(len(statement.message_ids), messages_before)
        self.assertEqual(
            self._expected_lines(self.policy_single).received_amount,
            received_before,
        )
        # The same file for another insurer, whose policies it names none of,
        # is refused as the wrong insurer's.
        wizard, action = self._import(content, insurer=self.insurer_broker)
        self.assertEqual(action["res_model"], wizard._name)
        self.assertIn(
            "None of the 3 rows matches a policy of Alpha Insurance (broker "
            "collects): wrong insurer or wrong file?",
            wizard.issues,
        )
        self.assertEqual(self.Statement.search([]), statement)

    def test_match_again_after_policy_entered(self):
        __, action = self._import(
            self._csv(
                [
                    (self.policy_single.name, "", "150,00", "03/2026"),
                    ("LATE-001", "", "150,00", "03/2026"),
                ]
            )
        )
        statement = self._statement_of(action)
        late = statement.line_ids.filtered(lambda line: line.sequence == 3)
        self.assertEqual(late.match_state, "unknown")
        policy = self._create_policy(
            name="LATE-001",
            insurer_id=self.insurer_direct.id,
            date_start="2026-03-01",
            premium=1000.0,
        )
        statement.action_match()
        self.assertEqual(late.policy_id, policy)
        self.assertEqual(late.match_state, "matched")
        self.assertEqual(statement.matched_count, 2)

    def test_wizard_form(self):
        """What a user does: choose the insurer and the file, see the columns
        found, import, land on the statement's form."""
        content = self._csv(self._three_rows())
        with Form(self.Import.with_user(self.invoicing_user)) as form:
            form.insurer_id = self.insurer_direct
            form.file = base64.b64encode(content)
            self.assertEqual(
                form.file_columns, "Policy Number, Premium, Commission, Period"
            )
            self.assertEqual(form.column_policy, "Policy Number")
            self.assertEqual(form.column_commission, "Commission")
        action = form.record.action_import()
        statement = self._statement_of(action)
        with Form(statement.with_user(self.invoicing_user)) as statement_form:
            self.assertEqual(statement_form.matched_count, 1)
            self.assertEqual(len(statement_form.line_ids), 3)
            statement_form.date = "2026-04-02"
        self.assertEqual(statement.date, datetime.date(2026, 4, 2))

    # ------------------------------------------------------------
    # Bad input: every unusable row listed, nothing imported
    # ------------------------------------------------------------

    def test_empty_files(self):
        for content, reason in (
            (b"  \r\n\r\n", "The file is empty."),
            (self._xlsx([], header=()), "The file is empty."),
            (self._csv([]), "The file has no rows below its header (row 1)."),
        ):
            with self.subTest(reason=reason):
                wizard, action = self._import(content)
                self.assertEqual(action["res_model"], wizard._name)
                self.assertEqual(action["res_id"], wizard.id)
                self.assertNothingImported(wizard, reason)

    def test_wrong_or_missing_columns(self):
        content = self._csv(
            [(self.policy_single.name, "150,00", "03/2026")],
            header=("Number", "Amount", "When"),
        )
        wizard, __ = self._import(content)
        self.assertFalse(wizard.column_policy)
        self.assertNothingImported(
            wizard,
            "Give the column of the policy number.",
            "Give the column of the commission.",
            "Give the column of the period.",
        )
        wizard, __ = self._import(
            content,
            column_policy="Policy",
            column_commission="Amount",
            column_period="When",
        )
        self.assertNothingImported(
            wizard,
            'The file has no column "Policy" (policy number); its columns are: '
            '"Number", "Amount", "When".',
        )
        self.assertNotIn("Amount", wizard.issues.split("its columns")[0])

    def test_text_in_numbers_and_periods(self):
        content = self._csv(
            [
                (self.policy_single.name, "1000,00", "150,00", "03/2026"),
                (self.policy_monthly.name, "lots", "abc", "2026-02"),
                (self.policy_monthly.name, "100", "15", "soon"),
                ("", "100", "", "2026-04"),
            ]
        )
        wizard, __ = self._import(content)
        self.assertNothingImported(
            wizard,
            'Row 3: the commission "abc" is not a number; the premium "lots" is '
            "not a number.",
            'Row 4: the period "soon" is not a month (2026-03, 03/2026) or a date.',
            "Row 5: no policy number; no commission.",
        )
        self.assertNotIn("Row 2", wizard.issues)

    def test_repeated_rows_imported_and_flagged(self):
        """A row repeated cell for cell is imported and flagged for the
        accountant to check; rows of the same policy, month and amount that
        differ otherwise (two instalments paid in a month) are no repeat."""
        content = self._csv(
            [
                (self.policy_monthly.name, "100", "15", "2026-02"),
                (self.policy_single.name, "1000", "150", "03/2026"),
                (self.policy_monthly.name, "100", "15", "2026-02"),
                (self.policy_monthly.name, "100", "15", "2026-02-28"),
            ]
        )
        wizard, action = self._import(content)
        self.assertFalse(wizard.issues)
        statement = self._statement_of(action)
        rows = statement.line_ids.sorted("sequence")
        self.assertEqual(rows.mapped("repeated_row"), [0, 0, 2, 0])
        self.assertEqual(statement.repeated_count, 1)
        # Each row is a payment of its own: three months of the monthly
        # policy's commission, the oldest open ones after February's.
        self.assertEqual(len(rows.commission_line_id), 4)
        self.assertEqual(
            rows[0].commission_line_id,
            self._line_of_month(self.policy_monthly, "2026-02"),
        )
        self.assertEqual(self.Statement.search([("repeated_count", ">", 0)]), statement)

    def test_two_payments_of_a_policy_in_a_month_are_not_duplicates(self):
        """Two instalments paid in one month, or a commission and a
        chargeback: rows of their own, each matched to its line."""
        content = self._csv(
            [
                (self.policy_monthly.name, "100", "14,50", "2026-02"),
                (self.policy_monthly.name, "100", "14,00", "2026-02"),
            ]
        )
        wizard, action = self._import(content)
        self.assertFalse(wizard.issues)
        rows = self._statement_of(action).line_ids
        self.assertEqual(len(rows), 2)
        self.assertEqual(len(rows.commission_line_id), 2)

    def test_unreadable_files(self):
        not_a_workbook = io.BytesIO()
        with zipfile.ZipFile(not_a_workbook, "w") as archive:
            archive.writestr("readme.txt", "not a workbook")
        for content in (
            "Apólice;Comissão\n".encode("latin-1"),
            b"\x00\x01\x02binary\x00",
            not_a_workbook.getvalue(),
        ):
            with self.subTest(content=content[:10]):
                wizard, __ = self._import(content)
                self.assertNothingImported(wizard, "The file cannot be read")

    def test_issues_cleared_once_corrected(self):
        wizard, __ = self._import(
            self._csv([(self.policy_single.name, "", "150", "03/2026")]),
            column_commission="Amount",
        )
        self.assertTrue(wizard.issues)
        wizard.column_commission = "Commission"
        action = wizard.action_import()
        self.assertFalse(wizard.issues, wizard.issues)
        self.assertEqual(self._statement_of(action).line_ids.match_state, "matched")
        self.assertFalse(wizard.issues)

    # ------------------------------------------------------------
    # Columns remembered per insurer
    # ------------------------------------------------------------

    def test_mapping_remembered_per_insurer(self):
        header = ("Contrato", "Valor", "Comissão", "Mês")
        content = self._csv(
            [(self.policy_single.name, "1000,00", "150,00", "03/2026")],
            header=header,
        )
        wizard = self._wizard(content, user=self.invoicing_user)
        # Commission and period look like theirs; the policy number does not.
        self.assertEqual(wizard.column_commission, "Comissão")
        self.assertEqual(wizard.column_period, "Mês")
        self.assertFalse(wizard.column_policy)
        wizard.write({"column_policy": "Contrato", "column_premium": "Valor"})
        statement = self._statement_of(wizard.action_import())
        self.assertEqual(statement.line_ids.match_state, "matched")
        self.assertEqual(
            (
                self.insurer_direct.insurance_statement_column_policy,
                self.insurer_direct.insurance_statement_column_premium,
                self.insurer_direct.insurance_statement_column_commission,
                self.insurer_direct.insurance_statement_column_period,
            ),
            header,
        )
        # The insurer's next statement: its columns are prefilled.
        next_file = self._csv(
            [(self.policy_monthly.name, "100,00", "15,00", "04/2026")], header=header
        )
        wizard = self._wizard(next_file, user=self.invoicing_user)
        self.assertEqual(
            (
                wizard.column_policy,
                wizard.column_premium,
                wizard.column_commission,
                wizard.column_period,
            ),
            header,
        )
        self.assertEqual(
            self._statement_of(wizard.action_import()).line_ids.match_state,
            "matched",
        )
        # Without a file yet, the remembered columns are shown.
        self.assertEqual(
            self.Import.new({"insurer_id": self.insurer_direct.id}).column_policy,
            "Contrato",
        )
        # Another insurer remembers nothing of it.
        other = self._wizard(next_file, insurer=self.insurer_broker)
        self.assertFalse(other.column_policy)
        self.assertFalse(self.insurer_broker.insurance_statement_column_policy)

    # ------------------------------------------------------------
    # Parsing
    # ------------------------------------------------------------

    def test_sample_files_of_the_demo(self):
        """The sample files shipped in demo/ read without an unusable row."""
        for path, count in (
            ("insurance_broker_account/demo/statement_costa_verde_sample.csv", 6),
            ("insurance_broker_account/demo/statement_baltic_shield_sample.xlsx", 5),
        ):
            with self.subTest(path=path), file_open(path, "rb") as sample:
                wizard = self._wizard(sample.read())
                rows, issues = wizard._parse(base64.b64decode(wizard.file))
                self.assertEqual(issues, [])
                self.assertEqual(len(rows), count)
        # What the demo data runs: imported and confirmed once, however
        # often it runs.
        path = "insurance_broker_account/demo/statement_costa_verde_sample.csv"
        # One of its policies, for the file not to be the wrong insurer's.
        self._create_policy(
            name="CV-VG-310245", insurer_id=self.insurer_direct.id, premium=100.0
        )
        statement = self.Import._import_demo_file(self.insurer_direct.id, path, True)
        self.assertEqual(statement.state, "done")
        self.assertEqual(statement.file_name, "statement_costa_verde_sample.csv")
        self.assertEqual(len(statement.line_ids), 6)
        self.assertEqual(
            self.Import._import_demo_file(self.insurer_direct.id, path, True),
            statement,
        )
        self.assertEqual(self.Statement.search([]), statement)

    # ------------------------------------------------------------
    # Access and companies
    # ------------------------------------------------------------

    def test_access(self):
        content = self._csv(self._three_rows())
        __, action = self._import(content, user=self.invoicing_user)
        statement = self._statement_of(action).with_user(self.invoicing_user)
        statement.action_confirm()
        self.assertEqual(statement.state, "done")
        # Insurance users may read statements (read-only), not import them.
        statement.with_user(self.reader).read(["name", "total_commission"])
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            self._wizard(content, user=self.reader)
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            statement.with_user(self.reader).write({"name": "Changed"})
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            statement.with_user(self.salesperson).read(["name"])

    def test_multi_company_isolation(self):
        # No chart of accounts needed: statements are no accounting entries.
        company_2 = self.env["res.company"].create({"name": "Other Broker"})
        self.env.user.company_ids = [Command.link(company_2.id)]
        content = self._csv(self._three_rows())
        Import = self.Import.with_company(company_2)
        wizard = Import.create(
            {
                "insurer_id": self.insurer_direct.id,
                "file": base64.b64encode(content),
            }
        )
        self.assertEqual(wizard.company_id, company_2)
        # The policies are the first company's: unknown in the second one,
        # where the file is refused as naming none of its policies.
        wizard.action_import()
        self.assertIn("None of the 3 rows matches a policy of", wizard.issues)
        self.assertFalse(self.Statement.search([]))
        statement = self.Statement.with_company(company_2).create(
            {
                "name": "Other broker's statement",
                "insurer_id": self.insurer_direct.id,
                "company_id": company_2.id,
                "currency_id": company_2.currency_id.id,
            }
        )
        self.assertEqual(self._expected_lines(self.policy_single).received_amount, 0.0)
        # The first company's users do not see it; the same file imports
        # anew in the first company.
        self.assertFalse(
            self.Statement.with_user(self.invoicing_user).search(
                [("id", "=", statement.id)]
            )
        )
        __, action = self._import(content, user=self.invoicing_user)
        self.assertNotEqual(self._statement_of(action), statement)
        self.invoicing_user.write({"company_ids": [Command.link(company_2.id)]})
        self.assertTrue(
            self.Statement.with_user(self.invoicing_user)
            .with_context(allowed_company_ids=[company_2.id])
            .search([("id", "=", statement.id)])
        )


@tagged("post_install", "-at_install")
class TestStatementDemo(TransactionCase):
    """The demo database shows a confirmed Costa Verde statement with
    matched, differing and unknown rows, and the Baltic Shield sample file
    imports by hand."""

    def test_demo_statements(self):
        costa_verde = self.env.ref(
            "insurance_broker.insurer_costa_verde", raise_if_not_found=False
        )
        if not costa_verde:
            return  # a database without demo data has nothing to show
        Statement = self.env["insurance.commission.statement"]
        domain = [
            ("insurer_id", "=", costa_verde.id),
            ("file_name", "=", "statement_costa_verde_sample.csv"),
        ]
        if not Statement.search(domain):
            # Installed before this demo existed (an update runs no demo
            # function): load it as an installation does, after the
            # commission demo, rolled back with the test.
            self.env["insurance.commission.line"]._backfill_expected()
            convert_file(
                self.env,
                "insurance_broker_account",
                "demo/insurance_statement_demo.xml",
                {},
                mode="init",
                noupdate=True,
                kind="demo",
            )
        statement = Statement.search(domain)
        self.assertEqual(statement.state, "done")
        rows = {row.policy_number: row for row in statement.line_ids}
        self.assertEqual(
            {number: row.match_state for number, row in rows.items()},
            {
                "CV-VG-310245": "matched",
                "CV-MR-120551": "matched",
                "CV-AU-402219": "matched",
                "CV-AU-389901": "differing",
                "CV-MR-118734": "differing",
                "CV-AU-415530": "unknown",
            },
        )
        self.assertEqual(rows["CV-AU-389901"].difference, -2.76)
        self.assertEqual(rows["CV-MR-120551"].commission_line_id.received_amount, 186.9)

        baltic_shield = self.env.ref("insurance_broker.insurer_baltic_shield")
        with file_open(
            "insurance_broker_account/demo/statement_baltic_shield_sample.xlsx", "rb"
        ) as sample:
            wizard = self.env["insurance.commission.statement.import"].create(
                {
                    "insurer_id": baltic_shield.id,
                    "file": base64.b64encode(sample.read()),
                    "file_name": "statement_baltic_shield_sample.xlsx",
                }
            )
        by_hand = Statement.browse(wizard.action_import()["res_id"])
        self.assertEqual(
            {row.policy_number: row.match_state for row in by_hand.line_ids},
            {
                "BS-PR-088120": "matched",
                "BS-TR-033187": "matched",
                "BS-KA-077412": "matched",
                "BS-MT-204511": "differing",
                "BS-MT-231190": "unknown",
            },
        )
