"""The opportunities section of the customer page offers "New opportunity" only to whom the create door admits."""

from salesflow.testing.factories import make_customer

BUTTON = 'data-testid="new-opportunity"'


def test_finance_sees_the_opportunities_of_a_customer_but_is_not_offered_to_create_one(org, client_for):
    customer = make_customer(org.rep_a)
    client = client_for(org.finance)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="opportunities-section"' in page
    assert BUTTON not in page
    assert client.get(f"/opportunities/new/?customer={customer.pk}").status_code == 403


def test_the_owner_and_the_manager_are_offered_to_create_an_opportunity(org, client_for):
    customer = make_customer(org.rep_a)
    for user in (org.rep_a, org.manager_east):
        assert BUTTON in client_for(user).get(f"/customers/{customer.pk}/").content.decode(), user
