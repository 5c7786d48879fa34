from . import test_pipelines
from . import test_lead_insurance
