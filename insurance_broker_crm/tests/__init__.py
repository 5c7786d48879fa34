from . import test_pipelines
from . import test_lead_insurance
from . import test_forwarding
from . import test_renewal_buckets
