from . import insurance_bounded_mixin
from . import insurance_document_type
from . import insurance_product
from . import insurance_commission_rule
from . import insurance_policy
from . import insurance_policy_installment
from . import res_partner
