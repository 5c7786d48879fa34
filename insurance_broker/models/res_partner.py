from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class ResPartner(models.Model):
    """Insurers and the client card."""

    _inherit = "res.partner"

    # Insurers
    is_insurer = fields.Boolean(
        string="Is an Insurer",
        index=True,
        tracking=True,
        help="An insurance company whose products the broker sells.",
    )
    insurer_product_ids = fields.Many2many(
        "insurance.product",
        "insurance_product_insurer_rel",
        "insurer_id",
        "product_id",
        string="Products Offered",
    )
    commission_rule_ids = fields.One2many(
        "insurance.commission.rule", "insurer_id", string="Commission Rules"
    )
    insurer_policy_count = fields.Integer(compute="_compute_insurer_policy_count")

    # Client card
    client_type = fields.Selection(
        [
            ("individual", "Individual"),
            ("company", "Company"),
            ("vip", "VIP"),
            ("foreign", "Foreign"),
        ],
        index=True,
        tracking=True,
        help="Set for the broker's clients; drives task standards and statistics.",
    )
    client_manager_id = fields.Many2one(
        "res.users",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        check_company=True,
        help="The broker employee who owns the client relationship.",
    )
    policy_ids = fields.One2many("insurance.policy", "partner_id", string="Policies")
    # The client card's list: the same policies as its counters and its
    # smart button (the client's, its contacts' and its group companies').
    card_policy_ids = fields.Many2many(
        "insurance.policy",
        string="Policies of the Client and its Group",
        compute="_compute_insurance_summary",
        help="The policies of the client, of its contacts and of its group "
        "companies (subsidiaries), newest first.",
    )
    policy_count = fields.Integer(
        compute="_compute_insurance_summary",
        help="Policies of the client and of its group companies.",
    )
    active_policy_count = fields.Integer(compute="_compute_insurance_summary")
    insurance_currency_id = fields.Many2one(
        "res.currency", compute="_compute_insurance_summary"
    )
    active_premium_total = fields.Monetary(
        string="Premium in Force",
        currency_field="insurance_currency_id",
        compute="_compute_insurance_summary",
        help="Premium of the policies in force of the client and its group, "
        "in the company currency.",
    )
    next_renewal_date = fields.Date(
        compute="_compute_insurance_summary",
        help="The earliest end date of the client's policies in force.",
    )
    held_product_ids = fields.Many2many(
        "insurance.product",
        string="Products Held",
        compute="_compute_insurance_summary",
    )
    lacking_product_id = fields.Many2one(
        "insurance.product",
        string="Lacks Product",
        compute="_compute_lacking_product_id",
        search="_search_lacking_product_id",
        help="Cross-sell finder: clients without an active policy of this product.",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    def _compute_insurer_policy_count(self):
        insurers = self.filtered("is_insurer")
        counts = dict(
            self.env["insurance.policy"]._read_group(
                [("insurer_id", "in", insurers.ids)], ["insurer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.insurer_policy_count = counts.get(partner._origin, 0)

    def _compute_insurance_summary(self):
        """Client card figures and list, over the client, its contacts and
        its group companies (its descendants): on a parent company, the
        group's; on a member, the member's own.

        One grouped query over the partners and all their descendants; each
        partner's figures are then credited to every ancestor in ``self``.
        """
        company = self.env.company
        today = fields.Date.context_today(self)
        totals = defaultdict(
            lambda: {
                "count": 0,
                "active": 0,
                "premium": 0.0,
                "next": False,
                "products": set(),
                "policies": self.env["insurance.policy"],
            }
        )
        partner_ids = set(self._origin.ids)
        if partner_ids:
            family = self.with_context(active_test=False).search(
                [("id", "child_of", list(partner_ids))]
            )
            parent_of = {partner.id: partner.parent_id.id for partner in family}
            groups = self.env["insurance.policy"]._read_group(
                [("partner_id", "in", family.ids)],
                ["partner_id", "state", "currency_id", "product_id"],
                ["__count", "premium:sum", "date_end:min", "id:recordset"],
            )
            for (
                holder,
                state,
                currency,
                product,
                count,
                premium,
                date_end,
                policies,
            ) in groups:
                # Credit the holder and each of its ancestors being computed.
                node = holder.id
                while node:
                    if node in partner_ids:
                        total = totals[node]
                        total["count"] += count
                        total["policies"] |= policies
                        if state == "active":
                            total["active"] += count
                            total["premium"] += currency._convert(
                                premium, company.currency_id, company, today
                            )
                            total["next"] = min(
                                filter(None, [total["next"], date_end]), default=False
                            )
                            if product:
                                total["products"].add(product.id)
                    node = parent_of.get(node)
        for partner in self:
            total = (
                totals[partner._origin.id]
                if partner._origin.id in partner_ids
                else totals[0]
            )
            partner.insurance_currency_id = company.currency_id
            partner.policy_count = total["count"]
            partner.active_policy_count = total["active"]
            partner.active_premium_total = total["premium"]
            partner.next_renewal_date = total["next"]
            partner.held_product_ids = [Command.set(sorted(total["products"]))]
            # Newest first; the card's list orders them by start date itself.
            partner.card_policy_ids = total["policies"].browse(
                sorted(total["policies"].ids, reverse=True)
            )

    def _compute_lacking_product_id(self):
        self.lacking_product_id = False

    def _search_lacking_product_id(self, operator, value):
        """Clients holding no active policy of the given product(s)."""
        Product = self.env["insurance.product"]
        if operator in ("=", "in") and value:
            products = Product.browse(
                value if isinstance(value, list | tuple) else [value]
            )
        elif operator in ("ilike", "like", "=ilike") and isinstance(value, str):
            products = Product.search([("name", operator, value)])
        else:
            raise UserError(
                self.env._(
                    "The cross-sell finder takes a product: 'Lacks product is CASCO'."
                )
            )
        # Holders: the partners with an active policy of the product, and
        # every ancestor of theirs, since a group holds what its members hold.
        # The query reads the tables directly: flush what it reads first.
        self.env["insurance.policy"].flush_model(
            ["state", "product_id", "partner_id", "company_id"]
        )
        self.flush_model(["parent_id"])
        holders = SQL(
            """(
                WITH RECURSIVE holder(id) AS (
                    SELECT partner_id
                      FROM insurance_policy
                     WHERE state = 'active'
                       AND product_id IN %(products)s
                       AND company_id IN %(companies)s
                    UNION
                    SELECT partner.parent_id
                      FROM res_partner partner
                      JOIN holder ON partner.id = holder.id
                     WHERE partner.parent_id IS NOT NULL
                )
                SELECT id FROM holder
            )""",
            products=tuple(products.ids) or (None,),
            companies=tuple(self.env.companies.ids),
        )
        return [
            ("client_type", "!=", False),
            # Clients are companies and individuals, not a company's contacts.
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("id", "not in", holders),
        ]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self._may_assign_client_managers() and self.env.user.has_group(
            "insurance_broker.group_insurance_user_own"
        ):
            # An "Own Clients" user who registers a client becomes its
            # manager, so that the client stays in their portfolio.
            for vals in vals_list:
                if (
                    vals.get("client_type")
                    and not vals.get("parent_id")
                    and not vals.get("client_manager_id")
                ):
                    vals["client_manager_id"] = self.env.uid
        partners = super().create(vals_list)
        if not self._may_assign_client_managers():
            # A new client is given to its creator or follows its company;
            # any other manager is refused.
            for partner in partners:
                partner._check_client_manager_assignment(
                    partner.client_manager_id, created=True
                )
        return partners

    def write(self, vals):
        if "client_manager_id" in vals and not self._may_assign_client_managers():
            manager = self.env["res.users"].browse(vals["client_manager_id"])
            for partner in self:
                partner._check_client_manager_assignment(manager)
        return super().write(vals)

    def _may_assign_client_managers(self):
        """Whether the current user may give clients to any manager: the
        client manager decides who sees a client and its policies, so that
        is "All Clients" (and Manager) business, not an "Own Clients"
        user's, who could otherwise claim a client without a manager and,
        with it, read other managers' policies of that client."""
        return self.env.su or self.env.user.has_group(
            "insurance_broker.group_insurance_user"
        )

    def _check_client_manager_assignment(self, manager, created=False):
        """Refuse ``manager`` as this partner's client manager, set by a user
        who may not assign clients, unless it is no change, a contact person
        following its company's manager (commercial field sync), or a new
        client given to its creator."""
        self.ensure_one()
        if manager == (self.env["res.users"] if created else self.client_manager_id):
            return
        commercial = self.commercial_partner_id
        if commercial != self and manager == commercial.client_manager_id:
            return
        if created and manager == self.env.user:
            return
        raise AccessError(
            self.env._(
                'Only users of "All Clients" may set or change the client '
                "manager of an existing client: %(client)s.",
                client=self.display_name,
            )
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_policies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "insurance_broker.insurance_policy_action"
        )
        if self.is_insurer and not self.client_type:
            action["domain"] = [("insurer_id", "=", self.id)]
            action["context"] = {"default_insurer_id": self.id}
        else:
            action["domain"] = [("partner_id", "child_of", self.id)]
            action["context"] = {"default_partner_id": self.id}
        return action

    @api.model
    def _commercial_fields(self):
        # Group companies: a contact person shares the client manager and type
        # of its company, as it shares its VAT number.
        return super()._commercial_fields() + ["client_type", "client_manager_id"]
