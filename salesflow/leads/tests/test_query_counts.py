"""Pinned SQL query counts of every lead page and API read (2 and 20 records must cost the same).

If a change adds a query on purpose, update the pin here; if the figure differs between 2 and 20 records, it is an
N+1 and the fix belongs in the view or queryset.
"""

import pytest

from salesflow.leads.models import Lead, LeadSource
from salesflow.leads.services import change_status, create_lead, merge_leads
from salesflow.testing.queries import assert_pinned


def leads_of(owner):
    source = LeadSource.objects.get_or_create(name="官网表单", defaults={"channel": "web"})[0]

    def grow(n):
        for _ in range(n):
            create_lead(actor=owner, owner=owner, company=f"星辰科技{Lead.objects.count()}有限公司",
                        contact_name="张总", phone="13500000000", source=source)
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/leads/", 7),
    ("manager_east", "/leads/", 9),
    ("director", "/leads/", 7),
    ("manager_east", "/leads/?q=星辰&status=new", 9),
])
def test_lead_lists_run_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, leads_of(org.rep_a), expected)


def lead_with_history(org):
    """A lead whose page shows duplicates (same phone), merged leads and status history that all grow."""
    lead = create_lead(actor=org.rep_a, owner=org.rep_a, company="主线索有限公司", contact_name="李总",
                       phone="13500000000")
    other_leads = leads_of(org.rep_a)

    def grow(n):
        other_leads(n)
        for i in range(n):
            duplicate = create_lead(actor=org.rep_a, owner=org.rep_a, company=f"被合并{i}有限公司", phone="13900000000")
            change_status(actor=org.rep_a, lead=duplicate, status=Lead.Status.CONTACTED)
            merge_leads(actor=org.rep_a, survivor=Lead.objects.get(pk=lead.pk), duplicate=duplicate)
    return lead, grow


@pytest.mark.parametrize("who", ["rep_a", "manager_east"])
def test_lead_page_runs_a_fixed_number_of_queries(org, client_for, who):
    lead, grow = lead_with_history(org)
    # +1 each: the follow-ups timeline (lead_sections)
    assert_pinned(client_for(getattr(org, who)), f"/leads/{lead.pk}/", grow, {"rep_a": 11, "manager_east": 14}[who])


def test_lead_edit_and_new_pages_run_a_fixed_number_of_queries(org, client_for):
    lead, grow = lead_with_history(org)
    client = client_for(org.rep_a)
    assert_pinned(client, f"/leads/{lead.pk}/edit/", grow, 7)
    assert_pinned(client, "/leads/new/", grow, 5)


@pytest.mark.parametrize(("who", "expected"), [("rep_a", 4), ("director", 4)])
def test_lead_api_list_runs_a_fixed_number_of_queries(org, client_for, who, expected):
    assert_pinned(client_for(getattr(org, who)), "/api/v1/leads/", leads_of(org.rep_a), expected)


def test_lead_api_detail_runs_a_fixed_number_of_queries(org, client_for):
    lead, grow = lead_with_history(org)
    assert_pinned(client_for(org.rep_a), f"/api/v1/leads/{lead.pk}", grow, 3)


def test_lead_builders_add_rows(org):
    lead, grow = lead_with_history(org)
    grow(2)
    assert Lead.objects.filter(merged_into=lead).count() == 2
    assert Lead.objects.filter(owner=org.rep_a).count() == 1 + 2 + 2
