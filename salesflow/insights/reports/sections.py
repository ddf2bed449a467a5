"""The report's layout, shared by the XLSX and the PDF (and the page): ``report_data`` → titled tables, each with
the chart that helps read it. Labels are translated in the active language (the renderers run under
``translation.override``); figures are passed through untouched."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.periods import parse_period
from salesflow.performance import figures

KIND_LABELS = {"weekly": gettext_lazy("Weekly sales report"), "monthly": gettext_lazy("Monthly sales report"),
               "quarterly": gettext_lazy("Quarterly sales report")}


def no_data() -> str:
    return _("No data yet")


@dataclass
class Section:
    key: str
    title: str
    header: list[str]
    rows: list[list]
    chart: str = ""  # "bar", "line", "pie" or "" (none)
    series: tuple[int, ...] = ()  # the columns charted; column 0 names the categories
    note: str = ""
    money: tuple[int, ...] = ()  # the columns in 元 (the others are counts, percentages or text)

    @property
    def empty(self) -> bool:
        return not self.rows


def title(data: dict) -> str:
    return _("%(scope)s · %(period)s · %(kind)s") % {
        "scope": data["scope"], "period": parse_period(data["period"]).display, "kind": KIND_LABELS[data["kind"]]}


def _or_no_data(value):
    return no_data() if value is None else value


def _label(key: str) -> str:
    return str(figures.get(key).label)


def _amounts(row: dict) -> list:
    """This period's and the previous period's value: counts as whole numbers, amounts as Decimal."""
    if row["unit"] == figures.AMOUNT:
        return [row["value"], row["previous"]]
    return [int(row["value"]), int(row["previous"])]


def sections(data: dict) -> list[Section]:
    previous = parse_period(data["previous_period"]).display
    result = [
        Section("results", _("Results vs target"), [_("Measure"), _("Target"), _("Actual"), _("Completion %")],
                [[_label(r["measure"]), _or_no_data(r["target"]), _or_no_data(r["actual"]),
                  _or_no_data(r["completion_pct"])] for r in data["results"]], "bar", (1, 2), money=(1, 2)),
        Section("headline", _("Key figures vs %(previous)s") % {"previous": previous},
                [_("Figure"), _("Current period"), _("Previous period"), _("Change %")],
                [[_label(r["key"]), *_amounts(r), _or_no_data(r["change_pct"])] for r in data["headline"]]
                + [[_("Win rate %"), _or_no_data(data["win_rate"]["value"]),
                    _or_no_data(data["win_rate"]["previous"]), ""]], money=(1, 2)),
        Section("funnel", _("Funnel now"), [_("Stage"), _("Opportunities"), _("Amount")],
                [[r["stage"], r["count"], r["amount"]] for r in data["funnel"]], "bar", (2,), money=(2,)),
        Section("conversion", _("Stage conversion of the deals closed, vs %(previous)s") % {"previous": previous},
                [_("Stage"), _("Reached"), _("To next stage %"), _("To won %"), _("Reached (previous)"),
                 _("To next stage % (previous)"), _("To won % (previous)")],
                [[r["stage"], r["reached"], _or_no_data(r["to_next_percent"]), _or_no_data(r["to_won_percent"]),
                  r["previous_reached"], _or_no_data(r["previous_to_next_percent"]),
                  _or_no_data(r["previous_to_won_percent"])] for r in data["conversion"] if r["reached"]
                 or r["previous_reached"]], "line", (3, 6)),
        Section("forecast", _("Forecast for %(period)s") % {"period": parse_period(data["next_period"]).display},
                [_("Category"), _("Amount")],
                [[_("Closed won"), data["forecast"]["closed_won"]], [_("Commit"), data["forecast"]["commit"]],
                 [_("Best case"), data["forecast"]["best_case"]], [_("Pipeline"), data["forecast"]["pipeline"]],
                 [_("Weighted"), data["forecast"]["weighted"]]], "bar", (1,), money=(1,)),
        Section("top_won", _("Top %(n)s deals won") % {"n": 10},
                [_("Opportunity"), _("Customer"), _("Owner"), _("Amount"), _("Closed on"), _("Win reason")],
                [[d["subject"], d["customer"], d["owner"], d["amount"], d["closed_on"], d["reason"]]
                 for d in data["top_won"]], money=(3,)),
        Section("top_lost", _("Top %(n)s deals lost") % {"n": 10},
                [_("Opportunity"), _("Customer"), _("Owner"), _("Amount"), _("Closed on"), _("Loss reason")],
                [[d["subject"], d["customer"], d["owner"], d["amount"], d["closed_on"], d["reason"]]
                 for d in data["top_lost"]], money=(3,)),
        Section("lost_reasons", _("Loss reasons"), [_("Loss reason"), _("Opportunities lost")],
                [[r["reason"], r["count"]] for r in data["lost_reasons"]], "pie", (1,)),
        Section("activity", _("Activity"), [_("Rep"), _("Team"), _("Visits"), _("Follow-ups"), _("Customers touched")],
                [[r["owner"], r["team"], r["visits"], r["followups"], r["customers"]] for r in data["activity"]]
                + ([[_("Total"), "", data["activity_total"]["visits"], data["activity_total"]["followups"],
                     data["activity_total"]["customers"]]] if data["activity"] else []), "bar", (2, 3)),
        Section("collections", _("Collections"), [_("Item"), _("Amount")],
                [[_("Signed amount"), data["collections"]["signed"]],
                 [_("Collected"), data["collections"]["collected"]],
                 [_("Invoiced"), data["collections"]["invoiced"]],
                 [_("Collection rate %"), _or_no_data(data["collections"]["rate"])]], "bar", (1,), money=(1,)),
        Section("ageing", _("Receivables ageing (as of %(day)s)") % {"day": data["ageing"]["as_of"]},
                [_("Bucket"), _("Amount outstanding")],
                [[_("Not yet due"), data["ageing"]["not_due"]], [_("1–30 days overdue"), data["ageing"]["d1_30"]],
                 [_("31–60 days overdue"), data["ageing"]["d31_60"]],
                 [_("61–90 days overdue"), data["ageing"]["d61_90"]],
                 [_("Over 90 days overdue"), data["ageing"]["d90_plus"]]], "pie", (1,), money=(1,)),
        Section("alerts", _("Alerts raised"), [_("Level"), _("Rule"), _("About"), _("Message"), _("Raised at")],
                [[_(a["level"].capitalize()), a["rule"], a["subject"], a["message"], a["raised_at"]]
                 for a in data["alerts"]["items"]],
                note=_("Red: %(red)s · Yellow: %(yellow)s") % data["alerts"]),
    ]
    for section in result:
        if section.key in ("collections", "ageing", "forecast") and not any(
                isinstance(row[1], Decimal | int) and row[1] for row in section.rows):
            section.rows = []  # nothing but zeros: no data, not an invented zero
    return result


def headline_text(data: dict) -> list[str]:
    """The few lines a delivery message carries."""
    lines = []
    for r in data["results"]:
        if r["actual"] is None:
            lines.append(f"{_label(r['measure'])}: {no_data()}")
        elif r["target"] is None:
            lines.append(f"{_label(r['measure'])}: {r['actual']}")
        else:
            lines.append(_("%(label)s: %(actual)s / %(target)s (%(pct)s%%)") % {
                "label": _label(r["measure"]), "actual": r["actual"], "target": r["target"],
                "pct": r["completion_pct"]})
    rate = data["win_rate"]["value"]
    lines.append(f"{_('Win rate %')}: {no_data() if rate is None else rate}")
    return lines
