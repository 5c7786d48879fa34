from . import insurance_xlsx_abstract
from . import insurance_commission_xlsx
from . import insurance_debtor_xlsx
from . import insurance_producer_statement_report
from . import insurance_producer_statement_xlsx
