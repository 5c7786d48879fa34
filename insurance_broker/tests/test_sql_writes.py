import re
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

SUITE = ("insurance_broker", "insurance_broker_crm", "insurance_broker_account")

# The statements that write a table, with the table they write; "UPDATE"
# after FOR (a row lock) and before SET (ON CONFLICT ... DO UPDATE SET) is
# not one.
WRITES = re.compile(
    r"""\b(?:INSERT\s+INTO|DELETE\s+FROM|(?<!FOR\s)(?<!KEY\s)UPDATE|ALTER\s+TABLE
        |TRUNCATE(?:\s+TABLE)?|CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?
         \S+\s+ON)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)""",
    re.VERBOSE,
)
# odoo.tools.create_index(cr, name, table, ...) with the table spelled out.
CREATE_INDEX = re.compile(
    r"""create_index\(\s*[^,]+,\s*[^,]+,\s*["']([a-z_0-9]+)["']"""
)


@tagged("post_install", "-at_install")
class TestSqlWrites(TransactionCase):
    """Raw SQL writes only the suite's own tables: the rows of other
    modules (mail messages and tracking, crm's lead columns, accounting
    entries) are written through their module's API, which keeps their
    invariants and the overrides of other addons."""

    def _suite_tables(self):
        """The tables of the models the suite defines and of the relations
        its fields add."""
        tables = set()
        for model in self.env.registry.values():
            if model._original_module in SUITE:
                tables.add(model._table)
            for field in model._fields.values():
                if field.type == "many2many" and field._module in SUITE:
                    tables.add(field.relation)
        return tables

    def _database_tables(self):
        self.env.cr.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public'"
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _code_writes(self, addons):
        """(file, line, table) of every write statement in the code of
        ``addons`` (models, wizards, migrations, hooks; not the tests)."""
        for addon in addons:
            root = Path(get_module_path(addon))
            for path in sorted(root.rglob("*.py")):
                if "tests" in path.relative_to(root).parts:
                    continue
                text = path.read_text(encoding="utf-8")
                for pattern in (WRITES, CREATE_INDEX):
                    for match in pattern.finditer(text):
                        line = text.count("\n", 0, match.start()) + 1
                        yield path.relative_to(root.parent), line, match.group(1)

    def test_sql_writes_only_the_suite_tables(self):
        installed = self.env["ir.module.module"].search(
            [("name", "in", SUITE), ("state", "=", "installed")]
        )
        own = self._suite_tables()
        existing = self._database_tables()
        writes = list(self._code_writes(installed.mapped("name")))
        # The scan finds the suite's own writes (it is not looking at nothing).
        self.assertTrue(own & {table for __, __, table in writes})
        foreign = [
            f"{path}:{line}: {table}"
            for path, line, table in writes
            # words that are no table ("one UPDATE changes...") are prose
            if table in existing and table not in own
        ]
        self.assertEqual(foreign, [], "SQL writing another module's table")

    def test_the_scan_sees_a_foreign_write(self):
        text = (
            'cr.execute("INSERT INTO mail_message (body) VALUES (%s)")\n'
            'cr.execute("UPDATE crm_lead SET probability = 0")\n'
            'cr.execute("SELECT id FROM insurance_policy FOR NO KEY UPDATE SKIP '
            'LOCKED")\n'
            'create_index(cr, "some_index", "account_move", ["date"])\n'
            'cr.execute("ALTER TABLE res_partner ALTER COLUMN x SET DEFAULT 1")\n'
        )
        found = [m.group(1) for p in (WRITES, CREATE_INDEX) for m in p.finditer(text)]
        self.assertEqual(
            sorted(found), ["account_move", "crm_lead", "mail_message", "res_partner"]
        )
