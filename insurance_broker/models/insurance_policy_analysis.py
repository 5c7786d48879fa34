from odoo import fields, models, tools
from odoo.tools import SQL


class InsurancePolicyAnalysis(models.AbstractModel):
    """A read-only SQL view of policy figures: the dimensions the analyses
    share (a policy, its insurer, product, client and client manager). The
    record rules of each analysis mirror those of the policies."""

    _name = "insurance.policy.analysis"
    _description = "Policy Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "policy_id"

    policy_id = fields.Many2one("insurance.policy", readonly=True)
    insurer_id = fields.Many2one("res.partner", readonly=True)
    product_id = fields.Many2one(
        "insurance.product", string="Insurance Product", readonly=True
    )
    client_manager_id = fields.Many2one("res.users", readonly=True)
    business_type = fields.Selection(
        [
            ("new", "New business"),
            ("renewal", "Renewal"),
            ("cross_sale", "Cross-sell"),
            ("up_sale", "Up-sell"),
        ],
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Client Entity", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    def _query(self):
        """The SELECT of the view."""
        raise NotImplementedError

    def action_open_policy(self):
        """A row of the list opens its policy (a target's row has none)."""
        self.ensure_one()
        if not self.policy_id:
            return False
        return self.policy_id.get_formview_action()

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
