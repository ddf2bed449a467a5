from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from salesflow.core.api_schemas import Page, PathId, QueryId, QueryText

from . import access
from .models import Region, Role, Team

router = Router(tags=["organisation"])


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    scope: str
    team_id: int | None
    region_id: int | None
    is_active: bool


class TreeNodeOut(Schema):
    id: int
    name: str
    parent_id: int | None
    path: str
    depth: int


@router.get("/me", response=UserOut, summary="The authenticated user")
def me(request):
    return request.user


@router.get("/users", response=list[UserOut], summary="Users (admins and managers)")
@paginate(Page)
def list_users(request, team: QueryId = None, role: QueryText = ""):
    access.require_role(request.user, Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
    users = access.users_in_scope(request.user).order_by("username")
    if team:
        users = users.filter(team_id=team)
    if role:
        users = users.filter(role=role)
    return users


@router.get("/teams", response=list[TreeNodeOut])
@paginate(Page)
def list_teams(request):
    return Team.objects.order_by("path")


@router.get("/teams/{team_id}", response=TreeNodeOut)
def get_team(request, team_id: PathId):
    return get_object_or_404(Team, pk=team_id)


@router.get("/regions", response=list[TreeNodeOut])
@paginate(Page)
def list_regions(request):
    return Region.objects.order_by("path")
