import logging

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq

_logger = logging.getLogger(__name__)


class InsuranceTelephony(http.Controller):
    @http.route(
        "/insurance/incoming_call",
        type="http",
        methods=["POST"],
        auth="public",
        csrf=False,
        save_session=False,
    )
    def insurance_incoming_call(self):
        """The telephony system reports an incoming call: JSON body
        ``{"phone": "...", "call_id": ...}``, the company's token in the
        header ``Authorization: Bearer <token>`` (or ``X-Insurance-Token``)."""
        company = self._insurance_call_company()
        if not company:
            return self._insurance_error(
                403, request.env._("Missing or invalid telephony token.")
            )
        try:
            payload = request.get_json_data()
        except ValueError:
            return self._insurance_error(
                400, request.env._("The request body is not valid JSON.")
            )
        phone = payload.get("phone") if isinstance(payload, dict) else None
        if not isinstance(phone, str) or not phone.strip():
            return self._insurance_error(
                400,
                request.env._('The JSON body needs the caller\'s number as "phone".'),
            )
        # The token authenticates the telephony system, not a user: the call
        # is recorded by OdooBot (the superuser), within the token's company
        # only (the model method keeps to its records).
        env = request.env(user=SUPERUSER_ID)
        company = company.with_env(env)
        leads = env["crm.lead"].with_company(company)
        leads = leads.with_context(lang=company.partner_id.lang or env.lang)
        # A simultaneous call from the same number ends this one with a
        # serialization failure (insurance.call.number): it is not caught
        # here, Odoo's HTTP layer retries the request from the start, which
        # then finds the lead the other call opened.
        try:
            with request.env.cr.savepoint():
                result = leads._insurance_incoming_call(
                    phone, call_id=payload.get("call_id")
                )
        except ValidationError as error:
            return self._insurance_error(400, str(error))
        except UserError as error:
            # A configuration the call cannot get through (a pipeline stage
            # removed...): the telephony system may retry once it is fixed.
            _logger.warning("Incoming call not recorded: %s", error)
            return self._insurance_error(500, str(error))
        return request.make_json_response(result)

    def _insurance_call_company(self):
        """The company whose telephony token the request carries, compared in
        constant time with every company's."""
        headers = request.httprequest.headers
        token = headers.get("X-Insurance-Token", "")
        authorization = headers.get("Authorization", "")
        if authorization[:7].lower() == "bearer ":
            token = authorization[7:]
        token = token.strip().encode()
        Company = request.env["res.company"]
        if not token:
            return Company
        # sudo: the tokens are readable by administrators only; the caller is
        # not a user, the token it holds is what identifies it.
        companies = Company.sudo().search([("insurance_call_token", "!=", False)])
        found = Company
        for company in companies:
            # No early exit: every token is compared, whichever matches.
            if consteq(company.insurance_call_token.encode(), token):
                found = company.sudo(False)
        return found

    def _insurance_error(self, status, message):
        return request.make_json_response({"error": message}, status=status)
