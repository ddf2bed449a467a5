"""Form errors a person understands: never a database constraint name."""

from salesflow.testing.factories import customer_form_data, make_customer


def test_negative_credit_limit_is_a_field_error_not_a_constraint_name(org, client_for):
    customer = make_customer(org.rep_a)
    response = client_for(org.rep_a).post(f"/customers/{customer.pk}/edit/",
                                          customer_form_data(customer, credit_limit="-1"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "customer_credit_limit_not_negative" not in html and "约束" not in html
    assert "大于或等于0" in html
