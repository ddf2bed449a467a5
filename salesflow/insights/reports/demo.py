"""The demo's reports: last month's company report and each managed team's, so the history page of every role that
has reports (director, admin, finance: the company's; a manager: his team's) opens with a ready file. Past demo
sizes the reports are left to a person or a subscription."""

from salesflow.core.generator import GenerateContext
from salesflow.core.registry import generator_steps
from salesflow.org.models import Team

from .services import make_report

UP_TO_SCALE = 20_000


@generator_steps.register("sales-reports", "last month's sales reports (company and managed teams; demo sizes)",
                          order=1010)
def generate_reports(ctx: GenerateContext) -> None:
    if ctx.scale > UP_TO_SCALE:
        ctx.stdout.write(f"  sales reports left to the schedule at scale {ctx.scale:,}")
        return
    made = [make_report(actor=None, kind="monthly")]
    for team in Team.objects.filter(manager__isnull=False).order_by("path"):
        made.append(make_report(actor=None, kind="monthly", team=team))
    ctx.stdout.write(f"  {sum(r.status == 'ready' for r in made)} sales reports ready")
