import json

from odoo.tests import HttpCase, new_test_user, tagged

from .common import InsuranceCrmCommon

URL = "/insurance/incoming_call"
CALL_RESULT = "Record the call's result"


@tagged("post_install", "-at_install")
class TestIncomingCall(HttpCase, InsuranceCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lithuania = cls.env.ref("base.lt")
        cls.company.country_id = lithuania
        cls.other_company.country_id = lithuania
        (cls.company | cls.other_company)._insurance_generate_call_token()
        cls.token = cls.company.insurance_call_token
        cls.other_token = cls.other_company.insurance_call_token
        cls.head_of_sales = new_test_user(
            cls.env,
            login="call_head_sales",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.renewal_team = cls.env.ref("insurance_broker_crm.team_insurance_renewal")
        cls.renewal_team.user_id = cls.head_of_sales
        cls.client.phone = "+370 612 34567"
        cls.renewal = cls._renewal_lead(cls.client, "renewal_3_months")

    @classmethod
    def _renewal_lead(cls, partner, stage, **values):
        return cls.env["crm.lead"].create(
            {
                "name": f"Renew {partner.name}",
                "type": "opportunity",
                "partner_id": partner.id,
                "team_id": cls.renewal_team.id,
                "stage_id": cls.stage[stage].id,
                "user_id": cls.salesman.id,
                **values,
            }
        )

    def _call(self, body, token=None, headers=None):
        """POST ``body`` (JSON unless a string) to the endpoint."""
        headers = dict(headers or {}, **{"Content-Type": "application/json"})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = body if isinstance(body, str) else json.dumps(body)
        response = self.url_open(URL, data=data, headers=headers, timeout=60)
        self.env.invalidate_all()  # the server wrote through another environment
        return response

    def _call_results(self, lead):
        return lead.activity_ids.filtered(lambda act: act.summary == CALL_RESULT)

    def _notes(self, leads):
        return "\n".join(leads.message_ids.mapped(lambda message: message.body or ""))

    def _snapshot(self):
        # What the test's own set-up tracks is written at the first commit,
        # the request's: write it before counting.
        self._flush_tracking()
        Lead = self.env["crm.lead"].with_context(active_test=False)
        return (
            Lead.search_count([]),
            self.env["mail.activity"].search_count([]),
            self.env["mail.message"].search_count([("model", "=", "crm.lead")]),
            self.renewal.stage_id,
        )

    def test_wrong_or_missing_token_is_refused_and_changes_nothing(self):
        before = self._snapshot()
        body = {"phone": "+37061234567"}
        for kwargs in (
            {},
            {"token": "not-the-token"},
            {"token": self.token[:-1]},
            {"headers": {"X-Insurance-Token": "not-the-token"}},
            {"headers": {"Authorization": self.token}},  # not a bearer token
        ):
            response = self._call(body, **kwargs)
            self.assertEqual(response.status_code, 403, kwargs)
            self.assertIn("token", response.json()["error"])
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(self.renewal.stage_id, self.stage["renewal_3_months"])

    def test_malformed_requests_get_400_with_a_message(self):
        before = self._snapshot()
        response = self._call("{not json", token=self.token)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["error"], "The request body is not valid JSON."
        )
        for body in ({}, {"phone": ""}, {"phone": 37061234567}, ["+37061234567"]):
            response = self._call(body, token=self.token)
            self.assertEqual(response.status_code, 400, body)
            self.assertIn('"phone"', response.json()["error"])
        for phone in ("not a number", "12", "+370 612"):
            response = self._call({"phone": phone}, token=self.token)
            self.assertEqual(response.status_code, 400, phone)
            self.assertIn(
                f"Not a valid phone number: {phone}", response.json()["error"]
            )
        self.assertEqual(self._snapshot(), before)

    def test_a_renewal_in_a_bucket_is_taken_into_work(self):
        response = self._call(
            {"phone": "+370 612 34567", "call_id": "C-1"}, token=self.token
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "result": "moved",
                "lead_id": self.renewal.id,
                "lead_ids": [self.renewal.id],
            },
        )
        self.assertEqual(self.renewal.stage_id, self.stage["renewal_take"])
        self.assertFalse(self._call_results(self.renewal))
        self.assertIn(
            "Incoming call from +37061234567 (call C-1).", self._notes(self.renewal)
        )

    def test_a_renewal_taken_into_work_gets_one_call_result_task(self):
        self.renewal.stage_id = self.stage["renewal_take"]
        todo = self.env.ref("insurance_broker_crm.mail_activity_type_call_result")
        response = self._call({"phone": "+37061234567"}, token=self.token)
        self.assertEqual(response.json()["result"], "task")
        task = self._call_results(self.renewal)
        self.assertEqual(len(task), 1)
        self.assertEqual(task.activity_type_id, todo)
        self.assertEqual(task.user_id, self.salesman)
        # A second call while the task is open: no second task.
        response = self._call({"phone": "+37061234567"}, token=self.token)
        self.assertEqual(response.json()["result"], "already_tasked")
        self.assertEqual(self._call_results(self.renewal), task)
        self.assertEqual(self.renewal.stage_id, self.stage["renewal_take"])
        # Once it is done, the next call asks again.
        task.action_feedback(feedback="Client will call back")
        response = self._call({"phone": "+37061234567"}, token=self.token)
        self.assertEqual(response.json()["result"], "task")
        self.assertEqual(len(self._call_results(self.renewal)), 1)

    def test_a_lead_without_a_responsible_asks_the_head_of_sales(self):
        self.renewal.write(
            {"stage_id": self.stage["renewal_take"].id, "user_id": False}
        )
        self._call({"phone": "+37061234567"}, token=self.token)
        self.assertEqual(self._call_results(self.renewal).user_id, self.head_of_sales)

    def test_numbers_written_differently_match(self):
        # The client's phone is stored internationally, the caller's national.
        response = self._call({"phone": "8 (612) 345-67"}, token=self.token)
        self.assertEqual(response.json()["lead_id"], self.renewal.id)
        self.assertEqual(self.renewal.stage_id, self.stage["renewal_take"])
        # A mobile stored in national format, an international caller.
        other = self.env["res.partner"].create(
            {"name": "Greta Mobile", "mobile": "8 699 111 22"}
        )
        other_renewal = self._renewal_lead(other, "renewal_year")
        response = self._call({"phone": "0037069911122"}, token=self.token)
        self.assertEqual(response.json()["lead_id"], other_renewal.id)
        self.assertEqual(other_renewal.stage_id, self.stage["renewal_take"])
        # A lead with no client, its own phone in yet another form.
        orphan = self.env["crm.lead"].create(
            {
                "name": "Renewal of a walk-in",
                "type": "opportunity",
                "phone": "+370-655-55555",
                "team_id": self.renewal_team.id,
                "stage_id": self.stage["renewal_month"].id,
                "user_id": self.salesman.id,
            }
        )
        response = self._call({"phone": "865555555"}, token=self.token)
        self.assertEqual(response.json()["lead_id"], orphan.id)
        self.assertEqual(orphan.stage_id, self.stage["renewal_take"])
        # None touched the client's first renewal twice.
        self.assertFalse(self._call_results(self.renewal))

    def test_an_unknown_number_creates_one_sales_lead(self):
        Lead = self.env["crm.lead"]
        response = self._call(
            {"phone": "+370 611 12223"}, headers={"X-Insurance-Token": self.token}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["result"], "new_lead")
        lead = Lead.browse(response.json()["lead_id"])
        self.assertEqual(lead.stage_id, self.stage["sales_gathering"])
        self.assertEqual(lead.team_id, self.team_sales)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.company_id, self.company)
        self.assertEqual(lead.phone_sanitized, "+37061112223")
        self.assertFalse(lead.partner_id)
        self.assertIn("Incoming call from +37061112223.", self._notes(lead))
        # The same caller again: the call goes on the lead, no second one.
        response = self._call({"phone": "861112223"}, token=self.token)
        self.assertEqual(
            response.json(),
            {"result": "existing_lead", "lead_id": lead.id, "lead_ids": [lead.id]},
        )
        self.assertEqual(
            Lead.search_count([("phone_sanitized", "=", "+37061112223")]), 1
        )
        self.assertEqual(self.renewal.stage_id, self.stage["renewal_3_months"])

    def test_a_known_client_without_renewal_gets_a_sales_lead(self):
        client = self.env["res.partner"].create(
            {
                "name": "Petras Prospect",
                "phone": "+370 611 99999",
                "client_manager_id": self.salesman.id,
            }
        )
        response = self._call({"phone": "+37061199999"}, token=self.token)
        self.assertEqual(response.json()["result"], "new_lead")
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual(lead.partner_id, client)
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.stage_id, self.stage["sales_gathering"])
        self.assertEqual(client.phone, "+370 611 99999")  # left as it was

    def test_another_company_token_leaves_this_company_alone(self):
        taken = self._renewal_lead(self.client, "renewal_take")
        before = self._snapshot()
        response = self._call({"phone": "+37061234567"}, token=self.other_token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["result"], "new_lead")
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual(lead.company_id, self.other_company)
        self.assertEqual(self.renewal.stage_id, self.stage["renewal_3_months"])
        self.assertFalse(self._call_results(taken))
        self.assertNotIn("Incoming call", self._notes(self.renewal | taken | self.lead))
        self.assertEqual(before[0] + 1, self._snapshot()[0])

    def test_the_token_is_generated_in_settings(self):
        settings = self.env["res.config.settings"].create({})
        old = self.company.insurance_call_token
        settings.action_insurance_generate_call_token()
        self.assertNotEqual(self.company.insurance_call_token, old)
        self.assertGreaterEqual(len(self.company.insurance_call_token), 40)
        self.assertEqual(
            self._call({"phone": "+37061234567"}, token=old).status_code, 403
        )
        self.assertNotIn("insurance_call_token", self.company.copy_data()[0])
