from . import crm_stage
from . import insurance_quote
from . import insurance_lead_driver
from . import crm_lead
from . import res_company
from . import res_config_settings
from . import mail_activity_type
from . import mail_activity
