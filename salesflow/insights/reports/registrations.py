"""``salesflow report generate weekly|monthly|quarterly [--period P] [--team T] [--lang zh-hans|en]
[--format xlsx|pdf] [--out FILE] [--user U]``, and the scheduled job that makes the subscribed reports."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError

from salesflow.core.registry import reports, scheduled_jobs
from salesflow.org.models import Team

from . import demo, navigation, services  # noqa: F401  (the demo step, the menu entries)


def _team(value):
    if not value:
        return None
    team = Team.objects.filter(pk=int(value)).first() if value.isdigit() else Team.objects.filter(name=value).first()
    if team is None:
        raise ValueError(f"no team named {value!r}")
    return team


@reports.register("generate", "write a sales report file: generate weekly|monthly|quarterly [--period P] [--team T] "
                              "[--lang zh-hans|en] [--format xlsx|pdf] [--out FILE]")
def generate(user=None, period=None, kind=None, team=None, lang=None, fmt=None, out=None) -> str:
    if not kind:
        raise ValueError("say which report: generate weekly|monthly|quarterly")
    try:
        report = services.make_report(actor=user, kind=kind, period=period, team=_team(team), lang=lang or "zh-hans",
                                      fmt=fmt or "xlsx")
    except ValidationError as exc:
        raise ValueError("; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
    except PermissionDenied as exc:
        raise ValueError(str(exc)) from None
    if report.status != report.Status.READY:
        raise ValueError(f"the report failed: {report.error}")
    path = Path(out or report.filename)
    path.write_bytes(bytes(report.content))
    return str(path)


@scheduled_jobs.register("sales-reports", "make the subscribed weekly / monthly / quarterly reports once each",
                         order=3600)
def sales_reports(now):
    result = services.run_schedule(now)
    return f"made {result['made']}, already made {result['already']}"
