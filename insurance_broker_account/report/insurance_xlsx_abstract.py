from odoo import models


class InsuranceXlsxAbstract(models.AbstractModel):
    """What every spreadsheet of the addon shares: rows written in order with
    one in memory, and text that stays text.

    Names, policy numbers and notes are typed by users (and by clients,
    through forms and e-mails): a cell reading "=HYPERLINK(...)" or
    "=cmd|' /C calc'!A0" must not become a formula that runs when the
    accountant opens the file. The reports write text with ``_write_text``;
    the workbook options make any other ``write`` of text safe as well.
    """

    _name = "report.insurance_broker_account.xlsx_abstract"
    _inherit = "report.report_xlsx.abstract"
    _description = "Insurance Spreadsheet (XLSX)"

    def get_workbook_options(self):
        return {
            # xlsxwriter keeps only the current row in memory: an export of
            # any length costs the same, provided rows are written in order.
            "constant_memory": True,
            # Text is text: never turned into a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }

    def _write_text(self, sheet, row, column, text, cell_format=None):
        """Write typed text as a string cell, and nothing as an empty cell
        (an empty string cell would count as a value in the accountant's
        COUNTA and filters)."""
        if text:
            sheet.write_string(row, column, text, cell_format)
        else:
            sheet.write_blank(row, column, None, cell_format)
