"""Each analysis as one dict: what its page renders, its API returns and ``salesflow report NAME --json`` prints.
``user=None`` computes over all data (the CLI without --user)."""

from decimal import Decimal
from urllib.parse import quote, urlencode

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from salesflow.contracts.models import Agreement
from salesflow.core.periods import period_of
from salesflow.core.registry import reports
from salesflow.leads.forms import QUALIFIED_OR_CONVERTED
from salesflow.leads.models import Lead
from salesflow.org.access import effective_scope
from salesflow.org.models import Scope

from .bcg import QUADRANTS, portfolio
from .churn import churn_risks
from .filters import parse_filters, require_analyst, scope_of, scoped_customers, team_named
from .leadsources import source_efficiency
from .ltv import TOP, lifetime_values
from .rfm import WINDOW_DAYS, customers_without_orders, rfm_segments
from .structure import DIMENSIONS, LOST_AFTER_DAYS, by_dimension, new_and_lost, signers

NO_SOURCE = gettext_lazy("(no source)")


LINKED_IDS = 2000  # past this many customers a figure is not linked: the id list would outgrow a URL


def customers_url(ids) -> str | None:
    """The customer list showing exactly these customers (its ``ids`` filter); None for more than LINKED_IDS (the
    page then shows the figure without a link: narrow it by team to get one)."""
    ids = sorted(ids)
    if len(ids) > LINKED_IDS:
        return None
    return reverse("customers:list") + "?ids=" + ",".join(str(i) for i in ids)


def churn_report(user=None, *, team=None, period=None, sort="-ratio", now=None) -> dict:
    require_analyst(user, "churn")
    team, _period = parse_filters({"team": team})
    rows = churn_risks(customers=scoped_customers(user, team).filter(owner__isnull=False), now=now)
    if sort == "ratio":
        rows.reverse()
    return {"as_of": timezone.localdate(now), "team": team.name if team else None, "count": len(rows),
            "customers_url": customers_url(r.customer_id for r in rows),
            "rows": [r.as_dict() for r in rows]}


def _cli(func, user, team=None, **filters):
    """A report for ``salesflow report``: ``--team`` (a name or id) goes through the page's filter as the team's id;
    a refusal or a bad filter becomes the command's error message."""
    try:
        return func(user, team=team_named(team), **filters)
    except PermissionDenied as exc:
        raise ValueError(str(exc) or "permission denied") from None


@reports.register("churn", "流失预警: customers silent longer than their usual interval between follow-ups and orders "
                           "(--team)")
def _churn(*, user=None, period=None, team=None):
    return _cli(churn_report, user, team)


def rfm_report(user=None, *, team=None, period=None, as_of=None) -> dict:
    require_analyst(user, "rfm")
    team, _period = parse_filters({"team": team})
    as_of = as_of or timezone.localdate()
    customers = scoped_customers(user, team)
    result = rfm_segments(customers, as_of)
    for row in result["segments"]:
        row["customers_url"] = customers_url(row.pop("customer_ids")) if row["count"] else None
    no_orders = list(customers_without_orders(customers, as_of).values_list("pk", flat=True))
    return {"as_of": as_of, "window_days": WINDOW_DAYS, "team": team.name if team else None,
            "customers": sum(r["count"] for r in result["segments"]),
            "amount": sum((r["amount"] for r in result["segments"]), Decimal("0.00")),
            "no_orders": {"count": len(no_orders), "customers_url": customers_url(no_orders) if no_orders else None},
            "rows": result["segments"]}


@reports.register("rfm", "RFM segments: customers and amount signed in the last 365 days per segment (--team)")
def _rfm(*, user=None, period=None, team=None):
    return _cli(rfm_report, user, team)


def bcg_report(user=None, *, team=None, period=None, as_of=None) -> dict:
    require_analyst(user, "bcg")
    team, chosen = parse_filters({"team": team, "period": period})
    as_of = as_of or timezone.localdate()
    chosen = chosen or period_of("year", as_of)
    agreements = scope_of(user, Agreement.objects.all())
    if team is not None:
        agreements = agreements.filter(team__in=team.subtree().values("id"))
    result = portfolio(agreements, chosen.start, min(chosen.end, as_of))
    for row in result["rows"]:
        row["quadrant_label"] = str(QUADRANTS[row["quadrant"]]) if row["quadrant"] else None
        # The signed lines behind the amount: the dashboards' records page lists the same lines (performance.figures'
        # gross-margin rows of agreements the viewer may see) for one series. It narrows a team by the owner's team,
        # this analysis by the agreement's, so the link is offered for the whole company only (as lead sources do).
        linkable = team is None and row["series"] and row["amount"]
        row["amount_url"] = (reverse("insights:records", args=["product_lines"]) + "?" + urlencode({
            "period": chosen.label, "first": result["first"], "last": result["last"], "by_series": row["series"]})
            if linkable else None)
    return {"period": chosen.label, "team": team.name if team else None, **result}


@reports.register("bcg", "product portfolio (BCG) matrix per product series: share, growth, quadrant (--period, "
                         "--team)")
def _bcg(*, user=None, period=None, team=None):
    return _cli(bcg_report, user, team, period=period)


def lead_sources_report(user=None, *, team=None, period=None, as_of=None) -> dict:
    require_analyst(user, "lead-sources")
    team, chosen = parse_filters({"team": team, "period": period})
    as_of = as_of or timezone.localdate()
    chosen = chosen or period_of("year", as_of)
    leads = scope_of(user, Lead.objects.all())
    if team is not None:
        leads = leads.filter(team__in=team.subtree().values("id"))
    company_wide = team is None and (user is None or effective_scope(user) == Scope.ALL)
    result = source_efficiency(leads, chosen.start, chosen.end, with_costs=company_wide)
    base = reverse("leads:list")
    for row in result["rows"]:
        ids = row.pop("won_customer_ids")
        row["won_customers_url"] = customers_url(ids) if ids else None
        query = f"?source={row['source_id']}&created_from={chosen.start}&created_to={chosen.end}"
        linkable = team is None and row["source_id"] is not None
        row["leads_url"] = base + query if linkable and row["leads"] else None
        row["qualified_url"] = (base + query + f"&status={QUALIFIED_OR_CONVERTED}"
                                if linkable and row["qualified"] else None)
        row["converted_url"] = base + query + "&status=converted" if linkable and row["converted"] else None
        row["source"] = row["source"] or str(NO_SOURCE)
    return {"period": chosen.label, "team": team.name if team else None, **result}


@reports.register("lead-sources", "lead-source efficiency for a period (--period): leads, conversion, won "
                                  "customers, cost per lead and per won customer (--team)")
def _lead_sources(*, user=None, period=None, team=None):
    return _cli(lead_sources_report, user, team, period=period)


def customer_structure_report(user=None, *, team=None, period=None, as_of=None) -> dict:
    require_analyst(user, "customer-structure")
    team, chosen = parse_filters({"team": team, "period": period})
    as_of = as_of or timezone.localdate()
    chosen = chosen or period_of("year", as_of)
    customers = scoped_customers(user, team)
    base = reverse("customers:list") + "?" + (f"team={team.pk}&" if team else "")
    dimensions, signed = {}, signers(customers, chosen.start, chosen.end)
    for name, field in DIMENSIONS.items():
        rows = by_dimension(customers, field, chosen.start, chosen.end)
        for row in rows:
            row["customers_url"] = f"{base}{field}={quote(str(row['value']))}" if row["value"] else None
            ids = signed[field].get(row["value"], [])  # the customers whose agreements make up the amount
            row.update(signed_customers=len(ids), amount_url=customers_url(ids) if ids else None)
        dimensions[name] = rows
    months = new_and_lost(customers, as_of)
    for row in months:
        new, lost = row.pop("new"), row.pop("lost")
        row.update(new=len(new), lost=len(lost), new_url=customers_url(new) if new else None,
                   lost_url=customers_url(lost) if lost else None)
    return {"period": chosen.label, "team": team.name if team else None, "lost_after_days": LOST_AFTER_DAYS,
            "by_industry": dimensions["industry"], "by_size": dimensions["size"], "by_class": dimensions["class"],
            "rows": months}


@reports.register("customer-structure", "customers and signed amount by industry, size and class (--period); new "
                                        "and lost customers per month (--team)")
def _customer_structure(*, user=None, period=None, team=None):
    return _cli(customer_structure_report, user, team, period=period)


def ltv_report(user=None, *, team=None, period=None, as_of=None) -> dict:
    require_analyst(user, "ltv")
    team, _period = parse_filters({"team": team})
    as_of = as_of or timezone.localdate()
    result = lifetime_values(scoped_customers(user, team), as_of)
    for row in result["rows"]:
        row["customers_url"] = customers_url(row.pop("customer_ids"))
    return {"as_of": as_of, "team": team.name if team else None, "top_n": TOP, **result}


@reports.register("ltv", "customer lifetime value estimate per customer class and the top customers (--team)")
def _ltv(*, user=None, period=None, team=None):
    return _cli(ltv_report, user, team)
