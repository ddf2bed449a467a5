"""Counts that stop at a cap: the pager, the home tiles and the API envelope say "N+" instead of scanning every row."""

from salesflow.core.paging import CappedPaginator, capped_count, page_of
from salesflow.customers.models import Customer
from salesflow.testing.factories import make_customer


def test_count_below_the_cap_is_exact(org):
    for _ in range(3):
        make_customer(org.rep_a)
    count = capped_count(Customer.objects.all(), cap=5)
    assert (count, count.capped, str(count)) == (3, False, "3")


def test_count_past_the_cap_stops_at_the_cap_and_says_so(org):
    for _ in range(7):
        make_customer(org.rep_a)
    count = capped_count(Customer.objects.order_by("-created_at"), cap=5)
    assert (count, count.capped, str(count)) == (5, True, "5+")


def test_count_exactly_at_the_cap_is_not_marked_capped(org):
    for _ in range(5):
        make_customer(org.rep_a)
    assert capped_count(Customer.objects.all(), cap=5).capped is False


def test_capped_pager_pages_through_the_capped_rows(org):
    for _ in range(7):
        make_customer(org.rep_a)
    paginator = CappedPaginator(Customer.objects.order_by("id"), 2, cap=5)
    assert str(paginator.num_pages) == "3+"
    assert len(paginator.get_page(3).object_list) == 1


def test_customer_list_shows_a_capped_count_past_the_setting(org, client_for, settings):
    settings.COUNT_CAP = 3
    for _ in range(5):
        make_customer(org.rep_a)
    page = client_for(org.rep_a).get("/customers/").content.decode()
    assert "共 3+ 个客户" in page


def test_api_list_says_when_its_count_is_capped(org, client_for, settings):
    settings.COUNT_CAP = 3
    for _ in range(5):
        make_customer(org.rep_a)
    body = client_for(org.rep_a).get("/api/v1/customers/").json()
    assert (body["count"], body["count_is_capped"], len(body["items"])) == (3, True, 5)
    settings.COUNT_CAP = 10
    body = client_for(org.rep_a).get("/api/v1/customers/").json()
    assert (body["count"], body["count_is_capped"]) == (5, False)


def test_page_of_keeps_the_filters_and_drops_the_page_from_the_pager_links(org, rf):
    for _ in range(3):
        make_customer(org.rep_a)
    request = rf.get("/customers/", {"q": "客户", "sort": "name", "page": "2"})
    page, query_string = page_of(request, Customer.objects.order_by("pk"), per_page=2)
    assert page.number == 2 and len(page.object_list) == 1
    assert query_string == "q=%E5%AE%A2%E6%88%B7&sort=name"
