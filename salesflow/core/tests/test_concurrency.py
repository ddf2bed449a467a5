import pytest

from salesflow.core.concurrency import StaleEditError
from salesflow.customers.models import Customer
from salesflow.testing.factories import customer_form_data, make_customer


def test_second_writer_with_stale_version_is_refused_and_first_write_survives(org):
    customer = make_customer(org.rep_a, name="原名")
    first = Customer.objects.get(pk=customer.pk)
    second = Customer.objects.get(pk=customer.pk)
    first.name = "第一次修改"
    first.save()
    second.name = "第二次修改"
    with pytest.raises(StaleEditError):
        second.save()
    assert Customer.objects.get(pk=customer.pk).name == "第一次修改"
    assert Customer.objects.get(pk=customer.pk).version == 2


def test_sequential_saves_bump_the_version(org):
    customer = make_customer(org.rep_a)
    assert customer.version == 1
    customer.save()
    customer.save()
    assert Customer.objects.get(pk=customer.pk).version == 3


def test_stale_form_submission_returns_409_with_message_and_keeps_data(org, client_for):
    customer = make_customer(org.rep_a, name="并发公司")
    client = client_for(org.rep_a)
    opened_version = customer.version
    first = client.post(f"/customers/{customer.pk}/edit/", customer_form_data(customer, name="先到"))
    assert first.status_code == 302
    response = client.post(
        f"/customers/{customer.pk}/edit/", customer_form_data(customer, name="后到", version=opened_version)
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).name == "先到"


def test_stale_api_patch_returns_409_json(org, client_for):
    customer = make_customer(org.rep_a, name="接口公司")
    client = client_for(org.rep_a)
    ok = client.patch(
        f"/api/v1/customers/{customer.pk}", {"version": 1, "name": "接口1"}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/customers/{customer.pk}", {"version": 1, "name": "接口2"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["message"]
    assert Customer.objects.get(pk=customer.pk).name == "接口1"
