"""How figures, codes and changes read in the Chinese UI: one money display, labels not codes."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from salesflow.core.audit import acting_as
from salesflow.core.audit_display import describe
from salesflow.core.models import AuditEntry
from salesflow.core.templatetags.salesflow_tags import money, money_short
from salesflow.testing.factories import make_customer


@pytest.mark.parametrize("value,text", [
    (Decimal("1234567"), "¥1,234,567.00"), (Decimal("0.5"), "¥0.50"), (1234.555, "¥1,234.56"),
    (Decimal("-20"), "-¥20.00"), (None, "—"), ("", "—"),
])
def test_money_shows_yuan_with_thousands_separators(value, text):
    assert money(value) == text


@pytest.mark.parametrize("value,text", [
    (Decimal("9800"), "¥9,800"), (Decimal("1234567"), "123.5万"), (Decimal("10000"), "1万"),
    (Decimal("123456789"), "1.2亿"), (Decimal("56789000000"), "567.9亿"),
])
def test_money_short_uses_wan_and_yi_in_chinese(value, text):
    with translation.override("zh-hans"):
        assert money_short(value) == text


def test_money_short_uses_k_and_m_in_english():
    with translation.override("en"):
        assert money_short(Decimal("1234567")) == "¥1.2M"
        assert money_short(Decimal("12500")) == "¥12.5K"


def test_status_code_is_shown_by_its_label():
    template = Template('{% load salesflow_tags %}{{ c|choice_label:"pipeline.Opportunity.type" }}')
    with translation.override("zh-hans"):
        assert template.render(Context({"c": "new_business"})) == "新业务"
        assert template.render(Context({"c": ""})) == "—"


def test_audit_entry_reads_field_by_field_with_labels_and_names(org):
    with acting_as(org.admin):
        customer = make_customer(org.rep_a, name="审计展示公司", industry="制造业", credit_limit=Decimal("1000"))
        customer = type(customer).objects.get(pk=customer.pk)
        customer.industry = "零售"
        customer.owner = org.rep_b
        customer.customer_class = "A"
        customer.credit_limit = Decimal("2500000")
        customer.save()
    entry = AuditEntry.for_object(customer).filter(action="update").select_related("content_type").get()
    with translation.override("zh-hans"):
        rows = {label: (old, new) for label, old, new in describe([entry])[0].rows}
    assert rows["行业"] == ("制造业", "零售")
    assert rows["负责人"] == (str(org.rep_a), str(org.rep_b))
    assert rows["客户分类"] == ("B（普通客户）", "A（重点客户）")
    assert rows["信用额度"] == ("¥1,000.00", "¥2,500,000.00")


def test_audit_log_page_shows_no_python_dicts(org, client_for):
    org.rep_a.display_name = "张三"
    org.rep_a.save()
    with acting_as(org.admin):
        customer = make_customer(org.rep_a, name="字典测试公司", industry="制造业")
        customer = type(customer).objects.get(pk=customer.pk)
        customer.industry = "零售"
        customer.save()
    html = client_for(org.admin).get("/audit/").content.decode()
    assert "{&#x27;" not in html and "{'" not in html and "[&#x27;" not in html
    assert "行业" in html and "<del>制造业</del> → <ins>零售</ins>" in html
    assert "张三" in html  # people by display name, not login


def test_audit_log_page_runs_one_query_per_related_model_not_per_row(org, client_for,
                                                                     django_assert_max_num_queries):
    with acting_as(org.admin):
        for i in range(12):
            customer = make_customer(org.rep_a, name=f"批量{i}")
            customer = type(customer).objects.get(pk=customer.pk)
            customer.owner = org.rep_b if i % 2 else org.rep_a2
            customer.save()
    client = client_for(org.admin)
    client.get("/audit/")
    with django_assert_max_num_queries(14):
        assert client.get("/audit/").status_code == 200


def test_audit_note_of_a_job_or_command_reads_in_chinese(org, client_for):
    from salesflow.core import audit
    from salesflow.core.models import AuditEntry

    with audit.acting_as(audit.SYSTEM):
        audit.record(org.rep_a, "update", note="每日回收")
    with audit.acting_as(audit.CLI):
        audit.record(org.rep_b, "update")
    notes = {e.note for e in AuditEntry.objects.filter(note__gt="")}
    assert {"system: 每日回收", "cli"} <= notes  # stored as the origin code
    html = client_for(org.admin).get("/audit/").content.decode()
    assert "系统: 每日回收" in html and "命令行" in html
    assert "system:" not in html
