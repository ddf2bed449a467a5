from salesflow.core.audit import acting_as
from salesflow.core.models import AuditEntry
from salesflow.testing.factories import customer_form_data, make_customer


def test_create_update_delete_are_recorded_with_actor_and_diff(org):
    with acting_as(org.rep_a):
        customer = make_customer(org.rep_a, name="审计测试公司", industry="制造业")
        customer = type(customer).objects.get(pk=customer.pk)
        customer.industry = "零售"
        customer.save()
    entries = list(AuditEntry.for_object(customer).order_by("id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.actor == org.rep_a for e in entries)
    assert entries[0].changes["name"] == "审计测试公司"
    assert entries[1].changes == {"industry": ["制造业", "零售"]}

    pk = customer.pk
    with acting_as(org.admin):
        customer.delete()
    deleted = AuditEntry.objects.filter(object_id=str(pk), action="delete").get()
    assert deleted.actor == org.admin


def test_save_without_changes_writes_no_entry(org):
    customer = make_customer(org.rep_a)
    before = AuditEntry.objects.count()
    type(customer).objects.get(pk=customer.pk).save()
    assert AuditEntry.objects.count() == before


def test_user_password_hash_never_reaches_the_audit_log(org):
    org.rep_a.set_password("a-new-password-123")
    org.rep_a.save()
    for entry in AuditEntry.objects.filter(object_id=str(org.rep_a.pk)):
        assert "password" not in entry.changes


def test_web_edit_is_attributed_to_the_logged_in_user(org, client_for):
    customer = make_customer(org.rep_a, name="网页编辑公司")
    client = client_for(org.rep_a)
    response = client.post(f"/customers/{customer.pk}/edit/", customer_form_data(customer, name="网页编辑公司2"))
    assert response.status_code == 302
    entry = AuditEntry.for_object(customer).filter(action="update").get()
    assert entry.actor == org.rep_a
    assert entry.changes["name"] == ["网页编辑公司", "网页编辑公司2"]


def test_audit_log_page_is_admin_only(org, client_for):
    make_customer(org.rep_a)
    assert client_for(org.rep_a).get("/audit/").status_code == 403
    response = client_for(org.admin).get("/audit/")
    assert response.status_code == 200
    assert "客户" in response.content.decode() or "customer" in response.content.decode()


def test_change_keys_that_are_not_fields_read_with_their_registered_labels(org, client_for):
    from django.utils import translation

    from salesflow.core.audit import record as audit_record
    from salesflow.core.audit_display import describe

    customer = make_customer(org.rep_a)
    audit_record(customer, "action", changes={"approval": "submitted", "steps": 2}, actor=org.rep_a)
    with translation.override("zh-hans"):
        rows = describe(AuditEntry.objects.filter(action="action"))[0].rows
    assert any(label == "审批" and "提交" in shown for label, _old, shown in rows), rows
    assert not any("submitted" in str(r) for r in rows)
