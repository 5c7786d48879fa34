"""Demo data only: twelve months of the broker's history, generated once when
the demo data is installed (``demo/insurance_demo_history.xml``)."""

import heapq
import itertools
import logging
import random
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# The demo salespeople (crm demo) who sell, with their share of the deals.
SALESPEOPLE = [
    ("insurance_broker_crm.user_salesperson_lukas", 4),
    ("insurance_broker_crm.user_salesperson_emma", 3),
    ("insurance_broker_crm.user_salesperson_all", 3),
]
# Product (xml id), weight, typical premium, what is insured.
PRODUCTS = [
    ("insurance_broker.product_mtpl", 5, 280, "Passenger car, plate {plate}"),
    ("insurance_broker.product_casco", 3, 950, "Passenger car, plate {plate}"),
    ("insurance_broker.product_property", 3, 320, "Apartment, {city}"),
    ("insurance_broker.product_travel", 2, 85, "Annual multi-trip cover, Europe"),
    ("insurance_broker.product_liability", 1, 1400, "General liability, {city}"),
]
# Where deals come from: (utm source, utm medium) xml ids, with weights.
CHANNELS = [
    (("utm.utm_source_search_engine", "utm.utm_medium_website"), 4),
    ((None, "utm.utm_medium_phone"), 3),
    (("utm.utm_source_newsletter", "utm.utm_medium_email"), 2),
    (("utm.utm_source_facebook", "utm.utm_medium_facebook"), 1),
    ((None, "utm.utm_medium_direct"), 2),
]
FIRST_NAMES = [
    "Agnė", "Darius", "Eglė", "Jonas", "Laura", "Mantas", "Rasa", "Tadas",
    "Greta", "Paulius", "Inga", "Vytautas", "Monika", "Rokas", "Simona", "Lina",
]  # fmt: skip
LAST_NAMES = [
    "Kazlauskas", "Petrauskaitė", "Jankauskas", "Žukauskienė", "Butkus",
    "Stankevičiūtė", "Vasiliauskas", "Navickaitė", "Urbonas", "Kavaliauskienė",
]  # fmt: skip
CITIES = ["Vilnius", "Kaunas", "Klaipėda", "Šiauliai", "Panevėžys"]
LATE_NOTES = [
    "The client was abroad",
    "Waited for the insurer's answer",
    "A busy week",
    "",
]


class InsuranceDemoHistory(models.AbstractModel):
    """For demo data only: twelve months of deals, tasks and policies of the
    demo salespeople, so that the analyses and the dashboard show figures.

    The deals are walked through the pipelines as users walk them: stage
    writes (the stage automations give their tasks), tasks marked done
    (``action_feedback``; the late ones with a lateness reason), quotes
    chosen, deals lost with a reason, policies issued on delivery and
    renewed from the Renewal pipeline. Everything happens now; each step is
    then dated back to the moment of the history it stands for, through
    the ORM: the records it created (deals, tasks, chatter messages), the
    tasks' deadlines and done dates. Deterministic: a seeded generator,
    dates relative to today."""

    _name = "insurance.demo.history"
    _description = "Demo History Generator"

    @api.model
    def _generate_demo_history(self, seed=17, months=12):
        """Generate the history (run once, by the demo data)."""
        started = datetime.now()
        stats = _History(self.env, random.Random(seed), months).run()
        _logger.info(
            "Demo history: %s in %.1f s",
            stats,
            (datetime.now() - started).total_seconds(),
        )
        return stats


class _History:
    """The simulation: journeys (Python generators) yield the moment of
    their next step; the steps run in the order of those moments."""

    def __init__(self, env, rng, months):
        # A year of past tasks and assignments: no e-mail to the assignees.
        self.env = env(
            context=dict(
                env.context,
                mail_activity_quick_update=True,
                mail_auto_subscribe_no_notify=True,
            )
        )
        env = self.env
        self.rng = rng
        self.now = fields.Datetime.now().replace(microsecond=0)
        self.today = fields.Date.context_today(env["crm.lead"])
        self.start = self.now - relativedelta(months=months)
        # Stage automations run by the registry once it is loaded; while the
        # module installs (demo data), they are run explicitly, as the crm
        # demo does (base.automation._process).
        self.run_rules = not env.registry.ready
        self.tz = pytz.timezone("Europe/Vilnius")
        self.counter = itertools.count()
        self.queue = []
        self.numbers = set()
        self.stats = {"deals": 0, "policies": 0}
        self.touched = env["crm.lead"]
        self.done_tasks = env["mail.activity"]
        self._load_refs()
        self.last = {
            model: self._max_id(model)
            for model in (
                "mail.message",
                "mail.activity",
                "crm.lead",
                "insurance.policy",
            )
        }

    # ------------------------------------------------------------
    # SET-UP
    # ------------------------------------------------------------

    def _load_refs(self):
        env = self.env
        self.stage = {
            stage.insurance_stage_code: stage
            for stage in env["crm.stage"].search(
                [("insurance_stage_code", "!=", False)]
            )
        }
        self.sellers = [(env.ref(xmlid), weight) for xmlid, weight in SALESPEOPLE]
        self.typist = env.ref("insurance_broker_crm.user_typist")
        self.renewal_manager = env.ref("insurance_broker_crm.user_renewal_manager")
        rules = env["insurance.commission.rule"].search([])
        self.products = []
        for xmlid, weight, premium, insured in PRODUCTS:
            product = env.ref(xmlid)
            insurers = rules.filtered(
                lambda rule, product=product: rule.product_id == product
            ).insurer_id
            # With the Invoicing addon, the premiums a broker collects are
            # invoiced instalment by instalment by its daily run: a year of
            # them never invoiced is no broker's book. The history's policies
            # are with insurers who collect their own premiums.
            if "insurance_premium_collection" in insurers._fields:
                insurers = insurers.filtered(
                    lambda insurer: insurer.insurance_premium_collection != "broker"
                )
            if insurers:
                self.products.append((product, weight, premium, insured, insurers))
        self.channels = [
            (
                (
                    source and env.ref(source, raise_if_not_found=False),
                    env.ref(medium, raise_if_not_found=False),
                ),
                weight,
            )
            for (source, medium), weight in CHANNELS
        ]
        self.reasons_sales = [
            env.ref("crm.lost_reason_1"),
            env.ref("insurance_broker_crm.lost_reason_cheaper"),
            env.ref("insurance_broker_crm.demo_lost_reason_no_need"),
        ]
        self.reason_unreachable = env.ref(
            "insurance_broker_crm.lost_reason_unreachable"
        )
        self.reasons_renewal = [
            env.ref("insurance_broker_crm.lost_reason_direct"),
            env.ref("insurance_broker_crm.lost_reason_cheaper"),
        ]
        self.lateness_reasons = env["insurance.lateness.reason"].search([])
        # The demo clients of the salespeople, and some new ones later.
        self.clients = {
            seller: env["res.partner"].search(
                [("client_manager_id", "=", seller.id), ("is_insurer", "=", False)]
            )
            for seller, __ in self.sellers
        }
        # The stage automations, by stage; the others that watch the stage.
        rules = env["base.automation"].search([("model_id.model", "=", "crm.lead")])
        self.stage_rules = {}
        for rule in rules.filtered(lambda rule: rule.trigger == "on_stage_set"):
            stage_id = rule.trg_field_ref
            self.stage_rules.setdefault(stage_id, env["base.automation"])
            self.stage_rules[stage_id] |= rule
        self.create_rules = rules.filtered(
            lambda rule: (
                rule.trigger == "on_create_or_write"
                and "stage_id" in rule.trigger_field_ids.mapped("name")
            )
        )

    def _max_id(self, model):
        record = (
            self.env[model]
            .with_context(active_test=False)
            .search([], order="id desc", limit=1)
        )
        return record.id

    def _pick(self, weighted):
        items, weights = zip(*weighted, strict=True)
        return self.rng.choices(items, weights)[0]

    def _at(self, moment, hour_from=8, hour_to=17):
        """``moment`` moved into office hours (Vilnius), on a working day."""
        local = pytz.utc.localize(moment).astimezone(self.tz)
        if local.weekday() >= 5:
            local += timedelta(days=7 - local.weekday())
        if not hour_from <= local.hour < hour_to:
            if local.hour >= hour_to:
                local += timedelta(days=1)
                if local.weekday() >= 5:
                    local += timedelta(days=7 - local.weekday())
            local = local.replace(
                hour=hour_from + self.rng.randrange(0, 3), minute=self.rng.randrange(60)
            )
        return local.astimezone(pytz.utc).replace(tzinfo=None, second=0)

    def _local_date(self, moment):
        return pytz.utc.localize(moment).astimezone(self.tz).date()

    # ------------------------------------------------------------
    # THE CLOCK
    # ------------------------------------------------------------

    def schedule(self, when, journey):
        heapq.heappush(self.queue, (when, next(self.counter), journey))

    def run(self):
        self._plan()
        while self.queue:
            when, __, journey = heapq.heappop(self.queue)
            if when > self.now:
                continue  # not yet: the deal waits where it is
            self.moment = when
            try:
                following = journey.send(None)
            except StopIteration:
                following = None
            self._settle(when)
            if following is not None:
                if callable(following):
                    following = following()
                self.schedule(max(following, when + timedelta(minutes=5)), journey)
        self._expire_policies()
        targets = self._create_targets()
        return dict(self.stats, targets=len(targets))

    def _settle(self, when):
        """After a step at ``when``: run the automations of the deals it
        created, write the chatter's tracking, and date all it made."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        new_leads = Lead.search([("id", ">", self.last["crm.lead"])])
        if new_leads:
            self.last["crm.lead"] = max(new_leads.ids)
            self.stats["deals"] += len(new_leads)
            self._rules(new_leads)
        # The tracking of the stage changes, as at the end of a transaction.
        self.env.cr.flush()
        Activity = self.env["mail.activity"].with_context(active_test=False)
        tasks = Activity.search([("id", ">", self.last["mail.activity"])])
        if tasks:
            self.last["mail.activity"] = max(tasks.ids)
            for task in tasks.filtered("active"):
                self._date_task(task, when)
        messages = self.env["mail.message"].search(
            [("id", ">", self.last["mail.message"])]
        )
        if messages:
            self.last["mail.message"] = max(messages.ids)
            # sudo: demo data; the chatter's messages are dated back to the
            # moment of the history they were posted in.
            messages.sudo().write({"date": when})
        leads = new_leads | self.touched
        if leads:
            self._date_leads(leads, new_leads, when)
        self.touched = self.env["crm.lead"]

    def _rules(self, leads):
        """The stage automations of ``leads`` (created or moved), when the
        registry does not run them (while installing)."""
        if not self.run_rules:
            return
        for lead in leads:
            for rule in self.stage_rules.get(lead.stage_id.id, []):
                rule._process(lead)
            for rule in self.create_rules:
                matching = rule._filter_post(lead)
                if matching:
                    rule._process(matching)

    def _date_task(self, task, when):
        """A task created at ``when``: created, due and deadline then."""
        user = task.user_id or self.env.user
        due = task.activity_type_id._insurance_due_at(when, user)
        vals = {"create_date": when}
        if due:
            vals["insurance_due_at"] = due
            vals["date_deadline"] = self._local_date(due)
        elif task.date_deadline:
            vals["date_deadline"] = self._local_date(when) + (
                task.date_deadline - self.today
            )
        task.write(vals)

    def _date_leads(self, leads, new_leads, when):
        started = self.now - timedelta(hours=1)
        for lead in leads:
            vals = {}
            if lead in new_leads:
                vals["create_date"] = when
            for name in ("date_open", "date_last_stage_update", "date_closed"):
                if lead[name] and lead[name] >= started:
                    vals[name] = when
            if vals:
                lead.write(vals)

    # ------------------------------------------------------------
    # STEPS
    # ------------------------------------------------------------

    def create_lead(self, vals):
        lead = self.env["crm.lead"].create(dict({"type": "opportunity"}, **vals))
        return lead

    def move(self, lead, code, **vals):
        """Move ``lead`` to the stage ``code`` (a user's write)."""
        lead.write(dict(vals, stage_id=self.stage[code].id))
        self.touched |= lead
        self._rules(lead)

    def finish_tasks(self, lead):
        """The open tasks of ``lead`` marked done now (the step's moment), a
        late one with a lateness reason, as its assignee does it."""
        tasks = lead.activity_ids.filtered("insurance_stage_id")
        for task in tasks:
            late, __ = task._insurance_lateness_at(self.moment)
            feedback = "Done."
            if late:
                reason = self.rng.choice(self.lateness_reasons)
                task.write(
                    {
                        "insurance_lateness_reason_id": reason.id,
                        "insurance_lateness_note": self.rng.choice(LATE_NOTES),
                    }
                )
                task.action_feedback(feedback=feedback)
            else:
                # On time at the step's moment: the deadline, dated back, has
                # passed only for today's clock, which asks no reason then.
                task.with_context(insurance_lateness_auto=True).action_feedback(
                    feedback=feedback
                )
            # Done at the step's moment (mail's done date is the UTC day, as
            # the moment): the task's lateness is computed again at it.
            task.write(
                {"date_done": self.moment.date(), "insurance_done_at": self.moment}
            )
        self.touched |= lead

    def next_step(self, lead, late_share=0.15, rest=None):
        """When the step after this one comes: when the lead's open task is
        done (mostly on time, sometimes late), else after ``rest`` hours."""
        entered = self.moment

        def when():
            tasks = lead.activity_ids.filtered("insurance_due_at")
            if not tasks:
                hours = self.rng.uniform(*(rest or (2, 30)))
                return self._at(entered + timedelta(hours=hours))
            due = min(tasks.mapped("insurance_due_at"))
            if self.rng.random() < late_share:
                return self._at(due + timedelta(hours=self.rng.uniform(20, 140)))
            span = max((due - entered).total_seconds(), 1800)
            done = entered + timedelta(seconds=span * self.rng.uniform(0.15, 0.95))
            if not 7 <= pytz.utc.localize(done).astimezone(self.tz).hour < 17:
                # not at night: shortly before the deadline (office hours)
                done = max(due - timedelta(minutes=self.rng.randint(10, 90)), entered)
            return done

        return when

    # ------------------------------------------------------------
    # PLAN
    # ------------------------------------------------------------

    def _plan(self):
        """The new deals of each month, and the policies coming due."""
        rng = self.rng
        day = self.start.date()
        while day <= self.today:
            month_end = day + relativedelta(months=1)
            count = rng.randint(8, 10)
            for __ in range(count):
                offset = rng.randrange(max((min(month_end, self.today) - day).days, 1))
                moment = self._at(
                    datetime.combine(day + timedelta(days=offset), time(8))
                    + timedelta(minutes=rng.randrange(480))
                )
                if moment < self.now:
                    self.schedule(moment, self._sale())
            # The portfolio of earlier years coming due this month.
            for __ in range(rng.randint(2, 3)):
                date_end = day + timedelta(days=rng.randrange(28) + 30)
                if date_end > self.today + timedelta(days=25):
                    continue
                moment = self._at(
                    datetime.combine(date_end - relativedelta(months=1), time(9))
                )
                self.schedule(max(moment, self.start), self._portfolio(date_end))
            day = month_end

    def _client(self, seller):
        """A client of ``seller``: one of theirs, or a new one."""
        clients = self.clients[seller]
        if clients and self.rng.random() < 0.45:
            return self.rng.choice(clients)
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        number = self.rng.randrange(10000, 99999)
        client = self.env["res.partner"].create(
            {
                "name": name,
                "city": self.rng.choice(CITIES),
                "country_id": self.env.ref("base.lt").id,
                "phone": f"+370 6{self.rng.randrange(10, 99)} {number}",
                "email": name.lower().replace(" ", ".") + "@example.com",
            }
        )
        self.clients[seller] |= client
        return client

    def _object(self, insured):
        plate = "".join(self.rng.choices("ABCDEFGHKLMNPRST", k=3)) + (
            f" {self.rng.randrange(100, 999)}"
        )
        return insured.format(plate=plate, city=self.rng.choice(CITIES))

    def _policy_number(self, insurer):
        while True:
            number = f"{insurer.name[:2].upper()}-{self.rng.randrange(10**6, 10**7)}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def _quotes(self, lead, insurers, premium, count=None):
        """Quotes of ``insurers`` around ``premium``."""
        count = min(count or self.rng.randint(2, 3), len(insurers))
        chosen = self.rng.sample(list(insurers), count)
        return self.env["insurance.quote"].create(
            [
                {
                    "lead_id": lead.id,
                    "insurer_id": insurer.id,
                    "premium": round(premium * self.rng.uniform(0.85, 1.2)),
                    "terms": "Standard terms",
                }
                for insurer in chosen
            ]
        )

    # ------------------------------------------------------------
    # JOURNEYS
    # ------------------------------------------------------------

    def _sale(self):
        """A new deal of a salesperson, from the request to the policy or
        to the refusal."""
        rng = self.rng
        seller = self._pick(self.sellers)
        product, __, premium, insured, insurers = self._pick(
            [(entry, entry[1]) for entry in self.products]
        )
        source, medium = self._pick(self.channels)
        client = self._client(seller)
        created = self.moment
        # A policy sold now starts in one to four weeks; the first month's
        # start later, so that no policy of the year ends within the month
        # to come (its renewal would be handed over at once).
        start = max(
            self._local_date(created) + timedelta(days=rng.randint(5, 28)),
            self.today - relativedelta(months=11) + timedelta(days=3),
        )
        lead = self.create_lead(
            {
                "name": f"{product.name}: {client.name}",
                "team_id": self.stage["sales_gathering"].team_id.id,
                "stage_id": self.stage["sales_gathering"].id,
                "user_id": seller.id,
                "partner_id": client.id,
                "insurance_product_id": product.id,
                "insured_object": self._object(insured),
                "insurance_date_start": start,
                "source_id": source.id if source else False,
                "medium_id": medium.id if medium else False,
            }
        )
        base = premium * rng.uniform(0.6, 1.6)
        yield self.next_step(lead)
        # Gathering information: the quotes, sometimes data is missing.
        self._quotes(lead, insurers, base)
        self.finish_tasks(lead)
        fate = rng.random()
        if fate < 0.08:
            self.move(
                lead, "sales_refused", lost_reason_id=rng.choice(self.reasons_sales).id
            )
            return
        if rng.random() < 0.3:
            self.move(lead, "sales_waiting")
            yield self.next_step(lead)
            self.finish_tasks(lead)
        self.move(lead, "sales_deciding")
        yield self.next_step(lead, late_share=0.1)
        # Deciding: the next contact date set, the client thinks it over.
        contact = self._at(self.moment + timedelta(days=rng.uniform(1, 6)))
        lead.write(
            {
                "next_contact_date": self._local_date(contact),
                "waiting_reason": "Compares the offers",
            }
        )
        self.finish_tasks(lead)
        yield contact
        if fate < 0.3:
            reason = rng.choice(self.reasons_sales)
            self.move(lead, "sales_refused", lost_reason_id=reason.id)
            return
        quote = min(lead.quote_ids, key=lambda quote: quote.premium)
        if rng.random() < 0.3:
            quote = rng.choice(lead.quote_ids)
        quote.action_choose()
        delivery = "courier" if rng.random() < 0.6 else "pickup"
        self.move(lead, "sales_documents", delivery_type=delivery)
        yield self.next_step(lead)
        self.finish_tasks(lead)
        if fate < 0.36:
            reason = rng.choice(self.reasons_sales)
            self.move(lead, "sales_refused", lost_reason_id=reason.id)
            return
        self.move(lead, "sales_handed")
        fulfilment = lead.continued_lead_ids[:1]
        yield from self._fulfil(fulfilment, delivery)

    def _fulfil(self, lead, delivery):
        """Fulfilment: typed, printed, delivered (the policy is issued)."""
        rng = self.rng
        yield self.next_step(lead, rest=(1, 6))
        self.env["insurance.lead.document"].search(
            [("lead_id", "=", lead.id), ("state", "=", "missing")]
        ).write({"received_manually": True})
        self.move(lead, "fulfilment_typing", typist_id=self.typist.id)
        yield self.next_step(lead, late_share=0.1)
        self.finish_tasks(lead)
        self.move(lead, "fulfilment_issued")
        yield self.next_step(lead, late_share=0.1)
        self.finish_tasks(lead)
        if delivery == "courier":
            when = self._at(self.moment + timedelta(days=rng.uniform(0.5, 2)))
            self.move(
                lead,
                "fulfilment_courier",
                delivery_date=when,
                courier_name="Darius Kazlauskas",
                courier_phone="+370 655 40 218",
            )
            yield self.next_step(lead, late_share=0.1)
            self.finish_tasks(lead)
            if rng.random() < 0.05:
                self.move(
                    lead,
                    "fulfilment_delivery_refused",
                    lost_reason_id=self.reason_unreachable.id,
                )
                return
            yield max(when, self.moment + timedelta(hours=1))
        insurer = lead.chosen_quote_id.insurer_id or lead.policy_id.insurer_id
        self.move(
            lead, "fulfilment_delivered", policy_number=self._policy_number(insurer)
        )
        self.stats["policies"] += 1

    def _portfolio(self, date_end):
        """A policy of an earlier year, ending on ``date_end``: its renewal
        deal in its last month, taken into work, renewed or refused."""
        rng = self.rng
        seller = self._pick(self.sellers)
        product, __, premium, insured, insurers = self._pick(
            [(entry, entry[1]) for entry in self.products]
        )
        client = self._client(seller)
        insurer = rng.choice(insurers)
        policy = self.env["insurance.policy"].create(
            {
                "name": self._policy_number(insurer),
                "partner_id": client.id,
                "insurer_id": insurer.id,
                "product_id": product.id,
                "object_description": self._object(insured),
                "premium": round(premium * rng.uniform(0.6, 1.6)),
                "date_start": date_end + timedelta(days=1) - relativedelta(months=12),
                "term_months": 12,
                "business_type": "new",
                "client_manager_id": seller.id,
            }
        )
        policy.action_confirm()
        self.stats["policies"] += 1
        renewal = policy._insurance_renewal_deals()[:1].sudo(False)
        if not renewal:
            return
        yield self.next_step(renewal, rest=(2, 40))
        self.finish_tasks(renewal)
        if renewal.stage_id.insurance_stage_code != "renewal_take":
            # The head of sales gives it to the renewal manager.
            self.move(renewal, "renewal_take", user_id=self.renewal_manager.id)
            yield self.next_step(renewal)
            self.finish_tasks(renewal)
        offer_insurers = insurers if rng.random() < 0.3 else insurer
        quotes = self._quotes(renewal, offer_insurers, policy.premium, count=2)
        if rng.random() < 0.2:
            reason = rng.choice(self.reasons_renewal)
            self.move(renewal, "renewal_refused", lost_reason_id=reason.id)
            return
        quotes[:1].action_choose()
        self.move(renewal, "renewal_renewed")
        sale = renewal.continued_lead_ids[:1]
        if not sale:
            return
        yield self.next_step(sale)
        # The renewal is sold again: the same terms, quickly.
        successor = sale.policy_id
        self.env["insurance.quote"].create(
            {
                "lead_id": sale.id,
                "insurer_id": successor.insurer_id.id,
                "premium": successor.premium,
                "chosen": True,
            }
        )
        self.finish_tasks(sale)
        delivery = "courier" if rng.random() < 0.4 else "pickup"
        self.move(sale, "sales_documents", delivery_type=delivery)
        yield self.next_step(sale)
        self.finish_tasks(sale)
        self.move(sale, "sales_handed")
        yield from self._fulfil(sale.continued_lead_ids[:1], delivery)

    # ------------------------------------------------------------
    # END
    # ------------------------------------------------------------

    def _expire_policies(self):
        """The policies of the history that ended unrenewed, expired as the
        daily cron does."""
        ended = self.env["insurance.policy"].search(
            [
                ("id", ">", self.last["insurance.policy"]),
                ("state", "=", "active"),
                ("date_end", "<", self.today),
            ]
        )
        ended._expire()

    def _create_targets(self):
        """Each salesperson's monthly targets, around what they sell."""
        Report = self.env["insurance.production.report"]
        self.env.flush_all()
        months = [
            (self.today.replace(day=1) + relativedelta(months=delta))
            for delta in range(-12, 2)
        ]
        vals_list = []
        for seller, __ in self.sellers:
            groups = Report._read_group(
                [
                    ("client_manager_id", "=", seller.id),
                    ("is_target", "=", False),
                    ("date", ">=", months[0]),
                    ("date", "<", months[-2]),
                ],
                [],
                ["policy_count:sum", "premium:sum", "commission_amount:sum"],
            )
            count, premium, commission = groups[0]
            count, premium, commission = (
                (count or 0) / 12,
                (premium or 0) / 12,
                (commission or 0) / 12,
            )
            for month in months:
                factor = self.rng.uniform(0.9, 1.25)
                vals_list.append(
                    {
                        "user_id": seller.id,
                        "date": month,
                        "target_policy_count": max(round(count * factor), 1),
                        "target_premium": round(premium * factor, -1),
                        "target_commission": round(commission * factor, -1),
                    }
                )
        return self.env["insurance.sales.target"].create(vals_list)
