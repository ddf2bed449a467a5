"""Review documents (季度/年度复盘): 成果回顾, 原因分析, 经验总结, 改进计划.

``create_review`` pre-fills the results review with the period's figures (target, actual, completion, top deals,
collections) and the cause analysis with the facts that explain them (loss reasons counted, win rate against the
previous period, stalled deals, overdue receivables), all from ``report_data``; the manager writes the lessons and
the improvement plan. A manager reviews his own team's subtree, a director or an administrator any scope (the
company too); finance reads them (``ReviewDocument.objects.visible_to``) but writes none."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesflow.contracts.pdf import BODY, HEADING, TITLE, facts, p, render
from salesflow.core.money import format_money
from salesflow.core.periods import parse_period
from salesflow.core.validators import BUSINESS_DATE_MAX, BUSINESS_DATE_MIN
from salesflow.org import access

from ..models import ReviewDocument
from .data import may_report_on, report_data

SECTIONS = ("results", "causes", "lessons", "improvements")


def may_review(user, team) -> bool:
    """Write a review of ``team`` (None: the company): a director or admin any, a manager his team's subtree."""
    return bool(user is not None and not access.is_finance(user) and may_report_on(user, team))


def _period(label: str):
    try:
        period = parse_period(label)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if not (BUSINESS_DATE_MIN <= period.start and period.end <= BUSINESS_DATE_MAX):
        raise ValidationError({"period": _("“%(period)s” is outside the years 2000 to 2100.") % {
            "period": period.label}})
    if period.kind not in ("quarter", "year"):
        raise ValidationError({"period": _("A review covers a quarter (2026-Q3) or a year (2026).")})
    return period


def _money(value) -> str:
    return _("No data yet") if value is None else format_money(value)


def prefill(data: dict) -> tuple[str, str]:
    """(成果回顾, 原因分析) from the report's figures, in the active language."""
    results = [_("Results against target:")]
    for r in data["results"]:
        results.append(_("- %(label)s: target %(target)s, actual %(actual)s, completion %(pct)s") % {
            "label": r["label"], "target": _money(r["target"]), "actual": _money(r["actual"]),
            "pct": _("No data yet") if r["completion_pct"] is None else f"{r['completion_pct']}%"})
    results.append(_("Top deals won:"))
    results += [f"- {d['subject']} · {d['customer']} · {format_money(d['amount'])} · {d['owner']}"
                for d in data["top_won"][:5]] or [f"- {_('No data yet')}"]
    c = data["collections"]
    results.append(_("Collections: signed %(signed)s, collected %(collected)s, invoiced %(invoiced)s, collection "
                     "rate %(rate)s") % {"signed": format_money(c["signed"]), "collected": format_money(c["collected"]),
                                         "invoiced": format_money(c["invoiced"]),
                                         "rate": _("No data yet") if c["rate"] is None else f"{c['rate']}%"})
    causes = [_("Win rate %(now)s (previous period %(before)s).") % {
        "now": _("No data yet") if data["win_rate"]["value"] is None else f"{data['win_rate']['value']}%",
        "before": _("No data yet") if data["win_rate"]["previous"] is None else f"{data['win_rate']['previous']}%"}]
    causes.append(_("Deals lost by reason:"))
    causes += [_("- %(reason)s: %(count)s") % r for r in data["lost_reasons"]] or [f"- {_('No data yet')}"]
    causes.append(_("Stalled deals now (past their close date or long in their stage): %(n)s") % {
        "n": data["stalled"]})
    a = data["ageing"]
    causes.append(_("Overdue receivables: %(overdue)s, of which over 90 days %(old)s") % {
        "overdue": format_money(a["overdue"]), "old": format_money(a["d90_plus"])})
    return "\n".join(results), "\n".join(causes)


@transaction.atomic
def create_review(*, actor, period: str, team=None) -> ReviewDocument:
    found = _period(period)
    if not may_review(actor, team):
        raise PermissionDenied(_("You may not write the review of this scope."))
    kind = "quarterly" if found.kind == "quarter" else "yearly"
    results, causes = prefill(report_data(kind, found, team, user=actor))
    review = ReviewDocument.objects.create(period=found.label, team=team, author=actor, results=results,
                                           causes=causes)
    return review


@transaction.atomic
def update_review(*, actor, review: ReviewDocument, version: int, **fields) -> ReviewDocument:
    """Save the four sections and the status; refused (StaleEditError, HTTP 409) if someone saved since ``version``."""
    if not may_review(actor, review.team):
        raise PermissionDenied(_("You may not write the review of this scope."))
    unknown = set(fields) - {*SECTIONS, "status"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(review, name, value)
    review.version = version
    review.full_clean()
    review.save()
    return review


def review_pdf(review: ReviewDocument) -> bytes:
    title = _("Review %(period)s · %(scope)s") % {"period": parse_period(review.period).display,
                                                  "scope": review.team.name if review.team else _("Company")}
    story = [p(title, TITLE), facts([(_("Author"), str(review.author)), (_("Status"), review.get_status_display()),
                                     (_("Version"), review.version)])]
    for name in SECTIONS:
        story += [p(ReviewDocument._meta.get_field(name).verbose_name, HEADING),
                  p(getattr(review, name) or "—", BODY)]
    return render(story, title=title)
