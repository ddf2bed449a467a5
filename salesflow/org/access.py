"""The one permission mechanism. Every list, detail, export, API endpoint and report asks it.

A business model opts in by using :class:`OwnedQuerySet` (or calling :func:`visibility_q`) and naming,
as class attributes, the paths to its owner and owning team::

    class Contact(models.Model):
        ACCESS_OWNER = "customer__owner"
        ACCESS_TEAM = "customer__team"

Rules:
* scope *all*   -> every record;
* scope *team*  -> records owned by anyone in the user's team or its sub-teams, plus the user's own;
* scope *own*   -> the user's own records only.
Reading is decided by :func:`visibility_q`; changing additionally needs a role that edits business records.

Finance: reads only what a model marks with ``FINANCE_READS = True`` (customer master data today; contracts,
payments and receivables when they arrive) and edits only what a model marks with ``FINANCE_EDITS = True``.
Pipeline details (opportunities, leads) and the customer pool are not finance's business: finance sees none of
them and creates none of them (:func:`can_create_pipeline_records`).
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Role, Scope, Team

# Matches no row but still compiles to SQL (raw-SQL analytics embed visible querysets as subqueries).
NOTHING = Q(pk__isnull=True)


def team_subtree_ids(user) -> list[int]:
    """Ids of the user's team and all its sub-teams (cached on the user object for the request)."""
    if not user.team_id:
        return []
    cached = getattr(user, "_team_subtree_ids", None)
    if cached is None:
        team_path = Team.objects.filter(pk=user.team_id).values_list("path", flat=True).first() or "\0"
        cached = list(Team.objects.filter(path__startswith=team_path).values_list("id", flat=True))
        user._team_subtree_ids = cached
    return cached


def effective_scope(user) -> str:
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope.ALL
    return user.scope


def is_finance(user) -> bool:
    return user.role == Role.FINANCE and not user.is_superuser


def can_create_pipeline_records(user) -> bool:
    """Customers, leads and opportunities are created by the sales roles only (never by finance)."""
    return bool(user is not None and user.is_authenticated and user.is_active and not is_finance(user))


def require_can_create(user) -> None:
    if not can_create_pipeline_records(user):
        raise PermissionDenied(_("Your role cannot create customers, leads or opportunities."))


def visibility_q(user, model) -> Q:
    """The filter that restricts ``model`` to the rows ``user`` may read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if is_finance(user) and not getattr(model, "FINANCE_READS", False):
        return NOTHING
    scope = effective_scope(user)
    if scope == Scope.ALL:
        return Q()
    owner = getattr(model, "ACCESS_OWNER", "owner")
    own = Q(**{f"{owner}_id": user.pk}) if "__" not in owner else Q(**{owner: user.pk})
    if scope == Scope.TEAM:
        team = getattr(model, "ACCESS_TEAM", "team")
        return own | Q(**{f"{team}__in": team_subtree_ids(user)})
    return own


class OwnedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visibility_q(user, self.model))

    def seen_by(self, viewer):
        """The rows ``viewer`` may read; ``None`` is the system's view — every row (the CLI without ``--user``,
        jobs). Not for a request: an anonymous request's user is never None here."""
        return self if viewer is None else self.visible_to(viewer)

    def owned_by(self, user):
        return self.filter(**{getattr(self.model, "ACCESS_OWNER", "owner"): user})


def users_in_scope(user):
    """The active users whose records ``user`` oversees (the queryset form of :func:`oversees`)."""
    from .models import User

    users = User.objects.filter(is_active=True)
    if user is None or not user.is_authenticated or not user.is_active:
        return users.none()
    scope = effective_scope(user)
    if scope == Scope.TEAM:
        users = users.filter(Q(team__in=team_subtree_ids(user)) | Q(pk=user.pk))
    elif scope != Scope.ALL:
        users = users.filter(pk=user.pk)
    return users


def oversees(actor, user) -> bool:
    """May ``actor`` act on ``user``'s records (assign to them, adjust their forecast, report on them)?

    The one definition: yourself always; everyone with scope *all*; your team and its sub-teams with scope
    *team*; nobody else with scope *own*. :func:`users_in_scope` is the same rule as a queryset.
    """
    if actor is None or user is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.pk == user.pk:
        return True
    scope = effective_scope(actor)
    if scope == Scope.ALL:
        return True
    if scope == Scope.TEAM:
        return user.team_id is not None and user.team_id in team_subtree_ids(actor)
    return False


def assignable_users(actor):
    """The people ``actor`` may hand records to: active reps and managers they oversee (pickers list these)."""
    from .models import Role

    if actor is None or not getattr(actor, "is_manager_or_above", False):
        return users_in_scope(None)
    return users_in_scope(actor).filter(role__in=[Role.REP, Role.MANAGER]).order_by("username")


def can_view(user, obj) -> bool:
    model = type(obj)
    return model._default_manager.filter(visibility_q(user, model), pk=obj.pk).exists()


def can_change(user, obj) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_finance(user) and not getattr(type(obj), "FINANCE_EDITS", False):
        return False
    return can_view(user, obj)


def can_add(user, model, parent) -> bool:
    """May ``user`` create a ``model`` row that belongs to ``parent`` (e.g. a payment on an agreement)?

    Finance: when ``model`` is marked ``FINANCE_EDITS`` and it may read the parent; everyone else: when they may
    change the parent (so nobody adds to another rep's records unless they oversee them)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_finance(user):
        return bool(getattr(model, "FINANCE_EDITS", False)) and can_view(user, parent)
    return can_change(user, parent)


def require_change_with(allowed: bool) -> None:
    """Refuse (403) unless a permission rule (e.g. ``can_add``, or a service's ``can_*`` built on it) allowed it."""
    if not allowed:
        raise PermissionDenied(_("You may not change this record."))


def is_finance_or_admin(user) -> bool:
    """Finance's own acts (issuing invoices), which an administrator may stand in for."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in (Role.FINANCE, Role.ADMIN)))


def require_change(user, obj) -> None:
    if not can_change(user, obj):
        raise PermissionDenied(_("You may not change this record."))


def require_role(user, *roles) -> None:
    if not (user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles)):
        raise PermissionDenied(_("Your role does not allow this."))


def get_visible_or_404(queryset_or_model, user, **lookup):
    """Fetch one record the user may read; anything else is a 404 (existence is not leaked)."""
    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model
    )
    try:
        return queryset.filter(visibility_q(user, queryset.model)).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
