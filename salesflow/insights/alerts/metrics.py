"""What alert rules can watch. Each metric returns its findings at or above a threshold: a record or a person with a
value where higher is worse (days late, points behind, % drop…), its owner and team, and a sentence saying why.
Defaults are the thresholds a new installation starts with (the admin changes them per rule)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.activities.models import Activity, WorkReport
from salesflow.catalog.models import RoleDiscountLimit
from salesflow.contracts.models import Instalment, Quotation
from salesflow.core.money import format_money
from salesflow.core.periods import aware_bounds, period_of
from salesflow.customers.models import Customer
from salesflow.insights.analyses.churn import churn_risks
from salesflow.leads.models import Lead
from salesflow.org.models import Role, Team, User
from salesflow.performance.targets.completion import completion_tree
from salesflow.performance.targets.tree import OrgTree
from salesflow.pipeline.models import Opportunity


@dataclass(frozen=True)
class Finding:
    key: str
    subject: str
    url: str
    owner_id: int | None
    team_id: int | None
    value: Decimal
    message: str


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    unit: Promise
    yellow: Decimal
    red: Decimal
    every_minutes: int
    find: Callable[..., list[Finding]]  # find(threshold, now) -> findings with value >= threshold


METRICS: dict[str, Metric] = {}


def metric(key, label, unit, yellow, red, every_minutes=60):
    def decorator(find):
        METRICS[key] = Metric(key, label, unit, Decimal(yellow), Decimal(red), every_minutes, find)
        return find
    return decorator


def _days(since, now) -> int:
    return max((now - since).days, 0)


DAYS = gettext_lazy("days")


@metric("stalled_opportunity", gettext_lazy("Stalled opportunity / close date passed"), DAYS, 14, 30)
def stalled_opportunities(threshold, now):
    today = timezone.localdate(now)
    cutoff = now - datetime.timedelta(days=int(threshold))
    rows = (Opportunity.objects.tracking()
            .filter(Q(stage_entered_at__lte=cutoff) | Q(expected_close_date__lte=today - datetime.timedelta(
                days=int(threshold))))
            .values("pk", "subject", "owner_id", "team_id", "stage_entered_at", "expected_close_date"))
    found = []
    for row in rows:
        in_stage = _days(row["stage_entered_at"], now)
        overdue = max((today - row["expected_close_date"]).days, 0)
        why = (_("no stage move for %(days)s days") % {"days": in_stage} if in_stage >= overdue
               else _("expected close date passed %(days)s days ago") % {"days": overdue})
        found.append(Finding(f"opportunity:{row['pk']}", row["subject"], reverse("pipeline:detail", args=[row["pk"]]),
                             row["owner_id"], row["team_id"], Decimal(max(in_stage, overdue)), why))
    return found


@metric("key_customer_silent", gettext_lazy("Key customer not contacted"), DAYS, 30, 60)
def silent_key_customers(threshold, now):
    cutoff = now - datetime.timedelta(days=int(threshold))
    rows = (Customer.objects.filter(customer_class=Customer.Class.A, owner__isnull=False)
            .filter(Q(last_contact_at__lte=cutoff) | Q(last_contact_at__isnull=True, created_at__lte=cutoff))
            .values("pk", "name", "owner_id", "team_id", "last_contact_at", "created_at"))
    return [Finding(f"customer:{r['pk']}", r["name"], reverse("customers:detail", args=[r["pk"]]), r["owner_id"],
                    r["team_id"], Decimal(_days(r["last_contact_at"] or r["created_at"], now)),
                    _("A-class customer not contacted for %(days)s days")
                    % {"days": _days(r["last_contact_at"] or r["created_at"], now)}) for r in rows]


@metric("team_activity_falling", gettext_lazy("Team activity volume falling"), gettext_lazy("% drop"), 20, 40,
        every_minutes=24 * 60)
def falling_team_activity(threshold, now):
    """Follow-ups of the last 7 days against the weekly average of the 4 weeks before, per team."""
    today = timezone.localdate(now)
    week_start, _end = aware_bounds(today - datetime.timedelta(days=6), today)
    base_start, _end = aware_bounds(today - datetime.timedelta(days=34), today)
    rows = (Activity.objects.filter(occurred_at__gte=base_start, occurred_at__lt=_end, team__isnull=False)
            .values("team_id")
            .annotate(this_week=Count("pk", filter=Q(occurred_at__gte=week_start)),
                      before=Count("pk", filter=Q(occurred_at__lt=week_start))))
    teams = {t.pk: t for t in Team.objects.filter(pk__in=[r["team_id"] for r in rows])}
    found = []
    for row in rows:
        average = Decimal(row["before"]) / 4
        if average < 5:  # too few to call a trend
            continue
        drop = ((average - row["this_week"]) / average * 100).quantize(Decimal("0.1"))
        team = teams[row["team_id"]]
        if drop >= threshold:
            found.append(Finding(f"team:{team.pk}", team.name, reverse("activities:stats"), team.manager_id,
                                 team.pk, drop, _("%(now)s follow-ups this week against %(before)s a week before")
                                 % {"now": row["this_week"], "before": average.quantize(Decimal("0.1"))}))
    return found


@metric("overdue_receivable", gettext_lazy("Overdue receivables"), DAYS, 1, 30, every_minutes=24 * 60)
def overdue_receivables(threshold, now):
    today = timezone.localdate(now)
    rows = (Instalment.objects.filter(due_on__lte=today - datetime.timedelta(days=int(threshold)),
                                      collected_amount__lt=F("amount"))
            .values("pk", "sequence", "due_on", "amount", "collected_amount", "agreement_id", "agreement__number",
                    "agreement__owner_id", "agreement__team_id"))
    return [Finding(f"instalment:{r['pk']}", f"{r['agreement__number']} #{r['sequence']}",
                    reverse("contracts:agreement-detail", args=[r["agreement_id"]]), r["agreement__owner_id"],
                    r["agreement__team_id"], Decimal((today - r["due_on"]).days),
                    _("%(amount)s due on %(day)s is %(days)s days overdue")
                    % {"amount": format_money(r["amount"] - r["collected_amount"]), "day": r["due_on"],
                       "days": (today - r["due_on"]).days}) for r in rows]


@metric("churn_risk", gettext_lazy("Churn risk"), gettext_lazy("% of the usual interval"), 150, 200,
        every_minutes=24 * 60)
def churn_risk(threshold, now):
    """Customers silent (no follow-up, no signed agreement) for longer than their own usual interval between such
    contacts (from at least 3 of them): the one rule in ``insights.analyses.churn``."""
    return [Finding(f"customer:{r.customer_id}", r.name, reverse("customers:detail", args=[r.customer_id]),
                    r.owner_id, r.team_id, r.ratio,
                    _("silent %(ratio)s%% of its usual %(days)s days between contacts")
                    % {"ratio": r.ratio, "days": int(r.usual_days)})
            for r in churn_risks(now=now, min_ratio=Decimal(threshold))]


@metric("lead_not_followed", gettext_lazy("Lead not followed up"), DAYS, 3, 7)
def unfollowed_leads(threshold, now):
    cutoff = now - datetime.timedelta(days=int(threshold))
    rows = (Lead.objects.filter(status__in=[Lead.Status.NEW, Lead.Status.CONTACTED, Lead.Status.QUALIFIED],
                                owner__isnull=False, last_activity_at__lte=cutoff)
            .values("pk", "company", "owner_id", "team_id", "last_activity_at"))
    return [Finding(f"lead:{r['pk']}", r["company"], reverse("leads:detail", args=[r["pk"]]), r["owner_id"],
                    r["team_id"], Decimal(_days(r["last_activity_at"], now)),
                    _("no follow-up for %(days)s days") % {"days": _days(r["last_activity_at"], now)}) for r in rows]


@metric("discount_over_limit", gettext_lazy("Discount above the role's limit"), gettext_lazy("points"), 0.01, 5)
def discounts_over_limit(threshold, now):
    """Open quotations whose largest line discount exceeds the owner's role limit (by that many points)."""
    limits = dict(RoleDiscountLimit.objects.values_list("role", "max_discount"))
    rows = (Quotation.objects.filter(status__in=[Quotation.Status.DRAFT, Quotation.Status.SENT],
                                     discount_approved=False)
            .values("pk", "number", "owner_id", "owner__role", "team_id")
            .annotate(top=Max("lines__discount_rate")).filter(top__gt=0))
    found = []
    for r in rows:
        over = Decimal(r["top"]) - Decimal(limits.get(r["owner__role"], 100))
        if over >= threshold:
            found.append(Finding(f"quotation:{r['pk']}", r["number"], reverse("contracts:quotation-detail",
                                                                               args=[r["pk"]]),
                                 r["owner_id"], r["team_id"], over,
                                 _("a line discount of %(top)s%% is %(over)s points above the limit")
                                 % {"top": r["top"], "over": over}))
    return found


@metric("daily_report_missing", gettext_lazy("Daily report not submitted"), gettext_lazy("working days"), 1, 3,
        every_minutes=24 * 60)
def missing_daily_reports(threshold, now):
    """Working days in a row, back from yesterday (at most 5, none before the rep joined), without a daily report."""
    today = timezone.localdate(now)
    days, day = [], today
    while len(days) < 5:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    submitted = set(WorkReport.objects.filter(kind=WorkReport.Kind.DAILY, period_start__in=days)
                    .exclude(status=WorkReport.Status.DRAFT).values_list("owner_id", "period_start"))
    found = []
    for rep in User.objects.filter(is_active=True, role=Role.REP).only("pk", "username", "display_name", "team_id",
                                                                         "date_joined", "first_name", "last_name"):
        joined = timezone.localdate(rep.date_joined)
        missing = 0
        for day in days:
            if day < joined or (rep.pk, day) in submitted:
                break
            missing += 1
        if missing >= threshold:
            found.append(Finding(f"user:{rep.pk}", str(rep), reverse("activities:report-list"), rep.pk, rep.team_id,
                                 Decimal(missing), _("no daily report for %(n)s working days in a row")
                                 % {"n": missing}))
    return found


@metric("target_deviation", gettext_lazy("Target progress behind schedule"), gettext_lazy("points behind"), 10, 20)
def behind_target(threshold, now):
    """Each rep and team with an approved signed-amount target this quarter, by how many points their completion
    trails the share of the quarter gone (进度偏差); nothing signed yet counts as 0%."""
    today = timezone.localdate(now)
    org = OrgTree.load()
    tree_nodes = org.nodes
    tree = completion_tree(None, "signed_amount", period_of("quarter", today), today=today, tree=org)
    url = reverse("performance:target-completion")
    managers = dict(Team.objects.values_list("pk", "manager_id"))
    found = []
    for row in tree.rows:
        if not row.target or row.kind == "company":
            continue
        completion = (row.actual or Decimal(0)) / row.target * 100
        behind = (row.elapsed_pct - completion).quantize(Decimal("0.1"))
        if behind < threshold:
            continue
        node_id = int(row.node.split(":")[1])
        if row.kind == "user":
            parent = tree_nodes[row.node].parent
            owner, team = node_id, int(parent.split(":")[1]) if parent.startswith("team:") else None
        else:
            owner, team = managers.get(node_id), node_id
        found.append(Finding(f"{row.node}:{tree.period.label}", row.label, url, owner, team, behind,
                             _("%(done)s%% of the %(period)s target signed with %(elapsed)s%% of the time gone")
                             % {"done": completion.quantize(Decimal("0.1")), "period": tree.period.label,
                                "elapsed": row.elapsed_pct}))
    return found
