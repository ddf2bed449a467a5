"""Activity statistics (活动统计): the *process* figures of field work per rep or per team for a range of days.

:func:`activity_stats` returns one dict per rep (``by="owner"``) or per team (``by="team"``) with these keys —
the names later KPIs read, so they are part of the interface:

``owner_id`` / ``team_id``, ``label``
    who the row is about (``label``: the rep's display name, or the team's name).
``visits_planned``
    visit plans (拜访计划) for a day in the period that were not cancelled.
``visits_planned_done``
    of those, the ones marked done (visited).
``visits_done``
    visits that happened in the period: visit records (an ``Activity`` of kind ``visit``) plus plans of the
    period marked done that have no visit record (so a visit is never counted twice).
``followups_<kind>`` for each ``Activity.Kind`` (``followups_visit``, ``followups_call``, ``followups_meeting``,
``followups_email``, ``followups_wechat``, ``followups_note``) and ``followups_total``
    follow-up records (跟进记录) that happened in the period, by type.
``customers_touched``
    distinct customers with at least one follow-up in the period.
``new_customers_contacted``
    of those, the customers created in the period.
``a_class_touches``, ``a_class_gaps``, ``a_class_gap_days``, ``a_class_avg_days_between_touches``
    A-class customers: the follow-ups on them in the period, the number of gaps between consecutive follow-ups
    of the same customer (per customer: touches − 1), the sum of those gaps in days, and their mean in days
    (one decimal). The mean is ``None`` (shown "—") when no customer had two touches: never an invented number.
    Consecutive gaps telescope (their sum per customer is last touch − first touch), so the database computes
    the figure from MIN/MAX per customer instead of sorting every row for a LAG window; the result is the same.
``open_opportunities``, ``open_opportunities_touched``, ``open_opportunity_coverage``
    follow-up coverage (商机跟进覆盖率): the row's opportunities being tracked now, how many of them have a
    follow-up or visit record *linked to the opportunity itself* (a follow-up on its customer alone does not
    count: that would cover every deal of a busy customer at once) in the 14 days ending on the period's last day
    (or today, while the period runs: the days after today hold no follow-up yet),
    and that share in per cent (one decimal; ``None`` when there is no open opportunity).

Rules: only rows visible to the viewer (``visible_to``), owners limited to ``access.users_in_scope(viewer)``;
``viewer=None`` is the system's view (everything; the CLI without ``--user``). Finance sees no field work, so its
statistics are empty. A rep's own row is all a rep sees. Per team, rows are grouped by the team stored on each
record (the rep's team when it was written), so a rep's past work stays with the team they worked in.

Cost: a fixed number of queries whatever the number of reps — the people (or teams), the follow-ups per kind from
their day roll-up, one aggregate over follow-ups per customer (with the A-class and new-customer figures), one over
visit plans, the open opportunities from the funnel's roll-up and their coverage from the deals.
"""

import datetime
import functools

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import Case, Count, F, Max, Min, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core.periods import parse_period, period_of, whole_months
from salesflow.core.validators import validate_business_date
from salesflow.customers.models import Customer
from salesflow.org import access
from salesflow.org.models import Role, Team, User
from salesflow.pipeline.models import FunnelRollup, Opportunity

from ..models import Activity, CustomerFollowupMonthly, FollowupDaily, VisitPlan

GROUPS = ("owner", "team")
KINDS = [kind for kind, _label in Activity.Kind.choices]
VOLUME_KEYS = {"owner_id", "team_id", "label", "team", "visits_planned", "visits_planned_done", "visits_done",
               "followups_total", *(f"followups_{k}" for k in KINDS)}
COVERAGE_DAYS = 14
# People who get a row even with nothing recorded (a rep with no visit is exactly what a manager looks for).
SALES_ROLES = (Role.REP, Role.MANAGER)
COUNT_KEYS = ["visits_planned", "visits_planned_done", "visits_done", *[f"followups_{k}" for k in KINDS],
              "followups_total", "customers_touched", "new_customers_contacted", "a_class_touches", "a_class_gaps",
              "open_opportunities", "open_opportunities_touched"]


def _epoch(column: str) -> str:
    """SQL for the seconds since 1970 of a timestamp column, as a float (the one database-specific expression)."""
    if connection.vendor == "sqlite":
        return f"((julianday({column}) - 2440587.5) * 86400.0)"
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS double precision)"


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def sees_field_work(viewer) -> bool:
    """Finance (and anyone not signed in) sees no visits, follow-ups or their statistics."""
    return viewer is None or access.visibility_q(viewer, Activity) != access.NOTHING


def _visible(model, viewer):
    return model.objects.seen_by(viewer)


def _people(viewer, owner_ids):
    people = User.objects.all() if viewer is None else access.users_in_scope(viewer)
    if owner_ids is not None:
        people = people.filter(pk__in=owner_ids)
    return people


def _scoped(model, viewer, people_ids, owner_ids):
    rows = _visible(model, viewer)
    if viewer is not None:
        rows = rows.filter(owner_id__in=people_ids)
    elif owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    return rows


def _empty_row() -> dict:
    return {**{key: 0 for key in COUNT_KEYS}, "a_class_gap_days": 0.0}


def _finish(row: dict) -> dict:
    """Derived figures of a row (or of the totals) from its counts."""
    gaps = row["a_class_gaps"]
    row["a_class_gap_days"] = round(row["a_class_gap_days"], 4)
    row["a_class_avg_days_between_touches"] = round(row["a_class_gap_days"] / gaps, 1) if gaps else None
    open_count = row["open_opportunities"]
    row["open_opportunity_coverage"] = (round(row["open_opportunities_touched"] * 100 / open_count, 1)
                                        if open_count else None)
    return row


def _per_customer_from_records(activities, group_field, since, until, *, kinds: bool):
    """The follow-ups summed per (group, customer) in the database, with each customer's ``flags`` (1: A-class,
    2: created in the period, 3: both) looked up once per customer touched rather than once per follow-up (at 1M
    customers that join was most of the statistics' time): ``(sql, params)``. ``kinds``: the counts per kind too."""
    per_kind = {f"k_{k}": Count("id", filter=Q(kind=k)) for k in KINDS} if kinds else {}
    per_customer = (activities.annotate(grp=F(group_field)).values("grp", "customer_id")
                    .annotate(**per_kind, touches=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
                    .order_by())
    inner, params = per_customer.query.sql_with_params()
    # One index probe per customer touched (a hash join would read the whole customer table instead).
    flags = (f"SELECT (CASE WHEN customer_class = '{Customer.Class.A}' THEN 1 ELSE 0 END) + "  # noqa: S608
             "(CASE WHEN created_at >= %s AND created_at < %s THEN 2 ELSE 0 END) "
             f"FROM {Customer._meta.db_table} c WHERE c.id = pc.customer_id")
    ops = connection.ops
    return (f"SELECT pc.*, ({flags}) AS flags FROM ({inner}) pc",  # noqa: S608
            [ops.adapt_datetimefield_value(since), ops.adapt_datetimefield_value(until), *params])


def _per_customer_rolled_up(viewer, people_ids, owner_ids, by, start, end, since, until):
    """The same per (group, customer) sums from the customers' month roll-up, which holds each customer's class and
    creation time: ``(sql, params)``."""
    key = "owner_id" if by == "owner" else "team_key"
    a_class = Max(Case(When(customer_class=Customer.Class.A, then=1), default=0))
    new = Max(Case(When(customer_created_at__gte=since, customer_created_at__lt=until, then=2), default=0))
    per_customer = (_scoped(CustomerFollowupMonthly, viewer, people_ids, owner_ids)
                    .filter(month__gte=start, month__lte=end).annotate(grp=F(key)).values("grp", "customer_id")
                    .annotate(touches=Sum("n"), first=Min("first_at"), last=Max("last_at"), flags=a_class + new)
                    .order_by())
    return per_customer.query.sql_with_params()


def _followup_figures(per_customer, *, kinds: bool) -> dict:
    """``{group: figures}`` of the follow-ups from their sums per (group, customer) — ``(sql, params)`` of
    :func:`_per_customer_from_records` or :func:`_per_customer_rolled_up` — in one query."""
    try:
        inner, params = per_customer()
    except EmptyResultSet:  # nobody in scope
        return {}
    is_a = "pc.flags IN (1, 3)"
    sums = ", ".join([f"SUM(pc.k_{k})" for k in KINDS if kinds] + [
        "SUM(pc.touches)", "COUNT(pc.customer_id)", "SUM(CASE WHEN pc.flags >= 2 THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {is_a} THEN pc.touches ELSE 0 END)", f"SUM(CASE WHEN {is_a} THEN pc.touches - 1 ELSE 0 END)",
        f"SUM(CASE WHEN {is_a} THEN {_epoch('pc.last')} - {_epoch('pc.first')} ELSE 0 END)"])
    # MATERIALIZED: inlined, PostgreSQL would repeat the customer probe for every use of ``flags``.
    sql = f"WITH pc AS MATERIALIZED ({inner}) SELECT pc.grp, {sums} FROM pc GROUP BY pc.grp"  # noqa: S608
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for grp, *values in cursor:
            by_kind, (touches, touched, new, a_touches, a_gaps, a_span) = values[:-6], values[-6:]
            figures = {f"followups_{k}": int(n or 0) for k, n in zip(KINDS, by_kind, strict=True)} if kinds else {}
            # the total of every follow-up comes from the day roll-up when the kinds do (customers only here)
            found[grp or None] = {**figures, **({"followups_total": int(touches or 0)} if kinds else {}),
                                  "customers_touched": int(touched or 0), "new_customers_contacted": int(new or 0),
                                  "a_class_touches": int(a_touches or 0), "a_class_gaps": int(a_gaps or 0),
                                  "a_class_gap_days": float(a_span or 0) / 86400}
    return found


def _followup_volume(viewer, people_ids, owner_ids, start, end, by) -> dict | None:
    """``{owner or team: {followups_<kind>…, followups_total}}`` of the days ``start`` … ``end`` from the follow-ups'
    day roll-up, scoped as :func:`_scoped` scopes the records; None when the roll-up is kept in another time zone
    than the site's (the records answer then)."""
    if not FollowupDaily.usable():
        return None
    rows = _scoped(FollowupDaily, viewer, people_ids, owner_ids).filter(day__gte=start, day__lte=end)
    key = "owner_id" if by == "owner" else "team_key"
    found: dict = {}
    for row in rows.values(key, "kind").annotate(n=Sum("n")).order_by():
        figures = found.setdefault(row[key] or None, {**{f"followups_{k}": 0 for k in KINDS}, "followups_total": 0})
        figures[f"followups_{row['kind']}"] = row["n"]
        figures["followups_total"] += row["n"]
    return found


def activity_stats(viewer, *, start: datetime.date, end: datetime.date, by: str = "owner",
                   owner_ids: list[int] | None = None, volume_only: bool = False) -> list[dict]:
    """The activity statistics of the days ``start`` … ``end`` (inclusive, local dates), one row per rep or team
    (see the module's docstring for every key): reps ordered by team and name, teams in the order of the tree.
    ``volume_only``: just the counts of follow-ups and visits (:data:`VOLUME_KEYS`, what a dashboard charts), the
    follow-ups summed from their day roll-up (``FollowupDaily``) instead of the per-customer and coverage figures.
    Raises ``ValueError`` for an unknown ``by`` or a period that ends before it starts."""
    if by not in GROUPS:
        raise ValueError(f"by={by!r}: use one of {', '.join(GROUPS)}")
    if end < start:
        raise ValueError(_("The end of the period is before its start."))
    if not sees_field_work(viewer):
        return []
    people = _people(viewer, owner_ids)
    # The ids as a list, not a subquery: with a list PostgreSQL reads the follow-ups from the covering index alone.
    people_ids = list(people.values_list("pk", flat=True)) if viewer is not None else None
    group_field = "owner_id" if by == "owner" else "team_id"
    since, until = day_start(start), day_start(end + datetime.timedelta(days=1))
    rows: dict = {}

    def row(key) -> dict:
        return rows.setdefault(key, _empty_row())

    activities = _scoped(Activity, viewer, people_ids, owner_ids).filter(occurred_at__gte=since, occurred_at__lt=until)
    plans = _scoped(VisitPlan, viewer, people_ids, owner_ids).filter(planned_on__gte=start, planned_on__lte=end)
    per_kind = _followup_volume(viewer, people_ids, owner_ids, start, end, by)
    if not volume_only:
        if per_kind is not None and whole_months(start, end) and CustomerFollowupMonthly.usable():
            per_customer = functools.partial(_per_customer_rolled_up, viewer, people_ids, owner_ids, by, start, end,
                                             since, until)
        else:
            per_customer = functools.partial(_per_customer_from_records, activities, group_field, since, until,
                                             kinds=per_kind is None)
        for key, figures in _followup_figures(per_customer, kinds=per_kind is None).items():
            row(key).update(figures)
    elif per_kind is None:
        for found in (activities.values(group_field).order_by()
                      .annotate(**{f"followups_{k}": Count("id", filter=Q(kind=k)) for k in KINDS},
                                followups_total=Count("id"))):
            row(found.pop(group_field)).update(found)
    for key, figures in (per_kind or {}).items():
        row(key).update(figures)
    for target in rows.values():
        target["visits_done"] += target["followups_visit"]

    done = Q(status=VisitPlan.Status.DONE)
    for found in (plans.values(group_field)
                  .annotate(planned=Count("id", filter=~Q(status=VisitPlan.Status.CANCELLED)),
                            planned_done=Count("id", filter=done),
                            done_unrecorded=Count("id", filter=done & Q(record__isnull=True)))
                  .order_by()):
        target = row(found[group_field])
        target["visits_planned"] += found["planned"]
        target["visits_planned_done"] += found["planned_done"]
        target["visits_done"] += found["done_unrecorded"]
    if volume_only:
        return [{k: v for k, v in r.items() if k in VOLUME_KEYS} for r in _labelled(rows, by, people)]

    window_end = min(end, timezone.localdate())
    window_start = day_start(window_end - datetime.timedelta(days=COVERAGE_DAYS - 1))
    # The count from the funnel's roll-up (a few rows per person), the coverage from the deals themselves.
    open_key = "owner_id" if by == "owner" else "team_key"
    for found in (_scoped(FunnelRollup, viewer, people_ids, owner_ids).filter(status=Opportunity.Status.TRACKING)
                  .values(open_key).annotate(open=Sum("n")).filter(open__gt=0).order_by()):
        row(found[open_key] or None)["open_opportunities"] = found["open"]
    tracked = _scoped(Opportunity, viewer, people_ids, owner_ids).tracking()
    # From the follow-ups' side (a few thousand rows in 14 days) rather than one probe per open deal.
    recent = _visible(Activity, viewer).filter(occurred_at__gte=window_start,
                                               occurred_at__lt=day_start(window_end + datetime.timedelta(days=1)),
                                               opportunity__in=tracked)
    for found in (recent.values(grp=F(f"opportunity__{group_field}"))
                  .annotate(touched=Count("opportunity_id", distinct=True)).order_by()):
        row(found["grp"])["open_opportunities_touched"] = found["touched"]

    return _labelled(rows, by, people)


def _labelled(rows: dict, by: str, people) -> list[dict]:
    """Name every row; people of the sales roles (or their teams) get a row even with nothing recorded."""
    if by == "owner":
        everyone = {u.pk: u for u in people.filter(Q(pk__in=list(rows)) | Q(is_active=True, role__in=SALES_ROLES))
                    .select_related("team").only("username", "first_name", "last_name", "display_name", "team__name")}
        result = []
        for pk, user in everyone.items():
            result.append({"owner_id": pk, "label": str(user), "team": user.team.name if user.team_id else "",
                           **_finish(rows.get(pk) or _empty_row())})
        return sorted(result, key=lambda r: (r["team"], r["label"], r["owner_id"]))
    staffed = people.filter(is_active=True, role__in=SALES_ROLES).values("team_id")
    teams = {t.pk: t for t in Team.objects.filter(Q(pk__in=[k for k in rows if k is not None]) | Q(pk__in=staffed))
             .only("name", "path")}
    result = [{"team_id": pk, "label": team.name, "path": team.path, **_finish(rows.get(pk) or _empty_row())}
              for pk, team in teams.items()]
    if None in rows:
        result.append({"team_id": None, "label": _("No team"), "path": "~", **_finish(rows[None])})
    result.sort(key=lambda r: r["path"])
    for r in result:
        del r["path"]
    return result


def totals(rows: list[dict]) -> dict:
    """The totals row: counts are the sums of the rows (so a customer touched by two reps counts once per rep, as
    in the rows), the mean A-class gap and the coverage are recomputed from the summed gaps and opportunities."""
    total = _empty_row()
    for r in rows:
        for key in COUNT_KEYS:
            total[key] += r[key]
        total["a_class_gap_days"] += r["a_class_gap_days"]
    return _finish(total)


MAX_RANGE_DAYS = 366


def period_range(period: str | None = None, start: datetime.date | None = None, end: datetime.date | None = None,
                 *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date, str]:
    """The days a request asks for, with a label: a custom ``start`` … ``end`` (both given, at most a year), else
    ``period`` (``2026``, ``2026-Q3``, ``2026-11``, ``2026-W47``: ``core.periods``), else this month. Raises
    ``ValidationError`` naming the field at fault."""
    for field, day in (("start", start), ("end", end)):
        try:
            validate_business_date(day)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None
    if start or end:
        if not (start and end):
            field = "end" if start else "start"
            raise ValidationError({field: _("Give both the first and the last day of the range.")})
        if end < start:
            raise ValidationError({"end": _("The last day is before the first day.")})
        if (end - start).days >= MAX_RANGE_DAYS:
            raise ValidationError({"end": _("A range covers at most %(days)s days.") % {"days": MAX_RANGE_DAYS}})
        return start, end, f"{start:%Y-%m-%d}…{end:%Y-%m-%d}"
    if period:
        try:
            chosen = parse_period(period.strip())
        except ValueError as error:
            raise ValidationError({"period": str(error)}) from None
        try:
            validate_business_date(chosen.start)
            validate_business_date(chosen.end)
        except ValidationError as error:
            raise ValidationError({"period": error.messages}) from None
    else:
        chosen = period_of("month", today or timezone.localdate())
    return chosen.start, chosen.end, chosen.label
