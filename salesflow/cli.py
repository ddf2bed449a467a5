"""The ``salesflow`` command: Django management with the product's own commands up front."""

import os
import sys

COMMANDS = [
    ("demo", "set up the embedded database with demo data and serve it on http://127.0.0.1:8000"),
    ("serve", "serve the web app (--port N, --host H)"),
    ("migrate", "create or upgrade the database tables"),
    ("createuser", "create a user: createuser NAME --role ROLE --password P [--team T]"),
    ("token", "personal API tokens: token create NAME | token list NAME | token revoke ID"),
    ("generate", "fill the database with realistic generated data: generate --scale N [--seed S]"),
    ("import", "import data: import KIND PATH (import --list shows the kinds)"),
    ("report", "print a report: report NAME [--json] (report --list shows the reports)"),
    ("worker", "run background work (imports, pool returns, reminders); --once runs what is due and exits"),
]


def usage() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = ["usage: salesflow COMMAND [options]", "", "Commands:"]
    lines += [f"  {name:<{width}}  {text}" for name, text in COMMANDS]
    lines += [
        "",
        "Every command reads DATABASE_URL (default: the SQLite file var/salesflow.sqlite3).",
        "'salesflow COMMAND --help' explains a command; 'salesflow help --commands' lists every Django command.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesflow.settings")
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"} or args == ["help"]:
        print(usage())
        return
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    from salesflow.core import audit

    with audit.acting_as(audit.CLI):  # a command acting as --user names that user instead
        execute_from_command_line(["salesflow", *args])


if __name__ == "__main__":
    main()
