"""Actions on the organisation: creating users, issuing tokens, throttling logins."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DEFAULT_SCOPE, ApiToken, LoginFailure, Role, Team, User


@transaction.atomic
def create_user(
    *, username: str, password: str, role: str = Role.REP, team: Team | None = None, scope: str | None = None,
    display_name: str = "", email: str = "", region=None,
) -> User:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(Role.values)}")
    user = User(
        username=username, role=role, team=team, region=region, email=email, display_name=display_name,
        scope=scope or DEFAULT_SCOPE[Role(role)], is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def issue_token(*, user: User, name: str) -> str:
    _token, raw = ApiToken.issue(user=user, name=name)
    return raw


def reserve_login_attempt(*, username: str, ip: str | None) -> LoginFailure | None:
    """Take one of the allowed attempts *before* the password is checked, or None when none is left.

    The attempt is written first (committed on its own), then the recent rows are counted: the n-th attempt to
    commit sees at least n rows, so however many requests arrive at once, at most LOGIN_THROTTLE_LIMIT of them
    get to check a password. The reserved row stays as the failure if the password is wrong; a successful
    login clears them (:func:`clear_login_failures`).
    """
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW)
    limit = settings.LOGIN_THROTTLE_LIMIT
    attempt = LoginFailure.objects.create(username=username.lower(), ip=ip)
    recent = LoginFailure.objects.filter(at__gte=since)
    by_user = recent.filter(username=username.lower()).count() > limit
    by_ip = ip is not None and recent.filter(ip=ip).count() > limit * 4
    if by_user or by_ip:
        attempt.delete()  # a refused attempt checks no password and is not a failure of its own
        return None
    # Keep the table small: forget failures older than a day.
    LoginFailure.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    return attempt


def clear_login_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


@transaction.atomic
def set_password(*, actor: User, user: User, password: str) -> None:
    """Set ``user``'s password (their own change, or an admin's reset) and audit who did it, never the hash."""
    from salesflow.core.audit import record
    from salesflow.core.models import AuditEntry

    user.set_password(password)
    user.save(update_fields=["password"])
    note = "password changed" if actor.pk == user.pk else "password reset by an administrator"
    record(user, AuditEntry.Action.ACTION, note=note, actor=actor)
