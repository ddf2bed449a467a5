"""Read side of money: outstanding receivables, ageing, DSO, collection statistics and forecast.

Every figure is one SQL aggregate (``values().annotate()``), never a loop over rows. Today's figures read the
running totals kept by the services (``Instalment.collected_amount``, ``Agreement.collected_amount``); a figure
"as of" a past date starts from those totals and adds back what was allocated by payments received after that
date, which touches only the (few, recent) payments since then instead of the whole history.
"""

import datetime
import functools
import operator
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.contracts.models import (
    Agreement,
    AgreementLine,
    Instalment,
    Invoice,
    MonthlyMoney,
    Payment,
    PaymentAllocation,
)
from salesflow.core.money import to_money
from salesflow.core.periods import parse_period, period_of, whole_months
from salesflow.core.replica import once_per_scope
from salesflow.org.access import visibility_q

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)
RECEIVABLE = (Agreement.Status.ACTIVE, Agreement.Status.COMPLETED)
NOT_SIGNED = (Agreement.Status.DRAFT, Agreement.Status.PENDING)


def _visible(model, user):
    """The rows ``user`` may read; ``user=None`` (the CLI without --user, jobs) reads everything."""
    return model.objects.seen_by(user)


def cents(row: dict) -> dict:
    """Money values of a result row to two places (SQLite returns 0 or 1E+2 for a sum; JSON must read 0.00)."""
    return {k: to_money(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def money_sum(expression):
    return Coalesce(Sum(expression, output_field=MONEY), Value(ZERO), output_field=MONEY)


def outstanding_for_customer(customer) -> Decimal:
    """What the customer still owes on its active and completed agreements (the credit check reads this)."""
    return to_money(Agreement.objects.filter(customer=customer, status__in=RECEIVABLE)
                    .aggregate(total=money_sum(F("amount") - F("collected_amount")))["total"])


# ---------------------------------------------------------------------------------------------------------------
# Outstanding and ageing

GROUPS = {  # group_by -> (path from Agreement, path of the label)
    "agreement": ("id", "number"),
    "customer": ("customer_id", "customer__name"),
    "rep": ("owner_id", "owner__display_name"),
    "team": ("team_id", "team__name"),
    "region": ("region_id", "region__name"),
}


def label_of(prefix: str, label: str):
    """A group's label; a rep is named as everywhere else (display name, else username)."""
    if label == "owner__display_name":
        return Coalesce(NullIf(F(f"{prefix}owner__display_name"), Value("")), F(f"{prefix}owner__username"))
    return F(f"{prefix}{label}")


BUCKETS = ("not_due", "d1_30", "d31_60", "d61_90", "d90_plus")


def rolled_money(user):
    """The month roll-up rows (``MonthlyMoney``) ``user`` may read: attributed like the records, to the agreement's
    owner and team."""
    return MonthlyMoney.objects.all() if user is None else MonthlyMoney.objects.filter(
        visibility_q(user, MonthlyMoney))


def visible_agreements(user):
    return _visible(Agreement, user)


def receivable_agreements(user, as_of=None):
    agreements = visible_agreements(user).filter(status__in=RECEIVABLE)
    if as_of is not None:
        agreements = agreements.filter(signed_on__lte=as_of)
    return agreements


def receivable_instalments(user):
    """The visible instalments of active and completed agreements. Written as "not on one of the (few) agreements
    that are not receivable" so that the director's figures read the open-instalment index alone: a join would
    hash every agreement only to check its status (a hashed subplan over a small partial index instead)."""
    return _visible(Instalment, user).exclude(
        agreement_id__in=Agreement.objects.exclude(status__in=RECEIVABLE).values("pk"))


def _later_allocations(as_of):
    """Per instalment: what payments received after ``as_of`` allocated to it (net of reversals)."""
    return (PaymentAllocation.objects.filter(instalment=OuterRef("pk"), payment__received_on__gt=as_of)
            .values("instalment").annotate(s=Sum("amount")).values("s"))


def open_rows(user, as_of, today):
    """(the instalments that may have money outstanding on ``as_of``, the expression of that amount)."""
    instalments = receivable_instalments(user)
    if as_of is None or as_of >= today:
        # The running totals are today's truth; payments dated in the future are counted as received.
        return instalments.filter(collected_amount__lt=F("amount")), F("amount") - F("collected_amount")
    later = Coalesce(Subquery(_later_allocations(as_of), output_field=MONEY), Value(ZERO), output_field=MONEY)
    recent = PaymentAllocation.objects.filter(payment__received_on__gt=as_of).values("instalment_id")
    return (instalments.filter(agreement__signed_on__lte=as_of)
            .filter(Q(collected_amount__lt=F("amount")) | Q(pk__in=recent)),
            F("amount") - F("collected_amount") + later)


def open_instalments(user, as_of=None, today=None):
    """The instalments with money outstanding on ``as_of`` (default today), annotated with ``open_amount``."""
    today = today or timezone.localdate()
    instalments, amount = open_rows(user, as_of, today)
    return (instalments.annotate(open_amount=ExpressionWrapper(amount, output_field=MONEY))
            .filter(open_amount__gt=0))


def bucket_sums(as_of, amount=None, prefix=""):
    """Sums per ageing bucket of ``amount`` (default the ``open_amount`` annotation); ``prefix`` is the path from
    the rows aggregated to their instalment (``"instalment__"`` for allocations)."""
    amount = F("open_amount") if amount is None else amount
    due = f"{prefix}due_on"
    days = {  # an instalment due on D is 0 days overdue on D, 1 day on D+1, …
        "not_due": Q(**{f"{due}__gte": as_of}),
        "d1_30": Q(**{f"{due}__lt": as_of, f"{due}__gte": as_of - datetime.timedelta(days=30)}),
        "d31_60": Q(**{f"{due}__lt": as_of - datetime.timedelta(days=30),
                       f"{due}__gte": as_of - datetime.timedelta(days=60)}),
        "d61_90": Q(**{f"{due}__lt": as_of - datetime.timedelta(days=60),
                       f"{due}__gte": as_of - datetime.timedelta(days=90)}),
        "d90_plus": Q(**{f"{due}__lt": as_of - datetime.timedelta(days=90)}),
    }
    sums = {name: money_sum(Case(When(condition, then=amount), default=Value(ZERO), output_field=MONEY))
            for name, condition in days.items()}
    sums["total"] = money_sum(amount)
    sums["overdue"] = money_sum(Case(When(Q(**{f"{due}__lt": as_of}), then=amount), default=Value(ZERO),
                                     output_field=MONEY))
    return sums


def ageing(user, as_of=None, group_by=None, *, limit=None) -> dict:
    """Outstanding money in ageing buckets (not yet due, 1–30, 31–60, 61–90, over 90 days overdue) on ``as_of``:
    ``{"as_of", "totals": {bucket: amount, "total", "overdue"}, "rows": [{"key", "label", buckets…}]}``; rows only
    when ``group_by`` is one of agreement, customer, rep, team, region (largest total first).

    Today (or later), in total or per rep or team: from the roll-up of what is still open per month (or day) due
    (:func:`open_by_bucket`). Otherwise from the instalments (:func:`ageing_from_records`); the tests hold the two
    equal."""
    today = timezone.localdate()
    as_of = as_of or today
    if as_of < today or group_by not in ROLLED_GROUPS:
        return ageing_from_records(user, as_of, group_by, limit=limit)
    per_group = open_by_bucket(user, as_of, group_by)
    totals = _bucket_totals()
    for figures in per_group.values():
        for name, value in figures.items():
            totals[name] += value
    rows = []
    if group_by:
        names = _group_names(group_by, [k for k in per_group if k is not None])
        rows = sorted(({"key": key, "label": names.get(key), **cents(figures)}
                       for key, figures in per_group.items() if figures["total"]),
                      key=lambda r: (-r["total"], str(r["key"])))
    return {"as_of": as_of, "group_by": group_by, "totals": cents(totals), "rows": rows[:limit] if limit else rows}


def ageing_from_records(user, as_of=None, group_by=None, *, limit=None) -> dict:
    """:func:`ageing` read from the instalments themselves, for any date and grouping.

    Today: one aggregate over the open instalments (running totals, partial index), grouped when asked (the
    totals are then the sums of the groups unless ``limit`` cut some off). A past date: that same
    aggregate (over agreements signed by then) plus one over the allocations of payments received after it,
    bucketed by their instalment's due date — the money that was still open then — added per group."""
    today = timezone.localdate()
    as_of = as_of or today
    instalments = receivable_instalments(user)
    past = as_of < today
    if past:
        instalments = instalments.filter(agreement__signed_on__lte=as_of)
    parts = [(instalments.filter(collected_amount__lt=F("amount")), F("amount") - F("collected_amount"), "")]
    if past:
        later = PaymentAllocation.objects.filter(instalment__in=instalments.values("pk"),
                                                 payment__received_on__gt=as_of)
        parts.append((later, F("amount"), "instalment__"))
    totals: dict = {}
    merged: dict = {}
    for rows, amount, prefix in parts:
        sums = bucket_sums(as_of, amount, prefix)
        if group_by:
            key, label = GROUPS[group_by]
            grouped = (rows.values(key=F(f"{prefix}agreement__{key}"), label=label_of(f"{prefix}agreement__", label))
                       .annotate(**sums).order_by("-total", "key"))
            # Every instalment is in exactly one group: when all groups are read, the totals are their sums and
            # the aggregate without grouping (a second pass over the same rows) is not needed.
            grouped = list(grouped[:limit + 1] if limit and not past else grouped)
            complete = not (limit and not past and len(grouped) > limit)
            for row in grouped[:limit] if limit and not past else grouped:  # added across the two aggregates
                entry = merged.setdefault(row["key"], {"key": row["key"], "label": row["label"]})
                for name in sums:
                    entry[name] = entry.get(name, ZERO) + row[name]
                    if complete:
                        totals[name] = totals.get(name, ZERO) + row[name]
            if complete:
                for name in sums:  # no group at all: zero totals
                    totals.setdefault(name, ZERO)
                continue
        for name, value in rows.aggregate(**sums).items():
            totals[name] = totals.get(name, ZERO) + value
    rows = sorted((cents(r) for r in merged.values() if r["total"]), key=lambda r: (-r["total"], str(r["key"])))
    return {"as_of": as_of, "group_by": group_by, "totals": cents(totals), "rows": rows[:limit] if limit else rows}


ROLLED_GROUPS = {None: None, "rep": "owner_id", "team": "team_key"}  # group_by -> the roll-up's column


def _bucket_totals() -> dict:
    return dict.fromkeys((*BUCKETS, "total", "overdue"), ZERO)


def _bucket_case(as_of, day: str):
    """SQL naming the ageing bucket of the date column ``day`` on ``as_of`` (the edges of :func:`bucket_sums`)."""
    return Case(*[When(**{f"{day}__gte": as_of - datetime.timedelta(days=days)}, then=Value(name))
                  for name, days in (("not_due", 0), ("d1_30", 30), ("d31_60", 60), ("d61_90", 90))],
                default=Value("d90_plus"))


def cut_months(as_of) -> list[datetime.date]:
    """The months in which a bucket edge falls on ``as_of`` (an edge on the first of a month cuts nothing)."""
    edges = [as_of - datetime.timedelta(days=days) for days in (0, 30, 60, 90)]
    return sorted({edge.replace(day=1) for edge in edges if edge.day != 1})


def open_by_bucket(user, as_of, group_by=None, *, teams=None) -> dict:
    """``{group key: {bucket: amount, "total", "overdue"}}`` of the money still open today that is visible to
    ``user``, by rep or team (``group_by``; one ``None`` key without), on ``as_of`` (today or later), optionally of
    the agreements of ``teams`` (ids). From the roll-up of what is open (``MonthlyMoney``, kept by triggers): a
    month that lies wholly in one bucket from its row per month ("open"), the (at most four) months a bucket edge
    cuts from their rows per day ("open_by_day"). Two aggregates, each grouped by bucket in SQL."""
    if as_of < timezone.localdate():
        raise ValueError("the roll-up holds today's open amounts; a past date needs ageing_from_records()")
    key = ROLLED_GROUPS[group_by]
    rolled = rolled_money(user)
    if teams is not None:
        rolled = rolled.filter(team_key__in=teams)
    cut = cut_months(as_of)
    parts = [rolled.filter(measure=MonthlyMoney.Measure.OPEN).exclude(month__in=cut)]
    ranges: list = []
    for month in cut:  # adjacent months as one range of days: one index range scan
        last = period_of("month", month).end
        if ranges and ranges[-1][1] == month - datetime.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], last)
        else:
            ranges.append((month, last))
    if ranges:
        in_cut = functools.reduce(operator.or_, (Q(month__gte=first, month__lte=last) for first, last in ranges))
        parts.append(rolled.filter(in_cut, measure=MonthlyMoney.Measure.OPEN_BY_DAY))
    result: dict = {}
    for rows in parts:
        grouped = rows.order_by().values(bucket=_bucket_case(as_of, "month"), **({"key": F(key)} if key else {}))
        for row in grouped.annotate(value=Sum("value", output_field=MONEY)):
            figures = result.setdefault(row.get("key") or None, _bucket_totals())  # the roll-up's 0: none
            figures[row["bucket"]] += row["value"]
            figures["total"] += row["value"]
            if row["bucket"] != "not_due":
                figures["overdue"] += row["value"]
    return result


def ageing_totals(user, *, teams=None, as_of=None) -> dict:
    """``ageing(user)["totals"]`` for today (or a later ``as_of``), optionally of the agreements of ``teams`` (ids).
    A home page asks twice (the overdue tile and the ageing panel): within one heavy_reads scope it is read once."""
    return dict(_ageing_totals(user, None if teams is None else tuple(teams), as_of or timezone.localdate()))


@once_per_scope
def _ageing_totals(user, teams, as_of) -> dict:
    return cents(open_by_bucket(user, as_of, teams=teams).get(None, _bucket_totals()))


def _group_names(group_by, keys) -> dict:
    """``{key: name}`` of the teams, regions or reps (display name, else username) ``keys``."""
    from salesflow.org.models import Region, Team, User

    if group_by in ("team", "region"):
        model = Team if group_by == "team" else Region
        return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {user.pk: user.display_name or user.username
            for user in User.objects.filter(pk__in=keys).only("display_name", "username")}


def outstanding(user, by="customer", *, limit=None) -> list[dict]:
    """Outstanding (amount − collected) per agreement, customer, rep, team or region, largest first."""
    key, label = GROUPS[by]
    rows = (receivable_agreements(user).filter(collected_amount__lt=F("amount"))
            .values(key=F(key), label=label_of("", label))
            .annotate(outstanding=money_sum(F("amount") - F("collected_amount")), signed=money_sum("amount"),
                      collected=money_sum("collected_amount"))
            .order_by("-outstanding", "key"))
    return [cents(row) for row in (rows[:limit] if limit else rows)]


def overdue_instalments(user, today=None):
    """Instalments past their due date with money outstanding (for lists, the customer page and reminders)."""
    today = today or timezone.localdate()
    return receivable_instalments(user).filter(due_on__lt=today, collected_amount__lt=F("amount"))


# ---------------------------------------------------------------------------------------------------------------
# DSO

def dso(user, as_of=None, by="team", days=90) -> dict:
    """Days sales outstanding per ``by`` (team, rep, region): receivables on ``as_of`` ÷ amount signed in the
    ``days`` before it × ``days``. Receivables on a past date add back payments received after it."""
    as_of = as_of or timezone.localdate()
    key = GROUPS[by][0]
    agreements = receivable_agreements(user, as_of)
    since = as_of - datetime.timedelta(days=days - 1)
    # Two narrow reads instead of one pass over every receivable agreement: what is open now (a partial index of
    # the agreements not fully collected) and what was signed in the window (by date). Grouped by the key alone,
    # named afterwards: joining the names would cost a probe per agreement (the director's two reads at 1M:
    # 120 + 90 ms -> about 60 + 60).
    open_now = (agreements.filter(collected_amount__lt=F("amount")).values(key=F(key))
                .annotate(v=money_sum(F("amount") - F("collected_amount"))).order_by())
    signed = agreements.filter(signed_on__gte=since).values(key=F(key)).annotate(v=money_sum("amount")).order_by()
    later = (Payment.objects.filter(agreement__in=agreements, received_on__gt=as_of)
             .values(key=F(f"agreement__{key}")).annotate(v=Sum("amount")).order_by())
    per_key: dict = {}
    for measure, grouped in (("receivable", open_now), ("signed", signed), ("receivable", later)):
        for row in grouped:  # one row per team/rep (a handful), not per agreement
            entry = per_key.setdefault(row["key"], {"key": row["key"], "receivable": ZERO, "signed": ZERO})
            entry[measure] += row["v"]
    names = _group_names(by, [k for k in per_key if k is not None])
    names[None] = {"team": _("No team"), "region": _("No region")}.get(by, "—")
    for entry in per_key.values():
        entry["label"] = names.get(entry["key"]) or "—"
    rows, total_receivable, total_signed = [], ZERO, ZERO
    for entry in per_key.values():
        receivable, signed_amount = to_money(entry["receivable"]), to_money(entry["signed"])
        rows.append({**entry, "receivable": receivable, "signed": signed_amount,
                     "dso": _days(receivable, signed_amount, days)})
        total_receivable += receivable
        total_signed += signed_amount
    rows.sort(key=lambda r: (r["dso"] is None, -(r["dso"] or 0), r["key"] is None, r["key"] or 0))
    return {"as_of": as_of, "days": days, "by": by, "rows": rows,
            "total": {"receivable": total_receivable, "signed": total_signed,
                      "dso": _days(total_receivable, total_signed, days)}}


def _days(receivable, signed, days):
    if not signed:
        return None
    return (Decimal(receivable) / Decimal(signed) * days).quantize(Decimal("0.1"))


# ---------------------------------------------------------------------------------------------------------------
# Statistics and forecast

STAT_DIMENSIONS = ("month", "quarter", "year", "team", "rep", "region", "customer", "product")


def _period(period):
    if period is None:
        return period_of("year", timezone.localdate())
    return parse_period(period) if isinstance(period, str) else period


# the roll-up's twins not split by region: the statistics by date group over every region
ROLLED_STATS = {MonthlyMoney.Measure.SIGNED_ANY_REGION: "signed",
                MonthlyMoney.Measure.COLLECTED_ANY_REGION: "collected",
                MonthlyMoney.Measure.INVOICED_ANY_REGION: "invoiced"}


def collection_stats(user, period=None, by="month", *, rollup=True) -> dict:
    """Signed, collected and invoiced amounts and the collection rate (collected ÷ signed) in ``period`` (a
    Period or a label such as 2026, 2026-Q3, 2026-07; default this year), per ``by``: month, quarter or year
    (the business date of each figure), team, rep, region, customer or product (split by agreement lines).

    By month, quarter or year over whole months, the sums come from the month roll-up (``MonthlyMoney``: the same
    signed agreements, payments and issued invoices, kept by triggers); ``rollup=False`` reads the records."""
    if by not in STAT_DIMENSIONS:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(STAT_DIMENSIONS)}")
    period = _period(period)
    agreements = visible_agreements(user).exclude(status__in=NOT_SIGNED)
    signed_qs = agreements.filter(signed_on__range=(period.start, period.end))
    # Payments and invoices exist only on signed agreements (the services refuse them on a draft or pending one,
    # and a signed agreement never goes back): visibility is their only filter, no join over every agreement.
    payments = _visible(Payment, user).filter(received_on__range=(period.start, period.end))
    invoices = _visible(Invoice, user).filter(status=Invoice.Status.ISSUED,
                                              issued_on__range=(period.start, period.end))
    if by == "product":
        lines = AgreementLine.objects.filter(agreement__in=agreements)
        # Multiply before dividing (SQLite divides whole-number decimals as integers); 1.0 keeps it fractional.
        def share(measure):
            return F(measure) * F("amount") * Value(Decimal("1.0")) / NullIf(F("agreement__amount"), Value(ZERO))
        signed = (lines.filter(agreement__signed_on__range=(period.start, period.end))
                  .values(key=F("product_id"), label=F("product__name")).annotate(v=money_sum("amount")))
        collected = (lines.filter(agreement__payments__received_on__range=(period.start, period.end))
                     .values(key=F("product_id"), label=F("product__name"))
                     .annotate(v=money_sum(share("agreement__payments__amount"))))
        invoiced = (lines.filter(agreement__invoices__status=Invoice.Status.ISSUED,
                                 agreement__invoices__issued_on__range=(period.start, period.end))
                    .values(key=F("product_id"), label=F("product__name"))
                    .annotate(v=money_sum(share("agreement__invoices__amount"))))
    elif by in ("month", "quarter", "year") and rollup and whole_months(period.start, period.end):
        signed, collected, invoiced = _stats_from_rollup(user, period, by)
    elif by in ("month", "quarter", "year"):
        trunc = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}[by]
        signed = signed_qs.values(key=trunc("signed_on")).annotate(v=money_sum("amount"))
        collected = payments.values(key=trunc("received_on")).annotate(v=money_sum("amount"))
        invoiced = invoices.values(key=trunc("issued_on")).annotate(v=money_sum("amount"))
    else:
        key, label = GROUPS[by]
        signed = signed_qs.values(key=F(key), label=label_of("", label)).annotate(v=money_sum("amount"))
        collected = payments.values(key=F(f"agreement__{key}"), label=label_of("agreement__", label)).annotate(
            v=money_sum("amount"))
        invoiced = invoices.values(key=F(f"agreement__{key}"), label=label_of("agreement__", label)).annotate(
            v=money_sum("amount"))
    merged: dict = {}
    for measure, rows in (("signed", signed), ("collected", collected), ("invoiced", invoiced)):
        for row in rows.order_by() if isinstance(rows, QuerySet) else rows:  # one row per group: merged here
            key = row["key"]
            if isinstance(key, datetime.datetime):
                key = key.date()
            entry = merged.setdefault(key, {"key": key, "label": _label(by, key, row.get("label")),
                                            "signed": ZERO, "collected": ZERO, "invoiced": ZERO})
            entry[measure] = to_money(row["v"])
    rows = sorted(merged.values(), key=lambda r: (str(r["key"]) if by in ("month", "quarter", "year")
                                                  else -r["signed"], str(r["label"])))
    for row in rows:
        row["rate"] = _rate(row["collected"], row["signed"])
    if by == "product":  # a line's share of a payment is rounded per product: the totals are the documents'
        totals = cents({"signed": signed_qs.aggregate(v=money_sum("amount"))["v"],
                        "collected": payments.aggregate(v=money_sum("amount"))["v"],
                        "invoiced": invoices.aggregate(v=money_sum("amount"))["v"]})
    else:  # every document falls in exactly one group: the totals are the sums of the grouped rows
        totals = {m: to_money(sum((r[m] for r in rows), ZERO)) for m in ("signed", "collected", "invoiced")}
    totals["rate"] = _rate(totals["collected"], totals["signed"])
    return {"period": period.label, "by": by, "rows": rows, "totals": totals}


def _stats_from_rollup(user, period, by) -> list[list[dict]]:
    """Signed, collected and invoiced ``[{"key": first day of the month, quarter or year, "v": sum}]`` of
    ``period`` (whole months) from the month roll-up."""
    sums: dict = {measure: {} for measure in ROLLED_STATS.values()}
    rows = (rolled_money(user).filter(measure__in=list(ROLLED_STATS), month__range=(period.start, period.end))
            .values("measure", "month").annotate(v=Sum("value")).order_by())
    for row in rows:
        start = period_of(by, row["month"]).start
        figures = sums[ROLLED_STATS[row["measure"]]]
        figures[start] = figures.get(start, ZERO) + row["v"]
    return [[{"key": key, "v": v} for key, v in sums[measure].items()] for measure in ROLLED_STATS.values()]


def _label(by, key, label):
    if by in ("month", "quarter", "year") and isinstance(key, datetime.date):
        return period_of(by, key).label
    if label:
        return str(label)
    return "—" if key is None else str(key)


def _rate(collected, signed):
    if not signed:
        return None
    return (Decimal(collected) / Decimal(signed) * 100).quantize(Decimal("0.1"))


def collection_forecast(user, months=3, today=None, *, rollup=True) -> dict:
    """Per month from this one: instalments due (planned), already collected on them, and still to collect;
    plus what is overdue from before this month. Read from the month roll-up's ``planned`` and ``open`` (kept by
    triggers; collected = planned − open); ``rollup=False`` reads the instalments."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    periods = []
    start = first
    for _i in range(months):
        period = period_of("month", start)
        periods.append(period)
        start = period.end + datetime.timedelta(days=1)
    figures = _forecast_from_rollup(user, periods) if rollup else _forecast_from_records(user, periods)
    rows = [{"month": p.label, "start": p.start, "end": p.end, "planned": figures[f"p{i}"],
             "collected": figures[f"c{i}"], "outstanding": figures[f"p{i}"] - figures[f"c{i}"]}
            for i, p in enumerate(periods)]
    return {"today": today, "overdue_before": figures["overdue"], "rows": rows}


def _forecast_from_rollup(user, periods) -> dict:
    first, last = periods[0].start, periods[-1].start
    open_, planned = MonthlyMoney.Measure.OPEN, MonthlyMoney.Measure.PLANNED
    wanted = Q(measure=open_, month__lte=last) | Q(measure=planned, month__range=(first, last))
    rows = (rolled_money(user).filter(wanted)
            .values("measure", "month").annotate(v=Sum("value")).order_by())
    got = {(row["measure"], row["month"]): row["v"] for row in rows}
    figures = {"overdue": sum((v for (measure, month), v in got.items() if measure == open_ and month < first),
                              ZERO)}
    for i, period in enumerate(periods):
        figures[f"p{i}"] = got.get((planned, period.start), ZERO)
        figures[f"c{i}"] = figures[f"p{i}"] - got.get((open_, period.start), ZERO)
    return cents(figures)


def _forecast_from_records(user, periods) -> dict:
    first = periods[0].start
    instalments = receivable_instalments(user)
    sums = {f"p{i}": money_sum(Case(When(due_on__range=(p.start, p.end), then=F("amount")), default=Value(ZERO),
                               output_field=MONEY)) for i, p in enumerate(periods)}
    sums.update({f"c{i}": money_sum(Case(When(due_on__range=(p.start, p.end), then=F("collected_amount")),
                                    default=Value(ZERO), output_field=MONEY)) for i, p in enumerate(periods)})
    sums["overdue"] = money_sum(Case(When(due_on__lt=first, then=F("amount") - F("collected_amount")),
                                default=Value(ZERO), output_field=MONEY))
    figures = instalments.filter(Q(due_on__lt=first, collected_amount__lt=F("amount"))
                                 | Q(due_on__range=(first, periods[-1].end))).aggregate(**sums)
    return cents(figures)
