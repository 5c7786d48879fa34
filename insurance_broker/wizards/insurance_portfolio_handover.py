from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class InsurancePortfolioHandover(models.TransientModel):
    """Hands the clients of an employee who leaves over to a colleague.

    Other addons add what they own (leads, activities...) by extending
    ``_handover_records``.
    """

    _name = "insurance.portfolio.handover"
    _description = "Insurance Portfolio Handover"
    _check_company_auto = True

    from_user_id = fields.Many2one(
        "res.users", string="From", required=True, domain="[('share', '=', False)]"
    )
    to_user_id = fields.Many2one(
        "res.users",
        string="To",
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="An internal user of the company; portal and public users, and "
        "users of other companies, receive no portfolio.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Only These Clients",
        domain="[('client_manager_id', '=', from_user_id)]",
        check_company=True,
        help="Leave empty to hand over every client of the employee.",
    )
    client_count = fields.Integer(
        compute="_compute_client_count", string="Clients Concerned"
    )

    @api.depends("from_user_id", "partner_ids")
    def _compute_client_count(self):
        for wizard in self:
            wizard.client_count = (
                len(wizard._get_clients()) if wizard.from_user_id else 0
            )

    @api.constrains("to_user_id", "company_id")
    def _check_to_user_id(self):
        for wizard in self:
            wizard._check_recipient(wizard.company_id)

    def _check_recipient(self, companies):
        """Only an internal user of ``companies`` receives a portfolio: a
        portal or public user, or a user of another company, would be given
        clients they cannot (or must not) work on."""
        user = self.to_user_id
        if not user._is_internal():
            raise ValidationError(
                self.env._(
                    "%(user)s is not an internal user: a portfolio goes to an "
                    "employee, not to a portal or public user.",
                    user=user.display_name,
                )
            )
        missing = companies - user.company_ids
        if missing:
            raise ValidationError(
                self.env._(
                    "%(user)s is not a user of %(companies)s and cannot receive "
                    "its clients.",
                    user=user.display_name,
                    companies=", ".join(missing.mapped("display_name")),
                )
            )

    def _get_clients(self):
        self.ensure_one()
        if self.partner_ids:
            return self.partner_ids._origin
        # Companies and individuals; their contact persons follow the
        # company's client manager (a commercial field).
        return self.env["res.partner"].search(
            [
                ("client_manager_id", "=", self.from_user_id.id),
                "|",
                ("is_company", "=", True),
                ("parent_id", "=", False),
            ]
        )

    def action_handover(self):
        self.ensure_one()
        if self.from_user_id == self.to_user_id:
            raise UserError(self.env._("Choose two different employees."))
        clients = self._get_clients()
        if not clients:
            raise UserError(
                self.env._("%s manages no client to hand over.", self.from_user_id.name)
            )
        self._check_recipient(self.company_id | clients.company_id)
        moved = self._handover_records(clients)
        summary = ", ".join(f"{count} {label}" for label, count in moved.items())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._(
                    "Portfolio handed over to %s", self.to_user_id.name
                ),
                "message": summary,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _handover_records(self, clients):
        """Move ``clients`` and what belongs to them to the new user.

        Returns {label: number of records moved}; extend it to move more.
        """
        self.ensure_one()
        note = self.env._(
            "Portfolio handover: client manager changed from %(old)s to %(new)s.",
            old=self.from_user_id.name,
            new=self.to_user_id.name,
        )
        managed = clients.filtered(lambda c: c.client_manager_id == self.from_user_id)
        managed.write({"client_manager_id": self.to_user_id.id})
        managed._message_log_batch({client.id: note for client in managed})
        policies = self.env["insurance.policy"].search(
            [
                ("partner_id", "child_of", clients.ids),
                ("client_manager_id", "=", self.from_user_id.id),
                ("state", "in", ("draft", "active", "expired")),
            ]
        )
        self._check_recipient(policies.company_id)
        policies.write({"client_manager_id": self.to_user_id.id})
        policies._message_log_batch({policy.id: note for policy in policies})
        return {
            self.env._("clients"): len(managed),
            self.env._("policies"): len(policies),
        }
