from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from salesflow.org.models import Role, Scope, Team
from salesflow.org.services import create_user


class Command(BaseCommand):
    help = "Create a user non-interactively: salesflow createuser NAME --role ROLE --password P"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", required=True)
        parser.add_argument("--team", help="team name (must exist)")
        parser.add_argument("--scope", choices=Scope.values, help="data scope (default depends on the role)")
        parser.add_argument("--email", default="")
        parser.add_argument("--display-name", default="")

    def handle(self, *args, **opts):
        team = None
        if opts["team"]:
            team = Team.objects.filter(name=opts["team"]).first()
            if team is None:
                raise CommandError(f"no team named {opts['team']!r}")
        try:
            user = create_user(
                username=opts["username"], password=opts["password"], role=opts["role"], team=team,
                scope=opts["scope"], email=opts["email"], display_name=opts["display_name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"created user {user.username} (role {user.role}, scope {user.scope})")
