from . import test_pipelines
from . import test_lead_insurance
from . import test_forwarding
from . import test_renewal_buckets
from . import test_offer
from . import test_automations
from . import test_incoming_call
from . import test_ui
