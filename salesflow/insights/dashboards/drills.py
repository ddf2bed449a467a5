"""The figures a dashboard shows, each defined by the rows behind it. A dashboard number is the aggregate of
:func:`rows` for its scope; the records page lists the same :func:`rows` — so a figure and the list it clicks through
to always have the same count and sum.

Money and counts over time come from ``performance.figures`` (signed, collected, won: the one definition the targets,
KPIs and commission use); this module adds the scope (viewer, team, region, product series) and the grouping.

A figure over whole months (a year, quarter or month) of money the contracts roll up per month
(``contracts.MonthlyMoney``, kept by database triggers) is summed from that roll-up — a few rows per person and month
instead of every record (:func:`tally`); so is the won amount, from the won deals' roll-up (``pipeline.WonMonthly``,
by owner and team only: a figure filtered or grouped by region reads the deals). The records page always lists the
rows themselves, and the tests hold the two equal."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salesflow.contracts.models import Instalment, Invoice, MonthlyMoney
from salesflow.contracts.receivables.selectors import rolled_money
from salesflow.core.periods import whole_months
from salesflow.core.replica import once_per_scope
from salesflow.org.models import Region, Team, User
from salesflow.performance import figures
from salesflow.pipeline.models import WonMonthly

from .scope import Scope

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Drill:
    key: str
    label: Promise
    rows: Callable[[datetime.date, datetime.date], QuerySet]  # the records in [first, last], before any scope
    day: str  # the business date (or timestamp) that places a record in a month
    owner: str  # path to the owning user
    region: str | None  # path to the record's region; None: the figure cannot be filtered by region
    series: str | None = None  # path to the product series; None: not filterable by product
    amount: str | None = "amount"  # summed field; None: a count
    visible_via: str = ""  # path to a model with visible_to() when the rows' own model has none
    link: str = ""  # path to the record a line links to ("" the row itself)
    rollup: str = ""  # the MonthlyMoney measure that holds the rows per month ("" none)
    won_rollup: bool = False  # the rows per month are in WonMonthly (not split by region)


def _signed_lines(first, last):
    return figures.records("gross_margin", first, last)  # the lines of agreements signed in the span


def _due(first, last):
    return Instalment.objects.filter(due_on__gte=first, due_on__lte=last)


def _invoiced(first, last):
    return Invoice.objects.filter(status=Invoice.Status.ISSUED, issued_on__gte=first, issued_on__lte=last)


DRILLS = {d.key: d for d in (
    Drill("signed", _("Signed amount"), lambda f, l: figures.records("signed_amount", f, l), "signed_on",  # noqa: E741
          "owner", "region", rollup=MonthlyMoney.Measure.SIGNED),
    Drill("collected", _("Collected amount"), lambda f, l: figures.records("collected_amount", f, l),  # noqa: E741
          "received_on", "agreement__owner", "agreement__region", link="agreement",
          rollup=MonthlyMoney.Measure.COLLECTED),
    Drill("won", _("Won amount"), lambda f, l: figures.records("won_amount", f, l), "closed_at",  # noqa: E741
          "owner", "customer__region", won_rollup=True),
    Drill("product_lines", _("Signed amount by product (lines, before tax)"), _signed_lines, "agreement__signed_on",
          "agreement__owner", "agreement__region", series="product__series", visible_via="agreement",
          link="agreement", rollup=MonthlyMoney.Measure.PRODUCT_LINES),
    Drill("due", _("Instalments due (payment plan)"), _due, "due_on", "agreement__owner", "agreement__region",
          link="agreement", rollup=MonthlyMoney.Measure.DUE),
    Drill("invoiced", _("Invoices issued"), _invoiced, "issued_on", "agreement__owner", "agreement__region",
          link="agreement", rollup=MonthlyMoney.Measure.INVOICED),
)}


def get(key: str) -> Drill:
    return DRILLS[key]


def rows(drill: Drill, scope: Scope, first: datetime.date | None = None, last: datetime.date | None = None,
         *, by_team: Team | None = None, by_region: Region | None = None, by_series: str | None = None) -> QuerySet:
    """The records behind ``drill`` for ``scope`` (its period unless ``first``/``last`` narrow it; ``by_team``,
    ``by_region`` and ``by_series`` narrow it further, as a click on one bar does)."""
    qs = drill.rows(first or scope.period.start, last or scope.period.end)
    if drill.visible_via:
        model = qs.model._meta.get_field(drill.visible_via).related_model
        qs = qs.filter(**{f"{drill.visible_via}__in": model.objects.visible_to(scope.user).values("pk")})
    else:
        qs = qs.visible_to(scope.user)
    if scope.owners is not None:
        qs = qs.filter(**{f"{drill.owner}__in": scope.owners})
    if by_team is not None:
        qs = qs.filter(**{f"{drill.owner}__team__path__startswith": by_team.path})
    if drill.region is not None:
        for chosen in (scope.region, by_region):
            if chosen is not None:
                qs = qs.filter(**{f"{drill.region}__path__startswith": chosen.path})
    if drill.series is not None:
        for chosen in (scope.series, by_series):
            if chosen:
                qs = qs.filter(**{drill.series: chosen})
    return qs


def tally(drill: Drill, scope: Scope, first: datetime.date | None = None, last: datetime.date | None = None,
          *, by_team: Team | None = None, by_region: Region | None = None, by_series: str | None = None,
          regional: bool = True) -> QuerySet:
    """What a figure adds up: the same records as :func:`rows` (same scope, same narrowing), as their month roll-up
    rows when the span is whole months and the drill has one, else the records. Sum it with :func:`total`,
    :func:`by_month` or :func:`by_field`. ``regional=False``: the caller will not group the rows by region, so
    without a region filter they may come from the measure's twin not split by region (far fewer rows)."""
    first, last = first or scope.period.start, last or scope.period.end
    any_region = not regional and scope.region is None and by_region is None
    if drill.won_rollup and any_region and whole_months(first, last) and WonMonthly.usable():
        qs = WonMonthly.objects.seen_by(scope.user).filter(month__gte=first, month__lte=last)
    elif drill.rollup and whole_months(first, last):
        measure = drill.rollup
        if any_region:
            measure = MonthlyMoney.without_region(measure) or measure
        qs = rolled_money(scope.user).filter(measure=measure, month__gte=first, month__lte=last)
    else:
        return rows(drill, scope, first, last, by_team=by_team, by_region=by_region, by_series=by_series)
    if scope.owners is not None:
        qs = qs.filter(owner_id__in=scope.owners)
    if by_team is not None:
        qs = qs.filter(owner_id__in=User.objects.filter(team__path__startswith=by_team.path).values("pk"))
    for chosen in (scope.region, by_region):
        if chosen is not None:
            qs = qs.filter(region_id__in=Region.objects.filter(path__startswith=chosen.path).values("pk"))
    if drill.series is not None:
        for chosen in (scope.series, by_series):
            if chosen:
                qs = qs.filter(series=chosen)
    return qs


def _rolled(queryset: QuerySet) -> bool:
    return queryset.model in (MonthlyMoney, WonMonthly)


def aggregate(drill: Drill, rolled: bool = False):
    """The figure's sum (or count) over the records, or over their roll-up rows (``rolled``)."""
    if drill.amount is None and not rolled:
        return _count(False)
    return Coalesce(Sum("value" if rolled else drill.amount), Value(ZERO),
                    output_field=DecimalField(max_digits=22, decimal_places=2))


def _count(rolled: bool):
    # COUNT(*), not COUNT(id): the same number, and PostgreSQL can answer it from an index without the id (the won
    # deals of a quarter at 1M: 151 ms -> 52 ms)
    return Coalesce(Sum("n"), 0) if rolled else Count("*")


def total(drill: Drill, queryset: QuerySet) -> dict:
    """``{"count", "value"}`` of the rows: what a figure shows and its records page repeats."""
    rolled = _rolled(queryset)
    result = queryset.aggregate(count=_count(rolled), value=aggregate(drill, rolled))
    return {"count": result["count"], "value": result["value"]}


def by_month(drill: Drill, queryset: QuerySet) -> dict[datetime.date, Decimal]:
    rolled = _rolled(queryset)
    month = F("month") if rolled else TruncMonth(drill.day)
    grouped = queryset.order_by().values(key=month).annotate(value=aggregate(drill, rolled))
    result = {}
    for row in grouped:
        key = row["key"].date() if isinstance(row["key"], datetime.datetime) else row["key"]
        result[key] = row["value"]
    return result


def by_field(drill: Drill, queryset: QuerySet, path: str) -> dict:
    """The figure per value of ``path`` (the owner's team, the region or the product series)."""
    if not _rolled(queryset):
        grouped = queryset.order_by().values(key=F(path)).annotate(value=aggregate(drill), count=_count(False))
        return {row["key"]: {"value": row["value"], "count": row["count"]} for row in grouped}
    if path == f"{drill.owner}__team":  # the roll-up keeps the owner: their team is looked up as the records' is
        grouped = queryset.order_by().values(owner=F("owner_id")).annotate(value=aggregate(drill, True),
                                                                           count=_count(True))
        teams = dict(User.objects.filter(pk__in=[r["owner"] for r in grouped]).values_list("pk", "team_id"))
        result: dict = {}
        for row in grouped:
            entry = result.setdefault(teams.get(row["owner"]), {"value": ZERO, "count": 0})
            entry["value"] += row["value"]
            entry["count"] += row["count"]
        return result
    column = {drill.region: "region_id", drill.series: "series"}[path]
    grouped = queryset.order_by().values(key=F(column)).annotate(value=aggregate(drill, True), count=_count(True))
    return {(row["key"] or None): {"value": row["value"], "count": row["count"]} for row in grouped}


@once_per_scope
def divisions(model) -> list:
    """The nodes a director compares side by side: the top of the tree (Team or Region), or — when the tree has a
    single root such as "sales centre" or "all of China" — the first level that has more than one node. Read once
    per page (several panels compare the same divisions)."""
    nodes = list(model.objects.filter(parent__isnull=True).order_by("name"))
    while len(nodes) == 1:
        children = list(model.objects.filter(parent=nodes[0]).order_by("name"))
        if not children:
            break
        nodes = children
    return nodes


def by_division(drill: Drill, queryset: QuerySet, model, path: str) -> list[dict]:
    """The figure per division (see :func:`divisions`; ``path`` leads from the rows to a Team or Region id): a
    division holds all its sub-nodes. Rows outside every division (no team or region) are left out."""
    leaves = by_field(drill, queryset, path)
    nodes = divisions(model)
    paths = dict(model.objects.filter(pk__in=[k for k in leaves if k is not None]).values_list("pk", "path"))
    result = [{"node": node, "value": ZERO, "count": 0} for node in nodes]
    for leaf, figure in leaves.items():
        for entry in result:
            if leaf is not None and paths[leaf].startswith(entry["node"].path):
                entry["value"] += figure["value"]
                entry["count"] += figure["count"]
                break
    return sorted(result, key=lambda r: (-r["value"], r["node"].name))

class Narrowing(forms.Form):
    """What a click on one bar or point adds to the dashboard's scope: a span of days, a division, a region or a
    product series."""

    first = forms.DateField(required=False)
    last = forms.DateField(required=False)
    by_team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    by_region = forms.ModelChoiceField(queryset=Region.objects.all(), required=False)
    by_series = forms.CharField(required=False, max_length=60)

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            raise ValidationError({"last": _("The end of the period is before its start.")})
        return data


def narrowing(params) -> dict:
    form = Narrowing({k: params.get(k) for k in Narrowing.base_fields if params.get(k) not in (None, "")})
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


def listed(drill: Drill, queryset: QuerySet) -> QuerySet:
    """The rows ready for the records page: newest first, with what each line shows joined."""
    related = [path for path in (drill.owner, drill.link) if path]
    return queryset.select_related(*related).order_by(f"-{drill.day}", "-pk")


def describe(drill: Drill, row) -> dict:
    """One line of the records page: its date, what it is (with a link), whose it is and its amount."""
    target = row
    for part in drill.link.split("__") if drill.link else ():
        target = getattr(target, part)
    owner = row
    for part in drill.owner.split("__"):
        owner = getattr(owner, part)
    day = row
    for part in drill.day.split("__"):
        day = getattr(day, part)
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    return {"day": day, "label": str(row), "url": target.get_absolute_url(), "owner": owner,
            "amount": getattr(row, drill.amount) if drill.amount else None}
