"""Organisation reports for ``salesflow report``."""

from django.db.models import Count

from salesflow.core.registry import reports

from . import access
from .models import User


@reports.register("headcount", "active users per team and role (within the caller's scope)")
def headcount(*, user=None, period=None):
    users = User.objects.filter(is_active=True) if user is None else access.users_in_scope(user)
    rows = (
        users.values("team__name", "role").annotate(users=Count("id")).order_by("team__name", "role")
    )
    return {"rows": [{"team": r["team__name"] or "", "role": r["role"], "users": r["users"]} for r in rows]}
