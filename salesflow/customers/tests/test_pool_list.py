"""The pool list: filters (class, industry, region, return reason, returned since), previous owner and reason."""

import datetime

from django.utils import timezone

from salesflow.customers import services
from salesflow.customers.models import Customer, OwnershipChange
from salesflow.testing.factories import make_customer, make_region


def _returned(owner, name, reason, **extra):
    customer = make_customer(owner, name=name, **extra)
    return services.return_customer_to_pool(actor=owner, customer=customer, reason=reason)


def _names(response) -> list[str]:
    return [c.name for c, _returned in response.context["rows"]]


def test_pool_shows_previous_owner_and_latest_return_reason(org, client_for):
    org.rep_a.display_name = "王五"
    org.rep_a.save()
    customer = _returned(org.rep_a, "退回测试公司", "客户已倒闭")
    services.claim_customer(actor=org.rep_b, customer=Customer.objects.get(pk=customer.pk))
    services.return_customer_to_pool(actor=org.rep_b, customer=Customer.objects.get(pk=customer.pk),
                                     reason="预算取消")
    html = client_for(org.rep_a2).get("/customers/pool/").content.decode()
    row = html.split("退回测试公司", 1)[1].split("</tr>", 1)[0]
    assert str(org.rep_b) in row and "预算取消" in row  # the latest return, not the first
    assert "客户已倒闭" not in row


def test_pool_page_loads_returns_in_one_query_not_per_row(org, client_for, django_assert_num_queries):
    for i in range(10):
        _returned(org.rep_a if i % 2 else org.rep_b, f"批量退回{i}", f"原因{i}")
    client = client_for(org.rep_a)
    client.get("/customers/pool/")
    with django_assert_num_queries(8) as captured:
        client.get("/customers/pool/")
    assert sum("customers_ownershipchange" in q["sql"] for q in captured.captured_queries) == 1


def test_pool_filters_by_class_industry_and_region(org, client_for):
    east = make_region("华东")
    shanghai = make_region("上海", parent=east)
    _returned(org.rep_a, "甲A制造上海", "无需求", customer_class="A", industry="制造业", region=shanghai)
    _returned(org.rep_a, "乙B制造", "无需求", customer_class="B", industry="制造业")
    _returned(org.rep_a, "丙A零售", "无需求", customer_class="A", industry="零售")
    client = client_for(org.rep_a2)
    assert _names(client.get("/customers/pool/?customer_class=A&industry=制造业")) == ["甲A制造上海"]
    assert _names(client.get(f"/customers/pool/?region={east.pk}")) == ["甲A制造上海"]
    assert sorted(_names(client.get("/customers/pool/?industry=制造业"))) == ["乙B制造", "甲A制造上海"]


def test_pool_filters_by_return_reason_and_kind(org, client_for):
    _returned(org.rep_a, "预算公司", "客户预算取消")
    _returned(org.rep_a, "倒闭公司", "客户已倒闭")
    automatic = make_customer(org.rep_a, name="自动退回公司")
    services._set_owner(automatic, None)
    OwnershipChange.objects.create(customer=automatic, action=OwnershipChange.Action.AUTO_RETURN,
                                   from_owner=org.rep_a, reason="30 天未跟进")
    client = client_for(org.rep_a2)
    assert _names(client.get("/customers/pool/?reason=预算")) == ["预算公司"]
    assert _names(client.get("/customers/pool/?return_kind=auto_return")) == ["自动退回公司"]
    assert sorted(_names(client.get("/customers/pool/?return_kind=return"))) == ["倒闭公司", "预算公司"]


def test_pool_filters_by_returned_since(org, client_for):
    old = _returned(org.rep_a, "早退回公司", "无需求")
    Customer.objects.filter(pk=old.pk).update(pool_entered_at=timezone.now() - datetime.timedelta(days=40))
    _returned(org.rep_a, "新退回公司", "无需求")
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert _names(client_for(org.rep_a2).get(f"/customers/pool/?returned_since={since}")) == ["新退回公司"]


def test_pool_filter_panel_is_open_only_when_filtering(org, client_for):
    client = client_for(org.rep_a)
    assert '<details class="more-filters">' in client.get("/customers/pool/").content.decode()
    assert '<details class="more-filters" open>' in client.get("/customers/pool/?customer_class=A").content.decode()

