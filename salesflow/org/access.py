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
Reading is decided by :func:`visibility_q`; changing additionally needs a role that edits business records
(finance reads everything but edits only what a model marks with ``FINANCE_EDITS = True``).
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from .models import Role, Scope, Team

NOTHING = Q(pk__in=[])


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


def visibility_q(user, model) -> Q:
    """The filter that restricts ``model`` to the rows ``user`` may read."""
    if user is None or not user.is_authenticated or not user.is_active:
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

    def owned_by(self, user):
        return self.filter(**{getattr(self.model, "ACCESS_OWNER", "owner"): user})


def users_in_scope(user):
    """The active users whose records ``user`` oversees: everyone (scope all) or their team subtree and themselves."""
    from .models import User

    users = User.objects.filter(is_active=True)
    if effective_scope(user) != Scope.ALL:
        users = users.filter(Q(team__in=team_subtree_ids(user)) | Q(pk=user.pk))
    return users


def can_view(user, obj) -> bool:
    model = type(obj)
    return model._default_manager.filter(visibility_q(user, model), pk=obj.pk).exists()


def can_change(user, obj) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.FINANCE and not getattr(type(obj), "FINANCE_EDITS", False):
        return False
    return can_view(user, obj)


def require_change(user, obj) -> None:
    if not can_change(user, obj):
        raise PermissionDenied("You may not change this record.")


def require_role(user, *roles) -> None:
    if not (user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles)):
        raise PermissionDenied("Your role does not allow this.")


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
