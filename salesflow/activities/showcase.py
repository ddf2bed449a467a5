"""The generator's work reports (history) and the demo's showcase of field work, run at the end of the activities
step (see :mod:`salesflow.activities.generate`).

History, per rep: submitted daily reports for the working days of the last weeks (before yesterday), weekly
reports of the last completed weeks and monthly reports of the last completed months; most older ones reviewed by
the team manager, some with a comment. Submitted on time, a few late.

Showcase, per rep (so each flow can be tried in the demo, as the contracts step does for order to cash):
- today 2-3 visit plans at the rep's own customers, the first one checked in;
- tasks due today, and 1-2 overdue;
- a daily report draft for today and a submitted one for yesterday awaiting review — except that in each team of
  two reps or more the last rep (never the demo login ``rep``) has not submitted yesterday's, so the manager sees
  who has not submitted;
- last week's weekly report submitted and waiting for the manager's review.
None of this records a follow-up, so no customer's last contact moves and the pool stays as generated.
"""

import datetime

from django.utils import timezone

from salesflow.core.generator import GenerateContext, insert_rows, next_id
from salesflow.core.periods import period_of
from salesflow.org.models import Team
from salesflow.pipeline.models import Opportunity

from .models import Reminder, ReportComment, ReportSettings, Task, VisitPlan, WorkReport
from .reports.figures import period_figures
from .reports.services import due_at

SUMMARIES = ["拜访重点客户，推进方案评审", "完成报价并跟进反馈", "电话回访老客户，了解续约意向", "整理商机并更新阶段",
             "配合技术团队完成演示"]
PROBLEMS = ["", "", "客户预算审批周期较长", "竞品报价较低", "决策人出差，会议推迟"]
HELP = ["", "", "需要售前支持演示", "申请特殊折扣", "需要经理陪同拜访"]
PLANS = ["继续跟进重点商机", "安排两场产品演示", "推进合同签订", "拜访新客户", "完成回款跟进"]
COMMENTS = ["收到，重点客户要抓紧推进。", "下周一起拜访一下这个客户。", "报价注意毛利。", "很好，继续保持。",
            "问题记下了，周会上讨论。"]
REPORT_DAYS, REPORT_WEEKS, REPORT_MONTHS = 20, 12, 6  # submitted history per rep (working days)
FIGURES_UP_TO_SCALE = 5000  # the submitted reports' frozen figures are computed at demo scale only
SHOWCASE_PLANS = [(datetime.time(10, 0), "介绍解决方案并了解需求", "约定技术交流时间"),
                  (datetime.time(14, 0), "演示产品并解答技术问题", "提供试用环境"),
                  (datetime.time(16, 30), "商务洽谈，确认采购预算", "确认采购预算与时间表")]


def _periods(today: datetime.date):
    """The history's periods: (kind, start, end), oldest last, none touching yesterday or today."""
    day = today - datetime.timedelta(days=2)
    days = 0
    while days < REPORT_DAYS:
        if day.weekday() < 5:
            yield "daily", day, day
            days += 1
        day -= datetime.timedelta(days=1)
    week = period_of("week", today).start
    for n in range(2, REPORT_WEEKS + 2):  # last week is the showcase's
        start = week - datetime.timedelta(weeks=n)
        yield "weekly", start, start + datetime.timedelta(days=6)
    month = period_of("month", today).start
    for _n in range(REPORT_MONTHS):
        previous = period_of("month", month - datetime.timedelta(days=1))
        yield "monthly", previous.start, previous.end
        month = previous.start


class _Reports:
    def __init__(self, ctx: GenerateContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.settings = ReportSettings.current()
        self.report_id = next_id(WorkReport)
        self.reports, self.comments = [], []
        self.managers = dict(Team.objects.values_list("id", "manager_id"))

    def add(self, owner, team, kind, start, end, *, status, submitted=None, comment=False):
        rng, now = self.rng, self.ctx.now
        due = due_at(kind, start, self.settings)
        if status != "draft" and submitted is None:
            late = rng.random() < 0.08
            submitted = due + datetime.timedelta(hours=rng.uniform(1, 30) if late else -rng.uniform(0.2, 4))
        submitted = min(submitted, now) if submitted else None
        manager = self.managers.get(team)
        reviewed_by = reviewed_at = None
        if status == "reviewed" and manager:
            reviewed_by, reviewed_at = manager, min(now, submitted + datetime.timedelta(hours=rng.uniform(2, 40)))
        elif status == "reviewed":
            status = "submitted"
        rid = self.report_id
        self.report_id += 1
        text = (rng.choice(SUMMARIES), rng.choice(PROBLEMS), rng.choice(HELP), rng.choice(PLANS))
        if status == "draft":
            text = (text[0], "", "", "")
        created = min(now, timezone.make_aware(datetime.datetime.combine(end, datetime.time(17, 0))))
        self.reports.append((rid, kind, owner, team, start, end, status, *text, {}, due, submitted, reviewed_by,
                             reviewed_at, created))
        if manager and submitted and (comment or (reviewed_at and rng.random() < 0.15)):
            at = reviewed_at or min(now, submitted + datetime.timedelta(hours=1))
            self.comments.append((rid, manager, rng.choice(COMMENTS), at - datetime.timedelta(minutes=3)))
        return rid

    def flush(self):
        count = insert_rows(WorkReport, [
            "id", "kind", "owner_id", "team_id", "period_start", "period_end", "status", "summary", "problems",
            "help_needed", "plan", "figures", "due_at", "submitted_at", "reviewed_by_id", "reviewed_at",
            "created_at"], self.reports)
        comments = insert_rows(ReportComment, ["report_id", "author_id", "text", "created_at"], self.comments)
        self.reports, self.comments = [], []
        return count, comments


def non_submitters(reps) -> set[int]:
    """The last rep of each team of two or more (never the first rep, the demo login): no report for yesterday."""
    by_team: dict[int, list[int]] = {}
    for rep_id, team_id, _region in reps:
        by_team.setdefault(team_id, []).append(rep_id)
    first = reps[0][0] if reps else None
    return {members[-1] for members in by_team.values() if len(members) > 1 and members[-1] != first}


def generate_reports(ctx: GenerateContext) -> None:
    """Each rep's submitted history (see the module's docstring)."""
    today = ctx.day(ctx.now_ts)
    writer = _Reports(ctx)
    periods = list(_periods(today))
    count = comments = 0
    for rep_id, team_id, _region in ctx.shared["reps"]:
        for kind, start, end in periods:
            age = (today - end).days
            settled = age > {"daily": 4, "weekly": 7, "monthly": 10}[kind]
            status = "reviewed" if settled and writer.rng.random() < 0.9 else "submitted"
            writer.add(rep_id, team_id, kind, start, end, status=status)
        if len(writer.reports) > 20_000:
            count, comments = (a + b for a, b in zip((count, comments), writer.flush(), strict=True))
    count, comments = (a + b for a, b in zip((count, comments), writer.flush(), strict=True))
    ctx.log(f"  {count:,} work reports, {comments:,} comments")


def generate_showcase(ctx: GenerateContext) -> None:
    """Today's plans, tasks due and overdue, and the reports of today and yesterday, for every rep."""
    rng, now = ctx.rng, ctx.now
    today = ctx.day(ctx.now_ts)
    yesterday = today - datetime.timedelta(days=1)
    reps = ctx.shared["reps"]
    plan = ctx.shared["customers"]
    owned: dict[int, list[int]] = {}
    for cid, owner in zip(plan["id"], plan["owner"], strict=True):
        if owner and len(owned.setdefault(owner, [])) < 3:
            owned[owner].append(cid)
    deals: dict[int, dict[int, int]] = {}  # rep -> customer -> an open deal (one read: the bulk load has no index)
    for owner, customer, pk in Opportunity.objects.filter(status="tracking").order_by("id").values_list(
            "owner_id", "customer_id", "id").iterator(20_000):
        mine = deals.setdefault(owner, {})
        if len(mine) < 3 and customer not in mine:
            mine[customer] = pk
    local = timezone.get_current_timezone()
    start_of_today = datetime.datetime.combine(today, datetime.time(), tzinfo=local)
    plan_id, task_id = next_id(VisitPlan), next_id(Task)
    _reminded_already(ctx, start_of_today, before_id=task_id)
    plans, tasks = [], []
    reports = _Reports(ctx)
    missing = non_submitters(reps)
    last_week = period_of("week", today - datetime.timedelta(days=7))
    for rep_id, team_id, _region in reps:
        customers = list(deals.get(rep_id, {}).items())
        customers += [(cid, None) for cid in owned.get(rep_id, []) if cid not in deals.get(rep_id, {})]
        for n, (customer, deal) in enumerate(customers[:rng.choice((2, 3))]):
            at, objective, commitment = SHOWCASE_PLANS[n]
            checked = None
            status = "planned"
            if n == 0:
                status = "checked_in"
                checked = max(start_of_today, min(now - datetime.timedelta(minutes=5),
                                                  datetime.datetime.combine(today, at, tzinfo=local)
                                                  + datetime.timedelta(minutes=5)))
            plans.append((plan_id, rep_id, team_id, customer, deal, today, at, objective, commitment, status,
                          checked, rep_id, now - datetime.timedelta(days=rng.randint(1, 4))))
            plan_id += 1
        first = customers[0] if customers else (None, None)
        due_today = [max(now + datetime.timedelta(minutes=30), datetime.datetime.combine(
            today, datetime.time(18, 0), tzinfo=local))]
        due_today = [min(d, start_of_today + datetime.timedelta(hours=23, minutes=59)) for d in due_today]
        overdue = [start_of_today - datetime.timedelta(hours=6), start_of_today - datetime.timedelta(days=3, hours=14)]
        for due, title, priority in [(due_today[0], "回电客户确认演示时间", 3), (due_today[0], "提交本周拜访计划", 2),
                                     *[(d, t, 3) for d, t in zip(overdue[:rng.choice((1, 2))],
                                                                 ("发送修改后的报价单", "整理客户需求清单"),
                                                                 strict=False)]]:
            tasks.append((task_id, title, due, priority, "open", rep_id, team_id, rep_id, first[0], first[1],
                          min(now, due - datetime.timedelta(days=2))))
            task_id += 1
        reports.add(rep_id, team_id, "daily", today, today, status="draft")
        if rep_id not in missing:
            reports.add(rep_id, team_id, "daily", yesterday, yesterday, status="submitted")
        reports.add(rep_id, team_id, "weekly", last_week.start, last_week.end, status="submitted",
                    comment=rep_id == reps[0][0])
    insert_rows(VisitPlan, ["id", "owner_id", "team_id", "customer_id", "opportunity_id", "planned_on",
                            "planned_time", "objective", "commitment_sought", "status", "checked_in_at",
                            "created_by_id", "created_at"], plans, ctx=ctx, label="today's visit plans")
    insert_rows(Task, ["id", "title", "due_at", "priority", "status", "owner_id", "team_id", "created_by_id",
                       "customer_id", "opportunity_id", "created_at"], tasks, ctx=ctx, label="tasks due and overdue")
    count, _comments = reports.flush()
    ctx.log(f"  {count:,} reports of today, yesterday and last week ({len(missing)} reps have not submitted "
            "yesterday's daily report)")
    if ctx.scale <= FIGURES_UP_TO_SCALE:
        freeze_figures(ctx)


def _reminded_already(ctx: GenerateContext, start_of_today, *, before_id: int) -> None:
    """The reminder job is taken to have run yesterday: the generated history's tasks that fell overdue before today
    were reminded then (a ``Reminder`` row each, keyed as the job keys them), so the demo's first run reminds of the
    showcase's tasks, not of every old one."""
    rows = []
    for pk, owner, due in Task.objects.filter(status="open", pk__lt=before_id, due_at__lt=start_of_today).values_list(
            "id", "owner_id", "due_at").iterator(20_000):
        rows.append((f"task:{pk}:overdue:{timezone.localtime(due).date().isoformat()}", owner, due))
    insert_rows(Reminder, ["key", "recipient_id", "sent_at"], rows, ctx=ctx, label="reminders already sent")


def freeze_figures(ctx: GenerateContext) -> None:
    """Submitted reports carry the figures of their period as ``submit_report`` freezes them (one
    ``period_figures`` per report: demo scale only; larger generated histories leave ``figures`` empty)."""
    reports = list(WorkReport.objects.submitted().only("id", "owner_id", "period_start", "period_end",
                                                       "submitted_at"))
    for report in reports:
        report.figures = period_figures(owner_ids=[report.owner_id], start=report.period_start,
                                        end=report.period_end, now=report.submitted_at)
    WorkReport.objects.bulk_update(reports, ["figures"], batch_size=500)
    ctx.log(f"  figures frozen into {len(reports):,} submitted reports")
