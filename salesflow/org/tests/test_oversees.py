"""One definition of "may this person act on that person's records", and pickers that offer only those people."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied

from salesflow.customers import services as customer_services
from salesflow.leads.models import Lead
from salesflow.org import access
from salesflow.pipeline import forecasting
from salesflow.testing.factories import make_customer


def owner_choices(html: str) -> set[str]:
    """Option values of every <select name="owner"> on the page."""
    values = set()
    for select in re.findall(r'<select[^>]*name="owner"[^>]*>(.*?)</select>', html, flags=re.S):
        values |= set(re.findall(r'<option value="(\d+)"', select))
    return values


def test_oversees_follows_scope(org):
    assert access.oversees(org.director, org.rep_b)  # scope all
    assert access.oversees(org.manager_east, org.rep_a)  # team subtree
    assert not access.oversees(org.manager_east, org.rep_b)  # another team
    assert access.oversees(org.rep_a, org.rep_a) and not access.oversees(org.rep_a, org.rep_a2)  # own
    assert set(access.users_in_scope(org.manager_east)) == {org.manager_east, org.rep_a, org.rep_a2}
    assert set(access.users_in_scope(org.rep_a)) == {org.rep_a}


def test_every_rule_that_asks_uses_the_same_answer(org):
    customer = make_customer(None, name="公海甲有限公司")
    with pytest.raises(PermissionDenied):
        customer_services.assign_customer(actor=org.manager_east, customer=customer, owner=org.rep_b)
    assigned = customer_services.assign_customer(actor=org.manager_east, customer=customer, owner=org.rep_a)
    assert assigned.owner == org.rep_a
    submission = forecasting.submit_forecast(actor=org.rep_b, period_label="2026-Q4", commit=1, best_case=2)
    with pytest.raises(PermissionDenied):
        forecasting.adjust_forecast(actor=org.manager_east, submission=submission, commit=1, best_case=2, reason="x")


def test_assignment_pickers_list_only_people_the_actor_may_assign_to(org, client_for):
    customer = make_customer(org.rep_a, name="挑人有限公司")
    make_customer(None, name="公海乙有限公司")  # so the pool page shows an assignment picker
    lead = Lead.objects.create(company="挑人线索", phone="13300000000", owner=org.rep_a, team=org.rep_a.team)
    client = client_for(org.manager_east)
    for url in (f"/customers/{customer.pk}/", f"/leads/{lead.pk}/", "/customers/pool/", "/customers/"):
        offered = owner_choices(client.get(url).content.decode())
        assert str(org.rep_a2.pk) in offered, url
        assert str(org.rep_b.pk) not in offered and str(org.director.pk) not in offered, url
    # A forged choice outside the picker is refused and changes nothing.
    response = client.post(f"/customers/{customer.pk}/assign/", {"owner": org.rep_b.pk})
    assert response.status_code in (302, 403)
    customer.refresh_from_db()
    assert customer.owner == org.rep_a
    assert json.loads(client.get("/api/v1/org/users").content)["count"] == 3
