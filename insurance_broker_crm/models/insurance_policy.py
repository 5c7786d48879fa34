import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError

from .crm_lead import RENEWAL_OPEN_CODES, renewal_bucket_code

_logger = logging.getLogger(__name__)

# Policies given their renewal deals together by the backfill: one batched
# create each, the cache emptied between them.
RENEWAL_BACKFILL_BATCH_SIZE = 2000


class InsurancePolicy(models.Model):
    """Every policy in force and not renewed yet has one open deal in the
    Renewal pipeline: opened when the policy is confirmed, whatever confirms
    it, closed when it is renewed (won) or cancelled (lost)."""

    _inherit = "insurance.policy"

    insurance_answer_ids = fields.One2many(
        "insurance.questionnaire.answer",
        "policy_id",
        string="Demands and Needs",
        readonly=True,
        help="The client's demands and needs sent with the offer of the deal "
        "that issued this policy.",
    )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_confirm(self):
        result = super().action_confirm()
        # Renewed by the policies just confirmed: their renewal is won.
        self.predecessor_id.filtered(
            lambda policy: policy.state == "renewed"
        )._insurance_close_renewal_deals(won=True)
        # Delivered in Fulfilment, the deal continues into Renewal with the
        # delivered deal's data (crm.lead._continue_in_renewal).
        if not self.env.context.get("insurance_renewal_deal_by_pipeline"):
            self._insurance_open_renewal_deals()
        return result

    def _cancel(self, reason, date):
        predecessors = self.predecessor_id
        result = super()._cancel(reason, date)
        self._insurance_close_renewal_deals(won=False)
        # A cancelled renewal gives its predecessor back its place in force:
        # it needs a renewal again.
        predecessors.filtered(
            lambda policy: policy.state == "active"
        )._insurance_open_renewal_deals()
        return result

    # ------------------------------------------------------------
    # RENEWAL DEALS
    # ------------------------------------------------------------

    def _insurance_renewal_deals(self):
        """The open deals of the Renewal pipeline on these policies (in a
        bucket or taken into work)."""
        # sudo: the user confirming or cancelling a policy (an accountant, an
        # insurance user) need not see the Renewal pipeline; these are the
        # deals of the policies they act on.
        return (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("policy_id", "in", self.ids),
                    ("stage_id.insurance_stage_code", "in", RENEWAL_OPEN_CODES),
                ],
                order="id",
            )
        )

    def _insurance_open_renewal_deals(self):
        """Open the renewal deal of each of these policies in force, not
        renewed, that has no open one, in one batched create; a deal born in
        its last month is handed over at once. Returns the deals created."""
        policies = self.filtered(
            lambda policy: policy.state == "active" and not policy.successor_id
        )
        if not policies:
            return self.env["crm.lead"]
        policies -= policies._insurance_renewal_deals().policy_id
        return policies._insurance_create_renewal_deals()

    def _insurance_create_renewal_deals(self):
        """Open a renewal deal for each of these policies, in one create."""
        Lead = self.env["crm.lead"]
        if not self:
            return Lead
        vals_list = self._insurance_renewal_deal_values()
        # sudo: the renewal is the pipeline's, handed to the head of sales,
        # whoever confirmed the policy (an accountant, an insurance user, an
        # import need not be CRM users); its values are the policy's own.
        Lead = Lead.sudo()
        # Mail's create works deal by deal (the creation message posted, the
        # salesperson subscribed, one deal at a time): for thousands of deals
        # both are done below, set-wise, and without the assignment e-mail
        # (a book confirmed at once would send the head of sales thousands).
        leads = Lead.browse(
            Lead.with_context(tracking_disable=True).create(vals_list).ids
        )
        followers = defaultdict(list)
        for lead in leads:
            followers[lead.user_id.partner_id.id].append(lead.id)
        for partner_id, lead_ids in followers.items():
            if partner_id:
                self.env["mail.followers"].sudo()._insert_followers(
                    Lead._name, lead_ids, [partner_id], check_existing=False
                )
        leads._message_log_batch(
            bodies={
                lead.id: Markup("<p>%s</p>")
                % self.env._(
                    "Renewal deal opened for the policy %s in force.",
                    lead.policy_id.name,
                )
                for lead in leads
            }
        )
        # Opened in their last month (confirmed late): handed over at once,
        # as the bucket cron hands over the deals that reach it.
        leads.filtered(
            lambda lead: lead.stage_id.insurance_stage_code == "renewal_month"
        )._assign_renewal_managers()
        return self.env["crm.lead"].browse(leads.ids)

    def _insurance_renewal_deal_values(self):
        """The values of the renewal deals of these policies, as ``create``
        takes them: in the bucket of the time left, for the head of sales,
        with the policy's client, product, cover and amounts."""
        Lead = self.env["crm.lead"]
        today = fields.Date.context_today(self)
        stages = {}
        vals_list = []
        for policy in self:
            code = renewal_bucket_code(policy.date_end, today)
            if code not in stages:
                stages[code] = Lead._insurance_stage(code)
            stage = stages[code]
            company = policy.company_id or self.env.company
            manager = policy.client_manager_id
            # The head of sales, else the client manager, if they work in
            # the policy's company; else nobody (the pipeline's own list).
            user = next(
                (
                    candidate
                    for candidate in (stage.team_id.user_id, manager)
                    if candidate and company in candidate.company_ids
                ),
                manager.browse(),
            )
            vals_list.append(
                {
                    "name": self.env._("Renewal of %s", policy.name),
                    "type": "opportunity",
                    "partner_id": policy.partner_id.id,
                    "team_id": stage.team_id.id,
                    "stage_id": stage.id,
                    "user_id": user.id,
                    "company_id": company.id,
                    "policy_id": policy.id,
                    "insurance_policy_trusted": True,
                    "insurance_product_id": policy.product_id.id,
                    "insured_object": policy.object_description,
                    "insurance_date_start": policy.date_end + relativedelta(days=1),
                    "insurance_term_months": policy.term_months,
                    # the renewal offer's instalments as the client pays now
                    "insurance_payment_frequency": policy.payment_frequency,
                    "insurance_client_manager_id": (
                        manager if company in manager.company_ids else manager.browse()
                    ).id,
                    "deal_premium": policy.currency_id._convert(
                        policy.premium, company.currency_id, company, today
                    ),
                    "deal_commission": policy.currency_id._convert(
                        policy.commission_amount, company.currency_id, company, today
                    ),
                }
            )
        return vals_list

    def _insurance_close_renewal_deals(self, won):
        """Close the open renewal deals of these policies: won when the policy
        was renewed by a successor (confirmed, it has a renewal deal of its
        own; no new sale starts in Sales), lost with the reason "Policy
        cancelled" when it was cancelled (continued in Lost, to win back)."""
        deals = self._insurance_renewal_deals()
        if not deals:
            return deals
        if won:
            renewed = deals.env["crm.lead"]._insurance_stage("renewal_renewed")
            deals.with_context(insurance_no_forward=True).write(
                {"stage_id": renewed.id}
            )
        else:
            # As the superuser, not only with its rights: continuing in Lost
            # posts on the new deal as the acting user (crm.lead._continue),
            # which the accountant or insurance user cancelling the policy
            # may not; the deals are this policy's own.
            deals = deals.with_user(SUPERUSER_ID)
            reason = deals.env.ref(
                "insurance_broker_crm.lost_reason_policy_cancelled",
                raise_if_not_found=False,
            ) or deals.env["crm.lost.reason"].create(
                {"name": self.env._("Policy cancelled")}
            )
            deals.action_set_lost(lost_reason_id=reason.id)
        return deals

    def _insurance_create_missing_renewal_deals(self):
        """Backfill: a renewal deal for each policy in force, not renewed,
        that never had one (a deal closed won or lost counts: the client who
        refused is not asked again). Run twice, it creates nothing more; run
        in one transaction, an interruption leaves nothing half done.
        Returns the number of deals created."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT policy.id
                 FROM insurance_policy policy
                WHERE policy.state = 'active'
                  AND policy.successor_id IS NULL
                  AND NOT EXISTS (
                        SELECT 1
                          FROM crm_lead lead
                          JOIN crm_stage stage ON stage.id = lead.stage_id
                         WHERE lead.policy_id = policy.id
                           AND stage.insurance_stage_code LIKE 'renewal\\_%%')
             ORDER BY policy.id"""
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        # sudo: a backfill over the whole book, every company's policies.
        Policy = self.sudo()
        created = 0
        for start in range(0, len(ids), RENEWAL_BACKFILL_BATCH_SIZE):
            batch = Policy.browse(ids[start : start + RENEWAL_BACKFILL_BATCH_SIZE])
            created += len(batch._insurance_create_renewal_deals())
            self.env.invalidate_all()  # flushes first; keeps the cache small
        _logger.info("Renewal deals: %s created for policies that had none", created)
        return created

    def action_insurance_create_missing_renewal_deals(self):
        """The administrator's button (Settings) for the backfill."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                self.env._(
                    "Only an administrator can create the missing renewal deals."
                )
            )
        count = self._insurance_create_missing_renewal_deals()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if count else "info",
                "message": self.env._(
                    "%s renewal deals created for the policies in force that had none.",
                    count,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
