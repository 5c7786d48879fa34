from . import test_pipelines
from . import test_lead_insurance
from . import test_forwarding
