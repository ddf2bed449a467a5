import inspect
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from salesflow.core.registry import reports
from salesflow.core.replica import heavy_reads


class Command(BaseCommand):
    help = ("Print a report: salesflow report NAME [--json] [--user U] [--period P] [--as-of DATE] [--by G] "
            "[--kpi K] [--pipeline P]. --list shows the reports. Files: salesflow report generate "
            "weekly|monthly|quarterly [--period P] [--team T] [--lang zh-hans|en] [--format xlsx|pdf] [--out FILE].")

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?")
        parser.add_argument("kind", nargs="?", help="what to generate, where the report takes one (e.g. monthly)")
        parser.add_argument("--list", action="store_true", help="list the reports")
        parser.add_argument("--json", action="store_true", help="print JSON on stdout")
        parser.add_argument("--user", help="compute as this user (their permissions apply); default: all data")
        parser.add_argument("--period", help="2026, 2026-Q3, 2026-07 or 2026-W05, where the report takes one")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD, where the report takes one (default: today)")
        parser.add_argument("--by", help="a grouping, where the report takes one (e.g. team, rep, month)")
        parser.add_argument("--kpi", help="a KPI's key, where the report takes one (e.g. signed_amount)")
        parser.add_argument("--pipeline", help="a pipeline's name or id, where the report takes one (default: the "
                                               "default pipeline)")
        parser.add_argument("--scope", help="a scope, where the report takes one (e.g. company, teams, team:NAME)")
        parser.add_argument("--team", help="a team's name or id, where the report takes one (default: the company)")
        parser.add_argument("--lang", help="zh-hans or en, where the report takes one")
        parser.add_argument("--format", dest="fmt", help="xlsx or pdf, where the report takes one")
        parser.add_argument("--out", help="the file to write, where the report writes one")

    @heavy_reads
    def handle(self, *args, **opts):
        if opts["list"] or not opts["name"]:
            for entry in reports.all():
                self.stdout.write(f"{entry.name:<16} {entry.help}")
            return
        try:
            entry = reports.get(opts["name"])
        except KeyError as exc:
            raise CommandError(str(exc)) from None
        user = None
        if opts["user"]:
            from salesflow.org.models import User

            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no user named {opts['user']!r}")
        options = {"user": user, "period": opts["period"]}
        if opts["pipeline"]:
            if "pipeline" not in inspect.signature(entry.func).parameters:
                raise CommandError(f"report {entry.name!r} takes no --pipeline")
            options["pipeline"] = opts["pipeline"]
        for name in ("kind", "as_of", "by", "kpi", "scope", "team", "lang", "fmt", "out"):
            if opts.get(name):
                if name not in inspect.signature(entry.func).parameters:
                    flag = {"kind": "KIND", "fmt": "--format"}.get(name, f"--{name.replace('_', '-')}")
                    raise CommandError(f"report {entry.name!r} takes no {flag}")
                options[name] = opts[name]
        try:
            result = entry.func(**options)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if isinstance(result, str):  # a report that writes a file answers with its path
            self.stdout.write(result)
        elif opts["json"]:
            self.stdout.write(json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_table(result))


def format_table(result) -> str:
    rows = result.get("rows", []) if isinstance(result, dict) else result
    if not rows:
        return json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    columns = list(rows[0].keys())
    widths = {c: max(len(str(c)), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    lines = ["  ".join(f"{c:<{widths[c]}}" for c in columns)]
    lines += ["  ".join(f"{r.get(c, '')!s:<{widths[c]}}" for c in columns) for r in rows]
    return "\n".join(lines)
