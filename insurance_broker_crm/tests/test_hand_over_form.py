from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestHandOverInTheForm(InsuranceCrmCommon, HttpCase):
    """A salesperson who sees only their own deals hands a deal over to
    Fulfilment in the deal's form, as the web client saves it: the form
    reads the deal back, and must show only what that salesperson may see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logistician = new_test_user(
            cls.env,
            login="hand_over_logistician",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.env.company.insurance_logistician_id = cls.logistician
        cls.seller_all = new_test_user(
            cls.env,
            login="hand_over_seller_all",
            groups="sales_team.group_sale_salesman_all_leads,"
            "insurance_broker.group_insurance_user",
        )
        # The deal is the salesman's (tests/common.py), for a client of
        # theirs: they see their own deals and clients only.
        cls.lead.write(
            {
                "partner_id": cls.env["res.partner"]
                .create(
                    {
                        "name": "Ieva Own Client",
                        "client_type": "individual",
                        "client_manager_id": cls.salesman.id,
                    }
                )
                .id,
                "delivery_type": "courier",
            }
        )
        cls.quote = cls.env["insurance.quote"].create(
            {"lead_id": cls.lead.id, "insurer_id": cls.insurer_a.id, "premium": 900.0}
        )
        cls.quote.action_choose()

    def _fulfilment(self):
        # Read again: the salesperson's reads left in the cache what they see.
        self.env.invalidate_all()
        return self.lead.continued_lead_ids.filtered(
            lambda lead: lead.stage_id == self.stage["fulfilment_new"]
        )

    def _web_save_handed(self, user):
        """What the web client sends when ``user`` clicks "Handed to
        fulfilment" in the deal's status bar: web_save of the values the
        stage's onchange gave, with the form's fields, in the Sales
        pipeline's context, in a request of its own."""
        context = {"default_team_id": self.team_sales.id, "default_type": "opportunity"}
        spec = Form(self.lead.with_user(user).with_context(**context))._view[
            "fields_spec"
        ]
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/crm.lead/web_save",
            {
                "model": "crm.lead",
                "method": "web_save",
                "args": [
                    self.lead.ids,
                    {
                        "stage_id": self.stage["sales_handed"].id,
                        "automated_probability": 100,
                        "probability": 100,
                    },
                ],
                "kwargs": {
                    "specification": spec,
                    "context": dict(context, uid=user.id),
                },
            },
        )

    def test_own_deals_salesperson_hands_over_in_the_form(self):
        [values] = self._web_save_handed(self.salesman)
        # Saved, not rolled back: the deal is won and went on to Fulfilment.
        self.assertEqual(values["stage_id"], self.stage["sales_handed"].id)
        self.env.invalidate_all()
        self.assertEqual(self.lead.stage_id, self.stage["sales_handed"])
        fulfilment = self._fulfilment()
        self.assertEqual(len(fulfilment), 1)
        self.assertEqual(fulfilment.user_id, self.logistician)
        # The form shows no deal the salesperson may not open...
        self.assertEqual(values["insurance_continuation_ids"], [])
        # ... as they may not: the Fulfilment deal is the logistician's.
        with self.assertRaises(AccessError):
            fulfilment.with_user(self.salesman).read(["name"])

    def test_the_form_shows_the_continuation_to_whom_may_see_it(self):
        [values] = self._web_save_handed(self.seller_all)
        fulfilment = self._fulfilment()
        self.assertEqual(len(fulfilment), 1)
        self.assertEqual(values["insurance_continuation_ids"], fulfilment.ids)
        self.assertEqual(
            Form(self.lead.with_user(self.seller_all)).insurance_continuation_ids[:],
            fulfilment,
        )
        # The same deal, opened by the own-deals salesperson.
        self.env.invalidate_all()
        self.assertFalse(
            Form(self.lead.with_user(self.salesman)).insurance_continuation_ids[:]
        )

    def test_handed_over_twice_by_the_salesperson_one_fulfilment_deal(self):
        """Moved back and handed over again, in another request: the deal
        the salesperson cannot see is found, not made a second time."""
        lead = self.lead.with_user(self.salesman)
        lead.stage_id = self.stage["sales_handed"]
        self.env.invalidate_all()
        lead.stage_id = self.stage["sales_documents"]
        self.env.invalidate_all()
        lead.stage_id = self.stage["sales_handed"]
        self.env.invalidate_all()
        self.assertEqual(len(self.lead.continued_lead_ids), 1)
