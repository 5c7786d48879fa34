from . import insurance_policy_cancel
from . import insurance_portfolio_handover
