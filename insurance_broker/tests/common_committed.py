import random

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase


class CommittedCase(TransactionCase):
    """For what shows only between transactions (row locks, a run overlapping
    a user's edit): data committed by a cursor of its own and removed after
    the test, and environments on database connections of their own, rolled
    back at the end. Outside HttpCase the registry is not in test mode:
    ``registry.cursor()`` is a real connection."""

    def setUp(self):
        super().setUp()
        self.cursors = []
        self.created = []
        self.tag = f"T{random.randrange(10**8):08d}"
        self.addCleanup(self._remove_created)

    def _committed(self, function):
        """``function(env)`` in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            return function(api.Environment(cr, SUPERUSER_ID, {}))

    def _env(self):
        """An environment on a connection of its own, rolled back at the end."""
        cr = self.registry.cursor()
        self.cursors.append(cr)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _to_remove(self, records):
        """Remove ``records`` after the test (the last registered first)."""
        self.created.append((records._name, records.ids))
        return records

    def _remove_created(self):
        for cr in self.cursors:
            cr.rollback()
            cr.close()

        def remove(env):
            for model, ids in reversed(self.created):
                if model == "insurance.policy":
                    # Only drafts can be deleted; the state has no other way
                    # back to draft.
                    env.cr.execute(
                        "UPDATE insurance_policy SET state = 'draft' "
                        "WHERE id = ANY(%s)",
                        [ids],
                    )
                    env["insurance.policy"].invalidate_model(["state"])
                records = env[model].with_context(active_test=False).browse(ids)
                records.exists().unlink()

        self._committed(remove)

    def _create_policies(self, env, date_start, count=3):
        """``count`` draft one-year policies from ``date_start``, of a new
        insurer, product and client (removed after the test)."""
        insurer, client = self._to_remove(
            env["res.partner"].create(
                [
                    {
                        "name": f"{self.tag} Insurer",
                        "is_company": True,
                        "is_insurer": True,
                    },
                    {"name": f"{self.tag} Client", "client_type": "individual"},
                ]
            )
        )
        product = self._to_remove(
            env["insurance.product"].create(
                {
                    "name": f"{self.tag} CASCO",
                    "code": self.tag,
                    "category": "casco",
                    "default_term_months": 12,
                }
            )
        )
        return self._to_remove(
            env["insurance.policy"].create(
                [
                    {
                        "name": f"{self.tag}-{index}",
                        "partner_id": client.id,
                        "insurer_id": insurer.id,
                        "product_id": product.id,
                        "date_start": date_start,
                        "premium": 1000.0,
                    }
                    for index in range(count)
                ]
            )
        )
