import uuid

from odoo import models
from odoo.tools import SQL

from ..models.insurance_debtor_report import BUCKETS


class InsuranceDebtorXlsx(models.AbstractModel):
    """The debtor list as an XLSX workbook.

    Written in xlsxwriter's constant-memory mode, row after row, from a
    server-side cursor fetched in chunks: a list of 100,000 debtors never
    sits in memory, neither as records nor as worksheet cells.
    """

    _name = "report.insurance_broker_account.debtor_xlsx"
    _inherit = "report.insurance_broker_account.xlsx_abstract"
    _description = "Debtor List XLSX"

    _FETCH_SIZE = 2000

    # Client, manager, product, insurer, bucket, days, invoices, amount, currency
    COLUMN_WIDTHS = [36, 24, 24, 30, 14, 11, 15, 16, 10]

    def _get_objs_for_report(self, docids, data):
        # The rows are read by SQL from the ids or the domain in
        # generate_xlsx_report: no need to browse them.
        return self.env["insurance.debtor.report"].browse(docids or [])

    def _debtor_domain(self, data, objs):
        """The rows to export: those selected, else those of the search the
        user exported (``data['domain']``), else every row."""
        if data and data.get("domain") is not None:
            return list(data["domain"])
        if objs:
            return [("id", "in", objs.ids)]
        return []

    def _rows_query(self, domain):
        """The export's rows, in the list's order, or None when there are
        none; the debtor list's record rules (own clients, companies) apply
        through ``_search``, and the names are joined in the same query."""
        query = self.env["insurance.debtor.report"]._search(domain)
        if query.is_empty():
            return None
        debtor = query.table

        def column(name):
            return SQL.identifier(debtor, name)

        for kind, alias, table, condition in (
            ("JOIN", "xlsx_client", "res_partner",
             SQL("xlsx_client.id = %s", column("partner_id"))),
            ("JOIN", "xlsx_currency", "res_currency",
             SQL("xlsx_currency.id = %s", column("currency_id"))),
            ("LEFT JOIN", "xlsx_user", "res_users",
             SQL("xlsx_user.id = %s", column("client_manager_id"))),
            ("LEFT JOIN", "xlsx_manager", "res_partner",
             SQL("xlsx_manager.id = xlsx_user.partner_id")),
            ("LEFT JOIN", "xlsx_product", "insurance_product",
             SQL("xlsx_product.id = %s", column("product_id"))),
            ("LEFT JOIN", "xlsx_insurer", "res_partner",
             SQL("xlsx_insurer.id = %s", column("insurer_id"))),
        ):  # fmt: skip
            query.add_join(kind, alias, table, condition)
        query.order = SQL(
            "%s DESC, xlsx_client.name, %s", column("days_late"), column("id")
        )
        lang = self.env.lang or "en_US"
        return query.select(
            SQL("xlsx_client.name"),
            SQL("xlsx_manager.name"),
            SQL("COALESCE(xlsx_product.name->>%s, xlsx_product.name->>'en_US')", lang),
            SQL("xlsx_insurer.name"),
            column("bucket"),
            column("days_late"),
            column("invoice_count"),
            column("amount_due"),
            SQL("xlsx_currency.name"),
            SQL("xlsx_currency.decimal_places"),
        )

    def _fetch_rows(self, query):
        """Yield the rows of ``query`` in chunks from a server-side cursor."""
        cr = self.env.cr
        cursor_name = SQL.identifier(f"debtor_xlsx_{uuid.uuid4().hex}")
        cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", cursor_name, query))
        try:
            while True:
                cr.execute(
                    SQL("FETCH FORWARD %s FROM %s", self._FETCH_SIZE, cursor_name)
                )
                rows = cr.fetchall()
                if not rows:
                    break
                yield from rows
        finally:
            cr.execute(SQL("CLOSE %s", cursor_name))

    def generate_xlsx_report(self, workbook, data, objs):
        env = self.env
        sheet = workbook.add_worksheet(env._("Debtors"))
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        amount_formats = {}

        def amount_format(decimals, total=False):
            key = (decimals, total)
            if key not in amount_formats:
                pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
                props = {"num_format": pattern}
                if total:
                    props.update(bold=True, top=1)
                amount_formats[key] = workbook.add_format(props)
            return amount_formats[key]

        headers = [
            env._("Client"),
            env._("Client Manager"),
            env._("Insurance Product"),
            env._("Insurer"),
            env._("Overdue"),
            env._("Days Late"),
            env._("Unpaid Invoices"),
            env._("Amount Due"),
            env._("Currency"),
        ]
        for col, width in enumerate(self.COLUMN_WIDTHS):
            sheet.set_column(col, col, width)
        # constant_memory writes each row once, in order: header, rows, totals.
        sheet.freeze_panes(1, 0)
        for col, title in enumerate(headers):
            sheet.write_string(0, col, title, header)

        bucket_labels = dict(
            env["insurance.debtor.report"]._fields["bucket"]._description_selection(env)
        ) or dict(BUCKETS)
        query = self._rows_query(self._debtor_domain(data, objs))
        totals = {}
        row_index = 0
        rows = self._fetch_rows(query) if query is not None else ()
        for row_index, row in enumerate(rows, start=1):
            (client, manager, product, insurer, bucket, days, count, amount) = row[:8]
            currency, decimals = row[8], row[9]
            sheet.write_string(row_index, 0, client or "")
            sheet.write_string(row_index, 1, manager or "")
            sheet.write_string(row_index, 2, product or "")
            sheet.write_string(row_index, 3, insurer or "")
            sheet.write_string(row_index, 4, bucket_labels.get(bucket, bucket or ""))
            sheet.write_number(row_index, 5, days)
            sheet.write_number(row_index, 6, count)
            sheet.write_number(row_index, 7, amount or 0.0, amount_format(decimals))
            sheet.write_string(row_index, 8, currency)
            total = totals.setdefault(currency, [0, 0.0, decimals])
            total[0] += count
            total[1] += amount or 0.0
        # One totals row per currency: amounts in different currencies do
        # not add up.
        for currency, (count, amount, decimals) in sorted(totals.items()):
            row_index += 1
            sheet.write_string(row_index, 0, env._("Total"), bold)
            sheet.write_number(row_index, 6, count, bold)
            sheet.write_number(
                row_index, 7, round(amount, decimals), amount_format(decimals, True)
            )
            sheet.write_string(row_index, 8, currency, bold)
