from . import controllers
from . import models


def post_init_hook(env):
    """The book the addon is installed on: every policy in force gets its
    renewal deal."""
    env["insurance.policy"]._insurance_create_missing_renewal_deals()
