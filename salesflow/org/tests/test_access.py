import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from salesflow.customers.models import Customer
from salesflow.org import access
from salesflow.org.models import Scope
from salesflow.testing.factories import make_customer


@pytest.fixture
def customers(org):
    return {
        "a": make_customer(org.rep_a, name="A公司"),
        "a2": make_customer(org.rep_a2, name="A2公司"),
        "b": make_customer(org.rep_b, name="B公司"),
        "mgr": make_customer(org.manager_east, name="经理公司"),
    }


def visible_names(user):
    return set(Customer.objects.visible_to(user).values_list("name", flat=True))


def test_rep_sees_only_own_records(customers, org):
    assert visible_names(org.rep_a) == {"A公司"}


def test_manager_sees_own_team_and_sub_teams_but_not_other_teams(customers, org):
    assert visible_names(org.manager_east) == {"A公司", "A2公司", "经理公司"}
    assert visible_names(org.manager_west) == {"B公司"}


def test_director_and_finance_see_everything(customers, org):
    everything = {"A公司", "A2公司", "B公司", "经理公司"}
    assert visible_names(org.director) == everything
    assert visible_names(org.finance) == everything


def test_scope_is_per_user_not_per_role(customers, org):
    org.rep_a.scope = Scope.TEAM
    org.rep_a.save()
    assert visible_names(org.rep_a) == {"A公司", "A2公司"}


def test_inactive_user_sees_nothing(customers, org):
    org.director.is_active = False
    assert visible_names(org.director) == set()


def test_seen_by_none_is_the_systems_view_and_otherwise_what_the_user_may_see(customers, org):
    everything = {"A公司", "A2公司", "B公司", "经理公司"}
    assert set(Customer.objects.seen_by(None).values_list("name", flat=True)) == everything
    for user in (org.rep_a, org.manager_west, org.director):
        assert set(Customer.objects.seen_by(user).values_list("name", flat=True)) == visible_names(user)
    org.director.is_active = False
    assert not Customer.objects.seen_by(org.director).exists()


def test_rep_cannot_change_other_reps_record(customers, org):
    assert access.can_change(org.rep_a, customers["a"])
    assert not access.can_change(org.rep_a, customers["b"])
    with pytest.raises(PermissionDenied):
        access.require_change(org.rep_a, customers["a2"])


def test_finance_reads_but_does_not_edit_sales_records(customers, org):
    assert access.can_view(org.finance, customers["b"])
    assert not access.can_change(org.finance, customers["b"])


def test_get_visible_or_404_hides_existence(customers, org):
    with pytest.raises(Http404):
        access.get_visible_or_404(Customer, org.rep_a, pk=customers["b"].pk)


def test_team_subtree_follows_a_moved_team(customers, org):
    # Move East-1 under West: West's manager now sees East-1's records, East's manager no longer does.
    org.east1.parent = org.west
    org.east1.save()
    for user in (org.manager_east, org.manager_west):
        user.refresh_from_db()
    assert "A公司" in visible_names(org.manager_west)
    assert "A公司" not in visible_names(org.manager_east)
