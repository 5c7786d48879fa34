from odoo import api, models


class InsuranceProducerStatementReport(models.AbstractModel):
    """The producer statements of the wizard as a PDF, a page per producer."""

    _name = "report.insurance_broker_account.report_producer_statement"
    _description = "Producer Statement (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["insurance.producer.statement.wizard"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": wizards._name,
            "docs": wizards,
            "statements": [
                statement
                for wizard in wizards
                for statement in wizard._get_producer_statements()
            ],
        }
