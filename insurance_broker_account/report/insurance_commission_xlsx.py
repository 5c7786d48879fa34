from odoo import models
from odoo.tools import split_every


class InsuranceCommissionXlsx(models.AbstractModel):
    """Commission due per insurer, as a spreadsheet: one row per commission
    line, grouped by insurer (and currency), each group closed by its total."""

    _name = "report.insurance_broker_account.commission_xlsx"
    _inherit = "report.insurance_broker_account.xlsx_abstract"
    _description = "Commission Due per Insurer (XLSX)"

    # Rows read from the database at a time: the export holds one chunk in
    # memory, not the whole book.
    _CHUNK_SIZE = 1000

    def _columns(self):
        """(header, width) of each column, in order."""
        _ = self.env._
        return [
            (_("Insurer"), 32),
            (_("Policy"), 18),
            (_("Client"), 28),
            (_("Product"), 18),
            (_("Date"), 12),
            (_("Kind"), 12),
            (_("Amount"), 14),
            (_("Invoiced"), 14),
            (_("Received"), 14),
            (_("Difference"), 14),
            (_("Invoice"), 18),
            (_("Currency"), 10),
        ]

    def generate_xlsx_report(self, workbook, data, objs):
        sheet = workbook.add_worksheet(self.env._("Commission Due"))
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        formats = {}

        def amount_format(currency, total=False):
            key = (currency.decimal_places, total)
            if key not in formats:
                decimals = "." + "0" * currency.decimal_places if currency else ""
                formats[key] = workbook.add_format(
                    {"num_format": f"#,##0{decimals}", "bold": total}
                )
            return formats[key]

        for column, (header, width) in enumerate(self._columns()):
            sheet.set_column(column, column, width)
            sheet.write_string(0, column, header, bold)
        sheet.freeze_panes(1, 0)

        kinds = dict(
            self.env["insurance.commission.line"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        # The lines in the order they are written: one query for the order,
        # then chunks read and dropped one after the other.
        ordered_ids = (
            objs.search(
                [("id", "in", objs.ids)],
                order="insurer_id, currency_id, policy_number, date, id",
            ).ids
            if objs
            else []
        )
        row = 1
        group = None
        totals = [0.0, 0.0, 0.0, 0.0]

        def write_total(row):
            insurer, currency = group
            sheet.write_string(
                row,
                0,
                self.env._("Total %(insurer)s", insurer=insurer.display_name or ""),
                bold,
            )
            for offset, total in enumerate(totals):
                sheet.write_number(
                    row, 6 + offset, total, amount_format(currency, True)
                )
            sheet.write_string(row, 11, currency.name, bold)
            return row + 1

        for lines in split_every(self._CHUNK_SIZE, ordered_ids, objs.browse):
            for line in lines:
                key = (line.insurer_id, line.currency_id)
                if group is not None and key != group:
                    row = write_total(row)
                    totals = [0.0, 0.0, 0.0, 0.0]
                group = key
                currency = line.currency_id
                # The invoice's number and state, as the commission line shows
                # them to whoever may read the line (Insurance users without
                # access to Invoicing included): sudo reads nothing more.
                move = line.move_id.sudo()
                invoiced = line.amount if move and move.state != "cancel" else 0.0
                values = (
                    line.amount,
                    invoiced,
                    line.received_amount,
                    currency.round(line.amount - line.received_amount),
                )
                # Text as text: names and numbers users typed never become
                # formulas (see the abstract report).
                self._write_text(sheet, row, 0, line.insurer_id.display_name)
                self._write_text(sheet, row, 1, line.policy_number)
                self._write_text(sheet, row, 2, line.partner_id.display_name)
                self._write_text(sheet, row, 3, line.product_id.name)
                sheet.write_datetime(row, 4, line.date, date_format)
                sheet.write_string(row, 5, kinds.get(line.kind, line.kind))
                for offset, value in enumerate(values):
                    sheet.write_number(row, 6 + offset, value, amount_format(currency))
                    totals[offset] = currency.round(totals[offset] + value)
                self._write_text(sheet, row, 10, move.name)
                sheet.write_string(row, 11, currency.name)
                row += 1
            lines.invalidate_recordset()
        if group is not None:
            write_total(row)
