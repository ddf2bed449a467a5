"""The figures the system computes per person over a span of days: what targets measure, KPIs score, leaderboards
rank and commission pays on. Each figure is defined once here — the rows behind it, who owns them, how they add up —
and everything reads it through :func:`actuals` (per owner, in one grouped query) or :func:`records` (the rows
behind a figure, for drill-down; their count and sum equal the figure).

Attribution: a figure belongs to the record's owner (the rep); a team's figure is the sum over the people in it.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, Func, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salesflow.activities.models import Activity
from salesflow.contracts.models import Agreement, AgreementLine, MonthlyMoney, Payment, Quotation
from salesflow.contracts.receivables.selectors import NOT_SIGNED
from salesflow.core.periods import aware_bounds, whole_months
from salesflow.customers.models import Customer
from salesflow.pipeline.models import Opportunity

AMOUNT, COUNT = "amount", "count"


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    unit: str  # AMOUNT (元) or COUNT
    rows: Callable[[datetime.date, datetime.date], QuerySet]  # the records behind the figure in [first, last] day
    owner: str  # path from those records to the owning user
    total: Callable[[], object]  # the aggregate over them (Sum / Count)


FIGURES: dict[str, Figure] = {}


def figure(key: str, label, unit: str, owner: str = "owner", total=None):
    """Register the function that returns a figure's rows; ``total`` defaults to counting them (COUNT(*): the same
    number as COUNT(id), which PostgreSQL can answer from a covering index that does not hold the id)."""

    def decorator(rows):
        FIGURES[key] = Figure(key, label, unit, rows, owner, total or (lambda: Count("*")))
        return rows

    return decorator


def get(key: str) -> Figure:
    try:
        return FIGURES[key]
    except KeyError:
        raise KeyError(f"unknown figure {key!r}; known: {', '.join(sorted(FIGURES))}") from None


def choices() -> list[tuple[str, Promise]]:
    return [(f.key, f.label) for f in FIGURES.values()]


def records(key: str, first: datetime.date, last: datetime.date, owners: Iterable[int] | None = None) -> QuerySet:
    """The rows behind figure ``key`` in [first, last], optionally only those owned by ``owners`` (user ids).
    Callers showing them to a person add ``.visible_to(user)``."""
    fig = get(key)
    rows = fig.rows(first, last)
    if owners is not None:
        rows = rows.filter(**{f"{fig.owner}__in": list(owners)})
    return rows


def actuals(key: str, first: datetime.date, last: datetime.date,
            owners: Iterable[int] | None = None, dimension: str = "") -> dict[int, Decimal]:
    """Figure ``key`` per owner (user id) over [first, last], in one grouped query. Owners without rows are absent.
    With ``dimension`` (``class:A``, ``region:<id>``, ``series:<name>``) only the rows of that value count, where
    the figure supports that dimension (:data:`DIMENSIONS`; otherwise ValueError)."""
    if dimension:
        key = dimension_figure(key, dimension.partition(":")[0])
    elif key in ROLLED_UP and whole_months(first, last):
        return _rolled_up(key, first, last, owners)
    fig = get(key)
    rows = records(key, first, last, owners)
    if dimension:
        rows = rows.filter(dimension_filter(key, dimension))
    grouped = (rows.order_by().values(fig.owner)
               .annotate(value=Coalesce(fig.total(), Value(0), output_field=DecimalField(max_digits=22,
                                                                                        decimal_places=2))))
    return {row[fig.owner]: Decimal(row["value"]) for row in grouped if row[fig.owner] is not None}


# Figures the contracts keep per month and owner (MonthlyMoney, by database triggers): over whole months they are
# summed from that roll-up, a few rows per person and month, instead of from every agreement or payment.
ROLLED_UP = {"signed_amount": ("signed", "value"), "signed_count": ("signed", "n"),
             "collected_amount": ("collected", "value")}


def _rolled_up(key: str, first: datetime.date, last: datetime.date, owners: Iterable[int] | None):
    measure, column = ROLLED_UP[key]
    cells = MonthlyMoney.objects.filter(measure=measure, month__gte=first, month__lte=last, n__gt=0)
    cells = cells.exclude(owner_id=0) if owners is None else cells.filter(owner_id__in=list(owners))
    grouped = cells.values("owner_id").annotate(value=Sum(column)).order_by()
    return {row["owner_id"]: Decimal(row["value"]) for row in grouped}


def total(key: str, first: datetime.date, last: datetime.date, owners: Iterable[int] | None = None) -> Decimal:
    return sum(actuals(key, first, last, owners).values(), Decimal(0))


# --- the figures -------------------------------------------------------------------------------------------------

def _money():
    return DecimalField(max_digits=22, decimal_places=2)


@figure("signed_amount", _("Signed amount"), AMOUNT, total=lambda: Sum("amount"))
def _signed(first, last):
    return Agreement.objects.exclude(status__in=NOT_SIGNED).filter(signed_on__gte=first, signed_on__lte=last)


@figure("signed_count", _("Agreements signed"), COUNT)
def _signed_count(first, last):
    return _signed(first, last)


@figure("collected_amount", _("Collected amount"), AMOUNT, owner="agreement__owner", total=lambda: Sum("amount"))
def _collected(first, last):
    """Payments received in the span; a reversal is a negative row on its own date, so it is never counted twice."""
    return Payment.objects.filter(received_on__gte=first, received_on__lte=last)


@figure("won_amount", _("Won amount"), AMOUNT, total=lambda: Sum("amount"))
def _won(first, last):
    start, end = aware_bounds(first, last)
    return Opportunity.objects.won().filter(closed_at__gte=start, closed_at__lt=end)


@figure("won_count", _("Opportunities won"), COUNT)
def _won_count(first, last):
    return _won(first, last)


@figure("new_customers", _("New customers"), COUNT)
def _new_customers(first, last):
    start, end = aware_bounds(first, last)
    return Customer.objects.filter(created_at__gte=start, created_at__lt=end)


@figure("gross_margin", _("Gross margin"), AMOUNT, owner="agreement__owner",
        total=lambda: Sum(ExpressionWrapper(F("amount") - F("quantity") * Coalesce(F("product__cost"), Value(0)),
                                            output_field=_money())))
def _gross_margin(first, last):
    """Lines of agreements signed in the span: net amount (after discount, before tax) minus quantity × unit cost."""
    return AgreementLine.objects.exclude(agreement__status__in=NOT_SIGNED).filter(
        agreement__signed_on__gte=first, agreement__signed_on__lte=last)


@figure("visits", _("Visits"), COUNT)
def _visits(first, last):
    start, end = aware_bounds(first, last)
    return Activity.objects.filter(kind=Activity.Kind.VISIT, occurred_at__gte=start, occurred_at__lt=end)


@figure("followups", _("Follow-ups"), COUNT)
def _followups(first, last):
    start, end = aware_bounds(first, last)
    return Activity.objects.filter(occurred_at__gte=start, occurred_at__lt=end)


# --- figures the KPIs read (process, development) ------------------------------------------------------------------

class DaysBetween(Func):
    """Days (fractional) from ``start`` to ``end`` (two timestamps): the one cross-database spelling of it."""

    output_field = DecimalField(max_digits=22, decimal_places=6)

    def __init__(self, start, end):
        super().__init__(start, end)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(",
                           **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::numeric", arg_joiner=" - ",
                           **extra)


@figure("quotations_sent", _("Quotations sent"), COUNT)
def _quotations_sent(first, last):
    start, end = aware_bounds(first, last)
    return Quotation.objects.filter(sent_at__gte=start, sent_at__lt=end)


@figure("lost_count", _("Opportunities lost"), COUNT)
def _lost_count(first, last):
    start, end = aware_bounds(first, last)
    return Opportunity.objects.lost().filter(closed_at__gte=start, closed_at__lt=end)


@figure("closed_count", _("Opportunities closed (won or lost)"), COUNT)
def _closed_count(first, last):
    start, end = aware_bounds(first, last)
    return Opportunity.objects.filter(status__in=[Opportunity.Status.WON, Opportunity.Status.LOST],
                                      closed_at__gte=start, closed_at__lt=end)


@figure("won_cycle_days", _("Days from opening to winning"), COUNT,
        total=lambda: Sum(DaysBetween(F("closed_at"), F("created_at"))))
def _won_cycle_days(first, last):
    """Opportunities won in the span; the figure adds up each one's days from creation to close."""
    return _won(first, last)


@figure("customers_owned", _("Customers owned"), COUNT)
def _customers_owned(first, last):
    """Customers on a rep's book at the end of the span (created before its end)."""
    _start, end = aware_bounds(first, last)
    return Customer.objects.filter(created_at__lt=end)


@figure("customers_contacted", _("Customers followed up"), COUNT)
def _customers_contacted(first, last):
    """Customers on the book with at least one activity in the span (follow-up coverage's numerator)."""
    start, end = aware_bounds(first, last)
    touched = Activity.objects.filter(customer=OuterRef("pk"), occurred_at__gte=start, occurred_at__lt=end)
    return Customer.objects.filter(created_at__lt=end).filter(Exists(touched))


def _signed_for_customer(first=None, last=None):
    rows = Agreement.objects.exclude(status__in=NOT_SIGNED).filter(customer=OuterRef("pk"))
    if first is not None:
        rows = rows.filter(signed_on__gte=first)
    if last is not None:
        rows = rows.filter(signed_on__lte=last)
    return rows


@figure("customers_signed", _("Customers who signed"), COUNT)
def _customers_signed(first, last):
    """Customers with an agreement signed in the span."""
    return Customer.objects.filter(Exists(_signed_for_customer(first, last)))


@figure("customers_retained", _("Returning customers who signed"), COUNT)
def _customers_retained(first, last):
    """Customers with an agreement signed in the span who had signed one before it (retention's numerator)."""
    return Customer.objects.filter(Exists(_signed_for_customer(first, last)),
                                   Exists(_signed_for_customer(last=first - datetime.timedelta(days=1))))


@figure("key_account_signed_amount", _("Signed amount from A-class customers"), AMOUNT, total=lambda: Sum("amount"))
def _key_account_signed(first, last):
    return _signed(first, last).filter(customer__customer_class=Customer.Class.A)


# --- dimensions: a figure by region, product series or customer class ----------------------------------------------

@figure("signed_line_amount", _("Signed amount (agreement lines)"), AMOUNT, owner="agreement__owner",
        total=lambda: Sum("amount"))
def _signed_lines(first, last):
    """Lines of agreements signed in the span (net of discount, before tax): signed amount split by product series.
    Their sum is the agreements' amount only where every line names a product and tax is nil."""
    return _gross_margin(first, last)


DIMENSION_KINDS = {"region": _("region"), "series": _("product series"), "class": _("customer class")}

# Which figure supports which dimension, and the path from its rows to the value: (figure, kind) -> (figure whose
# rows are filtered, lookup). signed_amount by series reads the agreement lines (an agreement is not of one series);
# collected amounts, won opportunities and activities have no product, so they are not split by series.
DIMENSIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("signed_amount", "class"): ("signed_amount", "customer__customer_class"),
    ("signed_amount", "region"): ("signed_amount", "customer__region__path"),
    ("signed_amount", "series"): ("signed_line_amount", "product__series"),
    ("signed_count", "class"): ("signed_count", "customer__customer_class"),
    ("signed_count", "region"): ("signed_count", "customer__region__path"),
    ("collected_amount", "class"): ("collected_amount", "agreement__customer__customer_class"),
    ("collected_amount", "region"): ("collected_amount", "agreement__customer__region__path"),
    ("won_amount", "class"): ("won_amount", "customer__customer_class"),
    ("won_amount", "region"): ("won_amount", "customer__region__path"),
    ("won_count", "class"): ("won_count", "customer__customer_class"),
    ("won_count", "region"): ("won_count", "customer__region__path"),
    ("new_customers", "class"): ("new_customers", "customer_class"),
    ("new_customers", "region"): ("new_customers", "region__path"),
    ("gross_margin", "class"): ("gross_margin", "agreement__customer__customer_class"),
    ("gross_margin", "region"): ("gross_margin", "agreement__customer__region__path"),
    ("gross_margin", "series"): ("gross_margin", "product__series"),
    ("visits", "class"): ("visits", "customer__customer_class"),
    ("visits", "region"): ("visits", "customer__region__path"),
}


def supports(key: str, kind: str) -> bool:
    return (key, kind) in DIMENSIONS


def dimension_figure(key: str, kind: str) -> str:
    if (key, kind) not in DIMENSIONS:
        kinds = [str(DIMENSION_KINDS[k]) for (f, k) in DIMENSIONS if f == key]
        raise ValueError(_("%(figure)s cannot be split by %(kind)s (it can by: %(kinds)s).")
                         % {"figure": get(key).label, "kind": DIMENSION_KINDS.get(kind, kind),
                            "kinds": ", ".join(kinds) or "—"})
    return DIMENSIONS[(key, kind)][0]


def dimension_filter(key: str, dimension: str):
    """The Q of one dimension value on the rows of ``key`` (already the figure :func:`dimension_figure` chose): a
    region counts its sub-regions (path prefix)."""
    from django.db.models import Q

    from salesflow.org.models import Region

    kind, _sep, value = dimension.partition(":")
    lookup = next(path for (f, k), (g, path) in DIMENSIONS.items() if k == kind and g == key)
    if kind == "region":
        region_path = Region.objects.filter(pk=int(value)).values_list("path", flat=True).first() or "\0"
        return Q(**{f"{lookup}__startswith": region_path})
    return Q(**{lookup: value})
