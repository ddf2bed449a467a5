"""The pre-filled figures of a work report: what a group of people did in a run of days.

One function, :func:`period_figures`, fills a rep's daily / weekly / monthly report and a manager's team summary
alike; :func:`figures_by_owner` gives the same figures per person (the summary's rows). Every figure is a database
aggregate over the owners' records (about ten queries whatever the number of rows), counted on local days
``start`` … ``end`` (inclusive). The result is plain JSON (counts as int, money as a "1234.50" string) because a
submitted report freezes it into ``WorkReport.figures``.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Case, Count, F, Q, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.contracts.models import Agreement, Payment, Quotation
from salesflow.contracts.receivables.selectors import MONEY, RECEIVABLE, money_sum
from salesflow.core.money import to_money
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.pipeline.models import Opportunity, StageChange

from ..models import Activity, Task, VisitPlan

FOLLOWUP_KINDS = [kind for kind in Activity.Kind.values if kind != Activity.Kind.VISIT]

# The figures in the order a report shows them: key, label, money?
FIGURES = [
    ("visits_planned", _("Visits planned"), False),
    ("visits_done", _("Visits done"), False),
    ("followups", _("Follow-ups"), False),
    ("customers_touched", _("Customers touched"), False),
    ("new_customers", _("New customers"), False),
    ("new_leads", _("New leads"), False),
    ("opportunities_created", _("Opportunities created"), False),
    ("opportunities_moved", _("Opportunities moved to another stage"), False),
    ("won", pgettext_lazy("report figure", "Opportunities won"), False),
    ("won_amount", _("Amount won"), True),
    ("lost", pgettext_lazy("report figure", "Opportunities lost"), False),
    ("quotations_sent", _("Quotations sent"), False),
    ("agreements_signed", _("Contracts / orders signed"), False),
    ("agreements_amount", _("Amount signed"), True),
    ("collected", _("Money collected (net of reversals)"), True),
    ("tasks_done", _("Tasks done"), False),
    ("tasks_overdue", _("Tasks overdue at the end of the period"), False),
]
MONEY_KEYS = {key for key, _label, is_money in FIGURES if is_money}


def local_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """``[start 00:00, end + 1 day 00:00)`` in local time, as aware datetimes."""
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return first, after


def _grouped(queryset, owner_path: str, per_owner: bool, **aggregates) -> dict:
    """``{owner_id: {name: value}}`` (per owner) or ``{None: {...}}`` (all owners together): one query."""
    if per_owner:
        return {row.pop("k"): row
                for row in queryset.order_by().values(k=F(owner_path)).annotate(**aggregates)}
    return {None: queryset.order_by().aggregate(**aggregates)}


def _compute(owner_ids: list[int], start: datetime.date, end: datetime.date, *, per_owner: bool,
             now: datetime.datetime | None = None) -> dict:
    owner_ids = list(owner_ids)
    first, after = local_bounds(start, end)
    # "Overdue at the end of the period": at its end, or now for a period still running.
    cutoff = min(after, now or timezone.now())
    sources = [
        _grouped(Activity.objects.filter(owner_id__in=owner_ids, occurred_at__gte=first, occurred_at__lt=after),
                 "owner_id", per_owner,
                 visits_done=Count("id", filter=Q(kind=Activity.Kind.VISIT)),
                 followups=Count("id", filter=~Q(kind=Activity.Kind.VISIT)),
                 customers_touched=Count("customer_id", distinct=True),
                 **{f"kind_{kind}": Count("id", filter=Q(kind=kind)) for kind in FOLLOWUP_KINDS}),
        _grouped(VisitPlan.objects.filter(owner_id__in=owner_ids, planned_on__range=(start, end))
                 .exclude(status=VisitPlan.Status.CANCELLED), "owner_id", per_owner, visits_planned=Count("id")),
        _grouped(Customer.objects.filter(owner_id__in=owner_ids, created_at__gte=first, created_at__lt=after),
                 "owner_id", per_owner, new_customers=Count("id")),
        _grouped(Lead.objects.filter(owner_id__in=owner_ids, created_at__gte=first, created_at__lt=after),
                 "owner_id", per_owner, new_leads=Count("id")),
        _grouped(Opportunity.objects.filter(owner_id__in=owner_ids).filter(
                     Q(created_at__gte=first, created_at__lt=after) | Q(closed_at__gte=first, closed_at__lt=after)),
                 "owner_id", per_owner,
                 opportunities_created=Count("id", filter=Q(created_at__gte=first, created_at__lt=after)),
                 won=Count("id", filter=Q(status=Opportunity.Status.WON, closed_at__gte=first,
                                          closed_at__lt=after)),
                 won_amount=money_sum(_when_closed("won", first, after)),
                 lost=Count("id", filter=Q(status=Opportunity.Status.LOST, closed_at__gte=first,
                                           closed_at__lt=after))),
        # A move is a history row from one stage to another (creation and won/lost rows keep the stage).
        _grouped(StageChange.objects.filter(opportunity__owner_id__in=owner_ids, changed_at__gte=first,
                                            changed_at__lt=after, from_stage__isnull=False)
                 .exclude(to_stage=F("from_stage")),
                 "opportunity__owner_id", per_owner, opportunities_moved=Count("opportunity_id", distinct=True)),
        _grouped(Quotation.objects.filter(owner_id__in=owner_ids, sent_at__gte=first, sent_at__lt=after),
                 "owner_id", per_owner, quotations_sent=Count("id")),
        _grouped(Agreement.objects.filter(owner_id__in=owner_ids, status__in=RECEIVABLE,
                                          signed_on__range=(start, end)),
                 "owner_id", per_owner, agreements_signed=Count("id"), agreements_amount=money_sum("amount")),
        # A reversal is a payment row with a negative amount: the sum is net of reversals.
        _grouped(Payment.objects.filter(agreement__owner_id__in=owner_ids, received_on__range=(start, end)),
                 "agreement__owner_id", per_owner, collected=money_sum("amount")),
        _grouped(Task.objects.filter(owner_id__in=owner_ids).filter(
                     Q(status=Task.Status.DONE, done_at__gte=first, done_at__lt=after) | Q(due_at__lt=cutoff)),
                 "owner_id", per_owner,
                 tasks_done=Count("id", filter=Q(status=Task.Status.DONE, done_at__gte=first, done_at__lt=after)),
                 # Open at the cutoff: still open, or done only after it (a cancelled task owes nothing).
                 tasks_overdue=Count("id", filter=Q(due_at__lt=cutoff) & (
                     Q(status=Task.Status.OPEN) | Q(status=Task.Status.DONE, done_at__gte=cutoff)))),
    ]
    keys = owner_ids if per_owner else [None]
    return {key: _assemble([source.get(key, {}) for source in sources]) for key in keys}


def _when_closed(status, first, after):
    return Case(When(status=status, closed_at__gte=first, closed_at__lt=after, then=F("amount")),
                default=None, output_field=MONEY)


def _assemble(parts: list[dict]) -> dict:
    merged: dict = {}
    for part in parts:
        merged.update(part)
    figures = {}
    for key, _label, is_money in FIGURES:
        value = merged.get(key)
        figures[key] = str(to_money(value or 0)) if is_money else int(value or 0)
    figures["followups_by_kind"] = {kind: int(merged.get(f"kind_{kind}") or 0) for kind in FOLLOWUP_KINDS}
    return figures


def period_figures(*, owner_ids: list[int], start: datetime.date, end: datetime.date, now=None) -> dict:
    """The figures of ``owner_ids`` together for the local days ``start`` … ``end`` (inclusive)."""
    return _compute(owner_ids, start, end, per_owner=False, now=now)[None]


def figures_by_owner(*, owner_ids: list[int], start: datetime.date, end: datetime.date, now=None) -> dict:
    """The same figures per person: ``{owner_id: figures}`` (the same number of queries as for one person)."""
    return _compute(owner_ids, start, end, per_owner=True, now=now)


def _url(name: str, **params) -> str:
    try:
        url = reverse(name)
    except NoReverseMatch:  # the page does not exist (yet)
        return ""
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def figure_links(*, owner_ids: list[int], start: datetime.date, end: datetime.date) -> dict[str, str]:
    """Where each figure's records are listed (list page + filters), for the figures that have such a page.
    The owner filter is added when the figures are one person's."""
    owner = owner_ids[0] if len(owner_ids) == 1 else None
    day_from, day_to = start.isoformat(), end.isoformat()
    followups = _url("activities:followup-list", owner=owner, date_from=day_from, date_to=day_to)
    return {
        "visits_planned": _url("activities:visit-list", owner=owner, day=day_from,
                               view="day" if start == end else "week"),
        "visits_done": _url("activities:followup-list", owner=owner, kind="visit", date_from=day_from,
                            date_to=day_to),
        "followups": followups,
        "customers_touched": followups,
        "new_customers": _url("customers:list", owner=owner, created_from=day_from, created_to=day_to),
        "new_leads": _url("leads:list", owner=owner, created_from=day_from, created_to=day_to),
        "opportunities_created": _url("pipeline:list", owner=owner),
        "won": _url("pipeline:list", owner=owner, status="won"),
        "lost": _url("pipeline:list", owner=owner, status="lost"),
        "quotations_sent": _url("contracts:quotation-list", owner=owner),
        "agreements_signed": _url("contracts:agreement-list", owner=owner, signed_from=day_from, signed_to=day_to),
        "collected": _url("contracts:payment-list"),
        "tasks_done": _url("activities:task-list", owner=owner or "team", tab="done"),
        "tasks_overdue": _url("activities:task-list", owner=owner or "team", tab="overdue"),
    }


def figure_rows(figures: dict, links: dict | None = None) -> list[dict]:
    """The figures as rows to show: label, value, money?, link."""
    links = links or {}
    return [{"key": key, "label": label, "value": figures.get(key, 0), "money": is_money, "url": links.get(key, "")}
            for key, label, is_money in FIGURES]


def kind_rows(figures: dict) -> list[dict]:
    """Follow-ups by type, for the report's small table."""
    labels = dict(Activity.Kind.choices)
    by_kind = figures.get("followups_by_kind", {})
    return [{"kind": kind, "label": labels[kind], "value": by_kind.get(kind, 0)} for kind in FOLLOWUP_KINDS]
