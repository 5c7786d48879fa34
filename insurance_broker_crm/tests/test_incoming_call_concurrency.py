import json
import random
import threading
from contextlib import suppress
from unittest.mock import patch

import requests

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import HttpCase, tagged

URL = "/insurance/incoming_call"


@tagged("post_install", "-at_install")
class TestIncomingCallConcurrency(HttpCase):
    """Simultaneous calls against the running server, for real: the registry
    is left out of test mode, so each request runs in its own database
    transaction, as in production (in test mode every request shares the
    test's cursor, one at a time), and Odoo's HTTP layer retries it on a
    serialization failure, as in production. What the requests must see is
    committed through a cursor of its own, and removed after."""

    registry_test_mode = False
    CALLS = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What test mode does to the registries' lock, without its shared
        # cursor: the tests run while the module loader holds that lock, which
        # each request takes to find its registry.
        cls.classPatch(Registry, "_lock", DummyRLock())
        with cls.registry.cursor() as cr:
            company = api.Environment(cr, SUPERUSER_ID, {}).company
            cls.company_id = company.id
            cls.previous_token = company.insurance_call_token
            company._insurance_generate_call_token()
            cls.token = company.insurance_call_token
        cls.addClassCleanup(cls._restore_token)

    @classmethod
    def _restore_token(cls):
        with cls.registry.cursor() as cr:
            company = api.Environment(cr, SUPERUSER_ID, {})["res.company"]
            company.browse(cls.company_id).insurance_call_token = cls.previous_token

    def _committed(self, function):
        """``function(env)`` in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            return function(api.Environment(cr, SUPERUSER_ID, {}))

    def _leads_of(self, env, number):
        return (
            env["crm.lead"]
            .with_context(active_test=False)
            .search([("phone_sanitized", "=", number)])
        )

    def _forget(self, number):
        def forget(env):
            self._leads_of(env, number).unlink()
            env["insurance.call.number"].search([("number", "=", number)]).unlink()

        self._committed(forget)

    def _call_at_once(self, phones):
        """POST a call for each of ``phones`` at the same moment, each from
        its own thread; return the responses (status, JSON body)."""
        start = threading.Barrier(len(phones))
        responses = [None] * len(phones)

        def call(index, phone):
            start.wait(timeout=30)
            response = requests.post(
                self.base_url() + URL,
                data=json.dumps({"phone": phone, "call_id": f"C{index}"}),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.token}",
                },
                timeout=120,
            )
            responses[index] = (response.status_code, response.json())

        threads = [
            threading.Thread(target=call, args=(index, phone))
            for index, phone in enumerate(phones)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        return responses

    def test_simultaneous_calls_from_a_new_number_open_one_lead(self):
        digits = f"6{random.randrange(10**7):07d}"
        number = f"+370{digits}"
        self.addCleanup(self._forget, number)
        self.assertFalse(self._committed(lambda env: self._leads_of(env, number).ids))
        # Each call waits (a second at most) until every other call has
        # looked the caller up: without a lock per number, all of them find
        # no lead and open one each. With it, the others wait for the first
        # call's row, are retried after it, and find its lead.
        Lead = self.registry["crm.lead"]
        looked_up = threading.Barrier(self.CALLS)
        sales_lead = Lead._insurance_call_sales_lead

        def after_every_look_up(lead_model, number, partners):
            with suppress(threading.BrokenBarrierError):
                looked_up.wait(timeout=1)
            return sales_lead(lead_model, number, partners)

        # The same number however the telephony system writes it.
        phones = [
            number,
            f"+370 {digits[:3]} {digits[3:]}",
            f"+370 ({digits[:3]}) {digits[3:]}",
        ]
        with patch.object(Lead, "_insurance_call_sales_lead", after_every_look_up):
            responses = self._call_at_once(phones[: self.CALLS])

        self.assertEqual([status for status, __ in responses], [200] * self.CALLS)
        results = sorted(body["result"] for __, body in responses)
        self.assertEqual(results, ["existing_lead"] * (self.CALLS - 1) + ["new_lead"])
        self.assertEqual(len({body["lead_id"] for __, body in responses}), 1)

        def outcome(env):
            leads = self._leads_of(env, number)
            notes = leads.message_ids.filtered(
                lambda message: "(call C" in (message.body or "")
            )
            call_number = env["insurance.call.number"].search(
                [("company_id", "=", self.company_id), ("number", "=", number)]
            )
            return leads.ids, len(notes), call_number.call_count

        lead_ids, notes, call_count = self._committed(outcome)
        self.assertEqual(lead_ids, [responses[0][1]["lead_id"]])
        self.assertEqual(notes, self.CALLS, "every call is noted on the one lead")
        self.assertEqual(call_count, self.CALLS)
