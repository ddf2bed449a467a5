"""Sales reports at scale (issue 12): a monthly company report — report_data (every figure), then the XLSX and the
PDF from those figures, then the whole thing as the task queue runs it — and a team's monthly report.

    /work/main/.venv/bin/python bench/reports_bench.py --url postgres://...   (a generated database)
    /work/main/.venv/bin/python bench/reports_bench.py --engine sqlite --scale 100000 --runs 3

Target: a monthly company report generated in < 30 s on PostgreSQL at scale 1,000,000. Every figure is a grouped
query of the module that defines it (no Python loop over the agreements or opportunities); the table shows the
query count of each step.
"""

import argparse

from contracts_bench import time_call
from harness import database, print_table, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="an already generated database")
    parser.add_argument("--period", help="the month (default: the last whole one)")
    opts = parser.parse_args()
    with database(opts.engine, opts.scale, opts.url) as url:
        setup_django(url)
        from django.db.models import Count
        from django.utils import translation

        from salesflow.insights.reports.data import period_for, report_data
        from salesflow.insights.reports.pdf import render_pdf
        from salesflow.insights.reports.render import render_report
        from salesflow.insights.reports.xlsx import render_xlsx
        from salesflow.org.models import Team

        period = period_for("monthly", opts.period)
        team = Team.objects.annotate(n=Count("children")).order_by("-n", "id").first()  # a division
        with translation.override("zh-hans"):
            data = report_data("monthly", period, user=None)
            rows = [
                {"page": f"report_data monthly {period.label} company", **time_call(
                    lambda: report_data("monthly", period, user=None), opts.runs)},
                {"page": "render_xlsx (from the figures)", **time_call(lambda: render_xlsx(data), opts.runs)},
                {"page": "render_pdf (from the figures)", **time_call(lambda: render_pdf(data), opts.runs)},
            ]
        rows += [
            {"page": "render_report company xlsx (figures + file)", **time_call(
                lambda: render_report("monthly", period, user=None, fmt="xlsx"), opts.runs)},
            {"page": "render_report company pdf (figures + file)", **time_call(
                lambda: render_report("monthly", period, user=None, fmt="pdf"), opts.runs)},
        ]
        if team is not None:
            rows.append({"page": f"render_report team {team.pk} xlsx", **time_call(
                lambda: render_report("monthly", period, team, user=None, fmt="xlsx"), opts.runs)})
        print_table(f"Monthly sales report {period.label} (target < 30 s at 1M)", rows)


if __name__ == "__main__":
    main()
