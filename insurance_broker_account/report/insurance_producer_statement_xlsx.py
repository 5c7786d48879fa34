import re

from odoo import models

# Characters Excel refuses in a sheet name; sheet names have 31 at most
# and neither start nor end with an apostrophe.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Column widths, in characters, of the statement's table.
COLUMN_WIDTHS = (12, 18, 28, 28, 24, 14, 14, 10, 14, 10)


class InsuranceProducerStatementXlsx(models.AbstractModel):
    """The producer statements of the wizard as a workbook, a sheet per
    producer, in the producer's language."""

    _name = "report.insurance_broker_account.producer_statement_xlsx"
    _inherit = "report.insurance_broker_account.xlsx_abstract"
    _description = "Producer Statement (XLSX)"

    def generate_xlsx_report(self, workbook, data, wizards):
        formats = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "label": workbook.add_format({"bold": True}),
            "header": workbook.add_format(
                {"bold": True, "bottom": 1, "bg_color": "#EEEEEE"}
            ),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "percent": workbook.add_format({"num_format": "0.00"}),
            "money": {},
            "workbook": workbook,
        }
        for wizard in wizards:
            for statement in wizard._get_producer_statements():
                sheet = workbook.add_worksheet(
                    self._sheet_name(statement["producer"].name)
                )
                self._write_statement(sheet, formats, statement)

    def _sheet_name(self, name):
        """A sheet name Excel accepts from the producer's name (the same name
        twice is told apart by report_xlsx)."""
        name = SHEET_NAME_FORBIDDEN.sub(" ", name or "")[:31].strip(" '")
        return name or "-"

    def _money_format(self, formats, currency, bold=False):
        key = (currency.id, bold)
        if key not in formats["money"]:
            formats["money"][key] = formats["workbook"].add_format(
                {
                    "num_format": self._report_xlsx_currency_format(currency),
                    "bold": bold,
                }
            )
        return formats["money"][key]

    def _write_statement(self, sheet, formats, statement):
        """Write one producer's statement, row after row (constant memory)."""
        producer = statement["producer"]
        _ = self.with_context(lang=producer.lang).env._
        for column, width in enumerate(COLUMN_WIDTHS):
            sheet.set_column(column, column, width)
        # Text as text: names users typed never become formulas (see the
        # abstract report).
        sheet.write_string(0, 0, _("Producer Statement"), formats["title"])
        sheet.write_string(1, 0, _("Producer"), formats["label"])
        sheet.write_string(1, 1, producer.name or "")
        sheet.write_string(2, 0, _("Period"), formats["label"])
        sheet.write_datetime(2, 1, statement["date_from"], formats["date"])
        sheet.write_datetime(2, 2, statement["date_to"], formats["date"])
        sheet.write_string(3, 0, _("Company"), formats["label"])
        sheet.write_string(3, 1, statement["company"].name or "")
        headers = (
            _("Date"),
            _("Policy"),
            _("Client"),
            _("Insurer"),
            _("Product"),
            _("Type"),
            _("Commission"),
            _("Share (%)"),
            _("Amount Due"),
            _("Currency"),
        )
        row = 5
        for column, header in enumerate(headers):
            sheet.write_string(row, column, header, formats["header"])
        for line in statement["lines"]:
            row += 1
            money = self._money_format(formats, line["currency"])
            sheet.write_datetime(row, 0, line["date"], formats["date"])
            sheet.write_string(row, 1, line["policy_number"])
            sheet.write_string(row, 2, line["client"])
            sheet.write_string(row, 3, line["insurer"])
            sheet.write_string(row, 4, line["product"])
            sheet.write_string(row, 5, line["kind"])
            sheet.write_number(row, 6, line["commission"], money)
            if line["percent"] is None:
                sheet.write_string(row, 7, _("no share"))
            else:
                sheet.write_number(row, 7, line["percent"], formats["percent"])
            sheet.write_number(row, 8, line["amount_due"], money)
            sheet.write_string(row, 9, line["currency"].name)
        if not statement["lines"]:
            row += 1
            sheet.write_string(row, 0, _("No commission in this period."))
        for total in statement["totals"]:
            row += 1
            money = self._money_format(formats, total["currency"], bold=True)
            sheet.write_string(row, 0, _("Total"), formats["label"])
            sheet.write_number(row, 6, total["commission"], money)
            sheet.write_number(row, 8, total["amount_due"], money)
            sheet.write_string(row, 9, total["currency"].name, formats["label"])
