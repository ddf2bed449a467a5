"""流失预警 — the one churn rule: a customer is at risk when it has been silent (no follow-up and no signed
agreement) for longer than its own usual interval between such contacts, learned from at least 3 of them.

usual interval = (last contact − first contact) / (contacts − 1); ratio = days silent / usual interval × 100.
The page, the API, the CLI report and the ``churn_risk`` alert metric all read :func:`churn_risks`."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min
from django.utils import timezone

from salesflow.activities.models import Activity
from salesflow.contracts.models import Agreement
from salesflow.contracts.receivables.selectors import NOT_SIGNED
from salesflow.customers.models import Customer

MIN_CONTACTS = 3


@dataclass(frozen=True)
class ChurnRisk:
    customer_id: int
    name: str
    owner_id: int | None
    owner: str
    team_id: int | None
    contacts: int
    usual_days: Decimal
    silent_days: int
    ratio: Decimal  # % of the usual interval
    last_order: datetime.date | None
    last_followup: datetime.datetime | None

    def as_dict(self) -> dict:
        return {"customer_id": self.customer_id, "customer": self.name, "owner": self.owner,
                "contacts": self.contacts, "usual_days": self.usual_days, "silent_days": self.silent_days,
                "ratio": self.ratio, "last_order": self.last_order,
                "last_followup": self.last_followup.isoformat() if self.last_followup else None}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def churn_risks(*, customers=None, now=None, min_ratio=Decimal(100)) -> list[ChurnRisk]:
    """Customers among ``customers`` (default: every owned customer) whose silence is at least ``min_ratio`` % of
    their usual interval, highest ratio first. Three queries whatever the number of customers."""
    now = now or timezone.now()
    customers = customers if customers is not None else Customer.objects.filter(owner__isnull=False)
    ids = customers.values("pk")
    followups = {r["customer_id"]: r for r in Activity.objects.filter(customer__in=ids, occurred_at__lte=now)
                 .order_by().values("customer_id").annotate(n=Count("pk"), first=Min("occurred_at"),
                                                            last=Max("occurred_at"))}
    orders = {r["customer_id"]: r for r in Agreement.objects.exclude(status__in=NOT_SIGNED)
              .filter(customer__in=ids, signed_on__lte=timezone.localdate(now))
              .order_by().values("customer_id").annotate(n=Count("pk"), first=Min("signed_on"),
                                                         last=Max("signed_on"))}
    candidates = {}
    for customer_id in followups.keys() | orders.keys():
        f, o = followups.get(customer_id), orders.get(customer_id)
        n = (f["n"] if f else 0) + (o["n"] if o else 0)
        if n < MIN_CONTACTS:
            continue
        firsts = [x for x in (f and f["first"], o and _start_of(o["first"])) if x]
        lasts = [x for x in (f and f["last"], o and _start_of(o["last"])) if x]
        first, last = min(firsts), max(lasts)
        usual = (last - first) / (n - 1)
        if usual.total_seconds() < 86400:  # contacts every day or more often: no rhythm to break
            continue
        ratio = Decimal((now - last) / usual * 100).quantize(Decimal("0.1"))
        if ratio >= min_ratio:
            candidates[customer_id] = (n, Decimal(usual.total_seconds() / 86400).quantize(Decimal("0.1")),
                                       (now - last).days, ratio, o["last"] if o else None, f["last"] if f else None)
    found = []
    for c in (Customer.objects.filter(pk__in=list(candidates)).select_related("owner")
              .only("pk", "name", "owner_id", "team_id", "owner__username", "owner__display_name",
                    "owner__first_name", "owner__last_name")):
        n, usual_days, silent, ratio, last_order, last_followup = candidates[c.pk]
        found.append(ChurnRisk(c.pk, c.name, c.owner_id, str(c.owner) if c.owner else "", c.team_id, n, usual_days,
                               silent, ratio, last_order, last_followup))
    found.sort(key=lambda r: (-r.ratio, r.customer_id))
    return found
