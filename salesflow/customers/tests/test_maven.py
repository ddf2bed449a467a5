import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command

from salesflow.customers.models import Customer
from salesflow.org.models import Role, Team, User
from salesflow.testing.shared_data import SHARED_DATA, require_shared_data

MAVEN = SHARED_DATA / "maven-crm"


@pytest.fixture(autouse=True)
def _maven_data_present():
    """Skips without the data set, fails in CI (CI=true) so the comparison never passes by skipping."""
    require_shared_data(MAVEN)


def rows(name):
    with (MAVEN / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_maven_import_loads_teams_agents_and_accounts_as_in_the_files(db):
    out = io.StringIO()
    call_command("import", "maven-crm", str(MAVEN), stdout=out)
    teams = rows("sales_teams.csv")
    assert User.objects.filter(role=Role.REP).count() == len({r["sales_agent"] for r in teams}) == 35
    assert User.objects.filter(role=Role.MANAGER).count() == len({r["manager"] for r in teams}) == 6
    assert Team.objects.filter(parent__name="MavenTech").count() == 3
    accounts = rows("accounts.csv")
    imported = Customer.objects.all()
    assert imported.count() == len(accounts) == 85
    # Sectors as in the file, typos included.
    assert Counter(imported.values_list("industry", flat=True)) == Counter(r["sector"] for r in accounts)
    # Each agent sits in their manager's team.
    for row in teams:
        agent = User.objects.get(display_name=row["sales_agent"])
        assert agent.team.name == f"{row['manager']} team" and agent.team.parent.name == row["regional_office"]
    assert "85 customers" in out.getvalue()


def test_maven_import_twice_updates_instead_of_duplicating(db):
    call_command("import", "maven-crm", str(MAVEN), stdout=io.StringIO())
    call_command("import", "maven-crm", str(MAVEN), stdout=io.StringIO())
    assert Customer.objects.all().count() == 85
    assert User.objects.filter(role=Role.REP).count() == 35
