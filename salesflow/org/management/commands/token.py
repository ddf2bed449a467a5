from django.core.management.base import BaseCommand, CommandError

from salesflow.org.models import ApiToken, User
from salesflow.org.services import issue_token


class Command(BaseCommand):
    help = "Personal API tokens: token create NAME [--label L] | token list NAME | token revoke ID"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user; prints it on the last line")
        create.add_argument("username")
        create.add_argument("--label", default="cli", help="a name to recognise the token by")
        listing = sub.add_parser("list", help="list a user's tokens (never the secrets)")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("token_id", type=int)

    def _user(self, username):
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None

    def handle(self, *args, **opts):
        if opts["action"] == "create":
            user = self._user(opts["username"])
            raw = issue_token(user=user, name=opts["label"])
            self.stdout.write(f"token for {user.username} (shown once; store it safely):")
            self.stdout.write(raw)
        elif opts["action"] == "list":
            for token in self._user(opts["username"]).api_tokens.all():
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.pk}\t{token.name}\t{token.hint}…\t{state}")
        else:
            token = ApiToken.objects.filter(pk=opts["token_id"]).first()
            if token is None:
                raise CommandError(f"no token with id {opts['token_id']}")
            token.revoke()
            self.stdout.write(f"revoked token {token.pk}")
