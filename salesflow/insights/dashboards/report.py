"""``salesflow report dashboard --json [--user U] [--period P]``: the user's role dashboard, as the home page and
the API show it (without --user: the director's view of the whole company)."""

from django.core.exceptions import ValidationError

from salesflow.core.registry import reports

from .panels import dashboard
from .scope import Scope, default_period, scope_from


@reports.register("dashboard", "a user's role dashboard (rep, manager, director, finance): every panel's figures")
def dashboard_report(*, user=None, period=None):
    if user is None:
        from salesflow.org.models import Role, User

        # The system's view: the first active admin's (all data), so the figures are the company's.
        user = User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first()
        if user is None:
            return {"role": None, "panels": [], "note": "no admin user: pass --user"}
    try:
        scope = scope_from(user, {"period": period}) if period else Scope(user, default_period())
    except ValidationError as exc:
        raise ValueError("; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
    return dashboard(scope)
