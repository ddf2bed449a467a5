"""Generator step: field work over the generated history — follow-ups and visit records (about 10 per customer:
10,000,000 at ``--scale 1000000``), visit plans, tasks, work reports with a few comments — and the demo's showcase
(see :mod:`salesflow.activities.showcase`).

- Each customer's newest activity is exactly its ``last_contact_at`` as the customers step planned it, and every
  other one is older, so the pool rules still hold as that step arranged them (nothing is pushed into or out of
  the pool); customers never contacted get none. The same holds for a lead's ``last_activity_at``.
- The owner is the customer's owner at the time (the current owner, or the rep who held it before it was returned
  to the pool; a pool customer registered straight into the pool was called once by some rep); the team is copied.
- Mix: calls and WeChat most, visits fewer, meetings, e-mails and notes some. Timing: weekdays, working hours
  (local time), more in the weeks before a won deal. Often linked to a contact and to the opportunity of the same
  owner that was open at the time.
- Visit records of the last months fulfil a done visit plan (checked in, often with a location); a few plans were
  cancelled; a visit record's next contact in the future is a planned visit. Some follow-ups created a task
  (done, cancelled, open, some overdue).
- Work reports: each rep's submitted daily reports of the last weeks, weekly and monthly reports of the last
  months (older ones reviewed by the team manager, some commented). Their frozen ``figures`` are computed only at
  demo scale (``showcase.FIGURES_UP_TO_SCALE``); generated history at large scale leaves them empty.

Rows are written with :func:`insert_rows` (COPY on PostgreSQL) a chunk of customers at a time: the plan is read
into compact arrays first, so no database cursor is open while a COPY streams.
"""

import datetime
import math
from array import array

from django.db import connection
from django.utils import timezone

from salesflow.core.generator import DAY, GenerateContext, insert_rows, next_id
from salesflow.core.registry import generator_steps
from salesflow.customers.models import Contact, Customer
from salesflow.leads.models import Lead
from salesflow.pipeline.models import Opportunity

from .models import Activity, CustomerFollowupMonthly, FollowupDaily, Task, VisitPlan

PER_CUSTOMER = 9  # follow-ups per customer on average; leads add about 2 each (scale / 2 leads): 10 x scale in all
CHUNK = 10_000  # customers per batch of rows
KINDS = [("call", 34), ("wechat", 30), ("visit", 12), ("email", 10), ("meeting", 8), ("note", 6)]
LEAD_KINDS = [("call", 50), ("wechat", 30), ("email", 15), ("note", 5)]
HOURS = [9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 18]  # local working hours, lunch and evening dips
SUBJECTS = {
    "call": ["电话沟通需求", "电话确认采购计划", "电话跟进报价反馈", "回访使用情况", "电话约见决策人", "确认付款进度"],
    "wechat": ["微信发送产品资料", "微信沟通方案细节", "微信确认会议时间", "微信跟进报价", "微信答复技术问题"],
    "visit": ["上门拜访采购负责人", "拜访演示产品", "现场调研需求", "拜访决策人", "回访客户高层"],
    "email": ["发送报价单", "邮件发送技术方案", "邮件确认合同条款", "发送会议纪要"],
    "meeting": ["方案评审会", "技术交流会", "商务谈判", "项目启动会"],
    "note": ["客户组织架构变动", "竞品动态记录", "预算情况备注", "内部讨论结论"],
}
LEAD_SUBJECTS = ["首次电话联系", "确认需求与预算", "发送公司介绍", "约访时间", "微信添加联系人"]
OUTCOMES = ["客户认可方案，需内部讨论", "明确了采购时间表", "决策人参与，反馈积极", "客户提出价格异议",
            "需补充技术资料", "客户暂无预算，保持联系"]
COMMITMENTS = ["安排技术交流", "提供试用环境", "约见决策人", "确认采购预算", "进入商务谈判"]
NEXT_STEPS = ["发送方案与报价", "安排产品演示", "约见技术负责人", "跟进内部审批", "准备合同草稿"]
TASK_TITLES = ["回电客户确认需求", "发送报价单", "准备演示环境", "整理会议纪要", "跟进付款进度", "提交方案书",
               "约见决策人", "确认合同条款"]
CANCEL_SHARE = 0.06  # visit plans cancelled, per visit record with a plan
PLAN_WINDOW = 120  # days: visit records newer than this fulfil a visit plan
TASK_SHARE = 0.04  # follow-ups that created a task


def _weighted(pairs):
    return [k for k, w in pairs for _ in range(w)]


class _Clock:
    """Moves planned moments into local working time (weekdays, office hours) cheaply, in POSIX seconds."""

    def __init__(self, ctx: GenerateContext):
        self.rng = ctx.rng
        self.offset = timezone.localtime(ctx.now).utcoffset().total_seconds()

    def working(self, ts: float) -> float:
        local = ts + self.offset
        day = math.floor(local / DAY)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        if weekday >= 5:
            day -= weekday - self.rng.randrange(5)  # to a working day of the same week
        return day * DAY + (self.rng.choice(HOURS) + self.rng.random()) * 3600 - self.offset

    def in_office(self, ts: float) -> bool:
        return 8 <= (ts + self.offset) % DAY / 3600 < 19

    def within(self, ts: float, low: float, high: float) -> float:
        """``ts`` in working time when that stays inside ``[low, high)``, else ``ts`` itself."""
        moved = self.working(ts)
        return moved if low <= moved < high else ts


def _read_plan(ctx: GenerateContext):
    """Per customer (in id order): last contact and class; per customer, its opportunities and contacts; leads."""
    plan = ctx.shared["customers"]
    last = array("d")
    for _pk, at in Customer.objects.order_by("id").values_list("id", "last_contact_at").iterator(20_000):
        last.append(at.timestamp() if at else 0.0)
    opps = {key: array(code) for key, code in (("customer", "q"), ("id", "q"), ("owner", "q"), ("won", "b"),
                                               ("created", "d"), ("closed", "d"))}
    for customer, pk, owner, status, created, closed in Opportunity.objects.order_by("customer_id", "id").values_list(
            "customer_id", "id", "owner_id", "status", "created_at", "closed_at").iterator(20_000):
        opps["customer"].append(customer)
        opps["id"].append(pk)
        opps["owner"].append(owner)
        opps["won"].append(status == "won")
        opps["created"].append(created.timestamp())
        opps["closed"].append(closed.timestamp() if closed else 0.0)
    contacts = {"customer": array("q"), "id": array("q")}
    for customer, pk in Contact.objects.order_by("customer_id", "id").values_list("customer_id", "id").iterator(20_000):
        contacts["customer"].append(customer)
        contacts["id"].append(pk)
    leads = {key: array(code) for key, code in (("id", "q"), ("owner", "q"), ("created", "d"), ("last", "d"))}
    for pk, owner, created, touched in Lead.objects.order_by("id").values_list(
            "id", "owner_id", "created_at", "last_activity_at").iterator(20_000):
        leads["id"].append(pk)
        leads["owner"].append(owner or 0)
        leads["created"].append(created.timestamp())
        leads["last"].append(touched.timestamp())
    return plan, last, opps, contacts, leads


class _Writer:
    """Rows of one batch of customers, with the id counters and what the showcase and reports need."""

    def __init__(self, ctx: GenerateContext):
        self.ctx, self.rng, self.clock = ctx, ctx.rng, _Clock(ctx)
        self.now = ctx.now_ts
        self.tomorrow = ctx.day(self.now) + datetime.timedelta(days=1)  # today's plans are the showcase's
        self.teams = {rep_id: team_id for rep_id, team_id, _region in ctx.shared["reps"]}
        self.rep_ids = [rep_id for rep_id, _team, _region in ctx.shared["reps"]]
        self.activity_id, self.plan_id, self.task_id = next_id(Activity), next_id(VisitPlan), next_id(Task)
        self.kinds, self.lead_kinds = _weighted(KINDS), _weighted(LEAD_KINDS)
        self.counts = dict.fromkeys(("activities", "visit plans", "tasks"), 0)
        self.reset()

    def reset(self):
        self.activities, self.plans, self.tasks = [], [], []

    def flush(self):
        c = self.counts
        c["visit plans"] += insert_rows(VisitPlan, [
            "id", "owner_id", "team_id", "customer_id", "opportunity_id", "planned_on", "planned_time", "objective",
            "commitment_sought", "status", "checked_in_at", "latitude", "longitude", "location_accuracy",
            "source_activity_id", "created_by_id", "created_at"], self.plans)
        c["activities"] += insert_rows(Activity, [
            "id", "kind", "subject", "occurred_at", "owner_id", "team_id", "customer_id", "contact_id",
            "opportunity_id", "lead_id", "visit_plan_id", "outcome", "commitment_obtained", "next_step",
            "next_contact_on", "created_at"], self.activities)
        c["tasks"] += insert_rows(Task, [
            "id", "title", "due_at", "priority", "status", "done_at", "owner_id", "team_id", "created_by_id",
            "customer_id", "opportunity_id", "lead_id", "source_activity_id", "created_at"], self.tasks)
        self.reset()

    def add(self, ts, kind, owner, *, customer=None, contact=None, opportunity=None, lead=None):
        rng, ctx = self.rng, self.ctx
        aid = self.activity_id
        self.activity_id += 1
        team = self.teams.get(owner)
        at = ctx.moment(ts)
        plan_id = outcome = commitment = next_on = None
        next_step = outcome = ""
        if kind == "visit" and not self.clock.in_office(ts):  # a last contact at night was a message, not a visit
            kind = "wechat"
        if kind == "visit":
            outcome = rng.choice(OUTCOMES)
            commitment = rng.random() < 0.55
            next_step = rng.choice(NEXT_STEPS)
            next_on = ctx.day(ts + rng.randint(5, 21) * DAY)
            if ts > self.now - PLAN_WINDOW * DAY:
                plan_id = self.plan(ts, owner, team, customer, opportunity)
            if next_on.weekday() >= 5:
                next_on += datetime.timedelta(days=7 - next_on.weekday())
            if next_on >= self.tomorrow and rng.random() < 0.7:  # the next visit, planned from this record
                self.plan(ts + (next_on - ctx.day(ts)).days * DAY, owner, team, customer, opportunity,
                          status="planned", source=aid)
        subject = rng.choice(SUBJECTS[kind] if customer else LEAD_SUBJECTS)
        self.activities.append((aid, kind, subject, at, owner, team, customer, contact, opportunity, lead, plan_id,
                                outcome, commitment, next_step, next_on, at))
        if rng.random() < TASK_SHARE:
            self.task(ts, owner, team, customer, opportunity, lead, aid)
        return aid

    def plan(self, ts, owner, team, customer, opportunity, *, status="done", source=None) -> int:
        rng, ctx = self.rng, self.ctx
        pid = self.plan_id
        self.plan_id += 1
        local = timezone.localtime(ctx.moment(ts))
        created = ctx.moment(min(self.now, ts - rng.uniform(1, 6) * DAY) if status == "done" else ts - 2 * DAY)
        if status == "planned":
            created = ctx.moment(min(self.now, ts - 7 * DAY))
        checked = located = None
        if status == "done":
            checked = ctx.moment(ts - rng.uniform(300, 1800))
            if rng.random() < 0.7:
                located = (round(rng.uniform(22.5, 41.5), 6), round(rng.uniform(103.0, 122.0), 6), rng.randint(8, 120))
            if rng.random() < CANCEL_SHARE:  # an earlier plan for this customer that was called off
                self.plan(ts - rng.randint(2, 10) * DAY, owner, team, customer, opportunity, status="cancelled")
        lat, lon, accuracy = located or (None, None, None)
        self.plans.append((pid, owner, team, customer, opportunity, local.date(),
                           local.time().replace(minute=local.minute // 30 * 30, second=0, microsecond=0),
                           self.rng.choice(COMMITMENTS) if status == "cancelled" else self.rng.choice(NEXT_STEPS),
                           rng.choice(COMMITMENTS), status, checked, lat, lon, accuracy, source, owner, created))
        return pid

    def task(self, ts, owner, team, customer, opportunity, lead, source):
        rng, ctx = self.rng, self.ctx
        due = self.clock.working(ts + rng.uniform(1, 10) * DAY)
        status, done_at = "open", None
        if due < self.now - 3 * DAY:
            r = rng.random()
            if r < 0.9:
                status, done_at = "done", ctx.moment(min(self.now, due - rng.uniform(-1, 2) * DAY))
            elif r < 0.95:
                status = "cancelled"
            # else: still open, overdue
        elif due < self.now and rng.random() < 0.5:
            status, done_at = "done", ctx.moment(min(self.now, max(ts + 600, due - rng.uniform(0, 1) * DAY)))
        self.tasks.append((self.task_id, rng.choice(TASK_TITLES), ctx.moment(due), rng.choice((1, 2, 2, 2, 3, 4)),
                           status, done_at, owner, team, owner, customer, opportunity, lead, source,
                           ctx.moment(min(self.now, ts + 300))))  # a last contact may be minutes ago
        self.task_id += 1


def _poisson(rng, lam: float) -> int:
    if lam < 30:
        threshold, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p < threshold:
                return k
            k += 1
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def _customer_activities(w: _Writer, *, cid, owner, created, last, rate, opps, contacts):  # noqa: C901
    """All activities of one customer: ``opps`` = [(id, owner, won, created, closed)], ``contacts`` = [ids]."""
    rng, clock = w.rng, w.clock
    if owner == 0:  # registered straight into the pool: some rep called it once
        w.add(last, "call", rng.choice(w.rep_ids), customer=cid)
        return
    span = max(0.0, last - created)
    count = _poisson(rng, span / DAY * rate)
    won = [o for o in opps if o[2] and o[4] and created < o[4] <= last]
    live = [o for o in opps if not o[4]]
    moments = []
    for _n in range(count):
        r = rng.random()
        if won and r < 0.4:  # the weeks before a won deal
            deal = rng.choice(won)
            ts = deal[4] - rng.expovariate(1 / (12 * DAY))
            ts = max(ts, deal[3], created)
        elif live and r < 0.55:
            deal = rng.choice(live)
            ts = rng.uniform(max(created, deal[3]), last) if deal[3] < last else rng.uniform(created, last)
        else:
            ts = rng.uniform(created, last)
        ts = clock.within(ts, created, last)
        moments.append(min(ts, last - 1) if ts >= last else ts)
    moments.sort()
    moments.append(last)  # the newest is the customer's last contact
    people_from = created + 3 * DAY
    for ts in moments:
        kind = rng.choice(w.kinds)
        opportunity = None
        if opps and rng.random() < 0.75:
            for o in opps:
                if o[1] == owner and o[3] <= ts and (not o[4] or ts <= o[4]):
                    opportunity = o[0]
                    break
        contact = rng.choice(contacts) if contacts and ts >= people_from and rng.random() < 0.65 else None
        w.add(ts, kind, owner, customer=cid, contact=contact, opportunity=opportunity)


@generator_steps.register("activities", "follow-ups and visit records (10 x scale), visit plans, tasks, work reports",
                          order=60)
def generate_activities(ctx: GenerateContext) -> None:
    if not ctx.shared.get("customers") or not len(ctx.shared["customers"]["id"]):
        return
    from .showcase import generate_reports, generate_showcase

    # The follow-up roll-ups are refilled in one pass at the end (rebuild(), which installs their triggers again):
    # row by row their triggers would only do the same work slower — on SQLite each calls back into Python for the
    # local date. (PostgreSQL's bulk load runs with triggers off anyway; a failed load rolls the drop back.)
    with connection.cursor() as cursor:
        for rollup in (FollowupDaily, CustomerFollowupMonthly):
            rollup.ROLLUP.drop(cursor, connection.vendor)
    plan, last, opps, contacts, leads = _read_plan(ctx)
    rng = ctx.rng
    ids, owners = plan["id"], plan["history_owner"]
    span_days = sum(max(0.0, last[i] - plan["created"][i]) for i in range(len(ids)) if last[i] and owners[i]) / DAY
    contacted = sum(1 for i in range(len(ids)) if last[i])
    rate = max(0.0, PER_CUSTOMER * len(ids) - contacted) / max(span_days, 1.0)
    w = _Writer(ctx)
    o = c = 0  # cursors into the opportunities and contacts (both ordered by customer)
    for start in range(0, len(ids), CHUNK):
        for i in range(start, min(start + CHUNK, len(ids))):
            cid = ids[i]
            found = []
            while o < len(opps["id"]) and opps["customer"][o] <= cid:
                if opps["customer"][o] == cid:
                    found.append((opps["id"][o], opps["owner"][o], opps["won"][o], opps["created"][o],
                                  opps["closed"][o]))
                o += 1
            people = []
            while c < len(contacts["id"]) and contacts["customer"][c] <= cid:
                if contacts["customer"][c] == cid:
                    people.append(contacts["id"][c])
                c += 1
            if last[i]:
                _customer_activities(w, cid=cid, owner=owners[i], created=plan["created"][i], last=last[i],
                                     rate=rate, opps=found, contacts=people)
        w.flush()
        ctx.log(f"  activities: {w.counts['activities']:,}")
    for start in range(0, len(leads["id"]), CHUNK * 5):
        for k in range(start, min(start + CHUNK * 5, len(leads["id"]))):
            created, touched, owner = leads["created"][k], leads["last"][k], leads["owner"][k]
            if not owner or touched - created < 60:
                continue
            moments = sorted(w.clock.within(rng.uniform(created, touched), created, touched)
                             for _n in range(_poisson(rng, 1.2)))
            for ts in [*moments, touched]:
                w.add(ts, rng.choice(w.lead_kinds), owner, lead=leads["id"][k])
        w.flush()
    ctx.log("  " + ", ".join(f"{n:,} {label}" for label, n in w.counts.items()))
    generate_reports(ctx)
    generate_showcase(ctx)
    # fill the roll-ups in one pass and install their triggers again (dropped above)
    FollowupDaily.rebuild()
    CustomerFollowupMonthly.rebuild()
