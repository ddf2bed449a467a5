"""maven-crm step 10: sales_teams.csv -> regional offices, one team per manager, managers and agents as users."""

import re

from salesflow.core.maven import read_csv
from salesflow.core.registry import maven_steps

from .models import DEFAULT_SCOPE, Role, Team, User


def username_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")


def _user(name: str, role: str, team: Team) -> User:
    user, created = User.objects.get_or_create(
        username=username_for(name),
        defaults={"display_name": name, "role": role, "scope": DEFAULT_SCOPE[Role(role)], "team": team},
    )
    if created:
        user.set_unusable_password()  # imported people log in only after an admin sets a password
        user.save(update_fields=["password"])
    elif user.team_id != team.pk:
        user.team = team
        user.save(update_fields=["team"])
    return user


@maven_steps.register("sales-teams", "sales_teams.csv: offices, managers' teams, agents", order=10)
def import_sales_teams(folder, ctx, stdout):
    rows = read_csv(folder, "sales_teams.csv")
    root, _ = Team.objects.get_or_create(name="MavenTech", parent=None)
    offices, manager_teams, agents = {}, {}, {}
    for row in rows:
        office_name = row["regional_office"].strip()
        if office_name not in offices:
            offices[office_name], _ = Team.objects.get_or_create(name=office_name, parent=root)
        manager_name = row["manager"].strip()
        if manager_name not in manager_teams:
            team, _ = Team.objects.get_or_create(name=f"{manager_name} team", parent=offices[office_name])
            manager = _user(manager_name, Role.MANAGER, team)
            if team.manager_id != manager.pk:
                team.manager = manager
                team.save()
            manager_teams[manager_name] = team
        agents[row["sales_agent"].strip()] = _user(row["sales_agent"].strip(), Role.REP, manager_teams[manager_name])
    ctx["agents"] = agents
    ctx["summary"].append(
        f"sales teams: {len(offices)} regional offices, {len(manager_teams)} managers, {len(agents)} agents "
        "(imported users have no password until an admin sets one)")
