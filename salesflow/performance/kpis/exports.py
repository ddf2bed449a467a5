"""XLSX downloads of scorecards and leaderboards (core.exports: safe cells, audited). Values are the numbers the
pages show; no data is an empty cell with "暂无数据" in the text column."""

from django.utils.translation import gettext as _

from salesflow.core.exports import export_response

from .display import show, show_score


def scorecards_xlsx(cards, period, *, audit_target):
    headers = [_("Scorecard of"), _("Period"), _("KPI"), _("Weight"), _("Value"), _("Shown as"), _("target"),
               _("Score"), _("Weighted score"), _("Weighted total")]

    def rows():
        for card in cards:
            for line in card.lines:
                kpi = line.item.kpi
                yield [card.name, period.label, kpi.label, line.item.weight, line.value, show(line.value, kpi.unit),
                       line.target, show_score(line.score), line.weighted, card.total]

    return export_response(fmt="xlsx", filename=f"scorecards-{period.label}", headers=headers, rows=rows(),
                           audit_target=audit_target, note=f"scorecards {period.label}")


def leaderboard_xlsx(board, *, audit_target):
    kpi, period = board["kpi"], board["period"]
    headers = [_("Rank"), _("Name"), kpi.label, _("Shown as"), _("Previous rank"), _("Change")]
    rows = ([r["rank"], r["name"], r["value"], show(r["value"], kpi.unit), r["previous_rank"],
             _("new") if r["new"] else r["change"]] for r in board["rows"])
    return export_response(fmt="xlsx", filename=f"leaderboard-{kpi.key}-{period.label}", headers=headers, rows=rows,
                           audit_target=audit_target, note=f"leaderboard {kpi.key} {period.label} {board['scope']}")
