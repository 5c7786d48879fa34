from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


def _previous_month_start(wizard):
    today = fields.Date.context_today(wizard)
    return today.replace(day=1) - relativedelta(months=1)


def _previous_month_end(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(days=1)


class InsuranceProducerStatementWizard(models.TransientModel):
    """A producer's monthly statement of policies and commission share due."""

    _name = "insurance.producer.statement.wizard"
    _description = "Producer Statement"
    _inherit = ["insurance.bounded.mixin"]

    date_from = fields.Date(required=True, default=_previous_month_start)
    date_to = fields.Date(required=True, default=_previous_month_end)
    user_ids = fields.Many2many(
        "res.users",
        string="Producers",
        compute="_compute_user_ids",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
        help="The client managers of the policies whose commission is dated in "
        "the period.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "date_from": "date",
            "date_to": "date",
        }

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("date_from", "date_to", "company_id")
    def _compute_user_ids(self):
        for wizard in self:
            if not (wizard.date_from and wizard.date_to):
                wizard.user_ids = False
                continue
            groups = self.env["insurance.commission.line"]._read_group(
                wizard._commission_domain(), ["client_manager_id"]
            )
            wizard.user_ids = self.env["res.users"].union(*(user for (user,) in groups))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_export_xlsx(self):
        self._check_options()
        return self.env.ref(
            "insurance_broker_account.insurance_producer_statement_xlsx"
        ).report_action(self)

    def action_print_pdf(self):
        self._check_options()
        return self.env.ref(
            "insurance_broker_account.insurance_producer_statement_pdf"
        ).report_action(self)

    def _check_options(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period cannot end before it starts."))
            if not wizard.user_ids:
                raise UserError(
                    self.env._(
                        "No producer has commission in this period: choose the "
                        "producers."
                    )
                )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _commission_domain(self, users=None):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("kind", "in", ("expected", "chargeback")),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("client_manager_id", "!=", False),
        ]
        if users is not None:
            domain.append(("client_manager_id", "in", users.ids))
        return domain

    def _get_producer_statements(self):
        """One statement per producer, by name: its commission lines of the
        period with the share in force on each line's date and the amount
        due (commission × share), and the totals per currency.

        [{"producer": res.users, "date_from", "date_to", "company",
          "lines": [{"date", "policy_number", "client", "insurer", "product",
                     "kind", "commission", "percent" (None: no share),
                     "amount_due", "currency"}],
          "totals": [{"currency", "commission", "amount_due"}]}]
        """
        self.ensure_one()
        producers = self.user_ids.sorted(lambda user: (user.name or "", user.id))
        lines = self.env["insurance.commission.line"].search(
            self._commission_domain(producers), order="date, policy_number, id"
        )
        Share = self.env["insurance.producer.share"]
        shares_of = Share._shares_of(producers, self.company_id)
        lines_of = defaultdict(list)
        for line in lines:
            lines_of[line.client_manager_id.id].append(line)
        statements = []
        kind_field = lines._fields["kind"]
        for producer in producers:
            # Labels in the producer's language, as the statement is theirs.
            kinds = dict(
                kind_field._description_selection(
                    self.with_context(lang=producer.lang).env
                )
            )
            rows = []
            totals = defaultdict(lambda: {"commission": 0.0, "amount_due": 0.0})
            for line in lines_of[producer.id]:
                currency = line.currency_id
                percent = Share._percent_at(shares_of[producer.id], line.date)
                amount_due = currency.round(line.amount * (percent or 0.0) / 100.0)
                rows.append(
                    {
                        "date": line.date,
                        "policy_number": line.policy_number or "",
                        "client": line.partner_id.display_name or "",
                        "insurer": line.insurer_id.display_name or "",
                        "product": line.product_id.display_name or "",
                        "kind": kinds[line.kind],
                        "commission": line.amount,
                        "percent": percent,
                        "amount_due": amount_due,
                        "currency": currency,
                    }
                )
                totals[currency]["commission"] += line.amount
                totals[currency]["amount_due"] += amount_due
            statements.append(
                {
                    "producer": producer,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "company": self.company_id,
                    "lines": rows,
                    "totals": [
                        {
                            "currency": currency,
                            "commission": currency.round(total["commission"]),
                            "amount_due": currency.round(total["amount_due"]),
                        }
                        for currency, total in totals.items()
                    ],
                }
            )
        return statements
