"""Pinned SQL query counts of the audit log, notifications and import pages (2 and 20 records cost the same)."""


from salesflow.core.notifications import notify
from salesflow.customers import services as customer_services
from salesflow.pipeline import services as pipeline_services
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def activity_of(org):
    """Customers, opportunities and audit entries of rep_a, which the home page counts and lists."""
    def grow(n):
        for i in range(n):
            customer = customer_services.create_customer(actor=org.rep_a, owner=org.rep_a, name=f"首页客户{i}有限公司")
            pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject=f"首页商机{i}", amount=10)
            make_customer(None)
    return grow


def test_audit_log_runs_a_fixed_number_of_queries(org, client_for):
    assert_pinned(client_for(org.admin), "/audit/", activity_of(org), 11)
    assert_pinned(client_for(org.admin), "/audit/?model=customer", activity_of(org), 8)


def test_notifications_page_runs_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for i in range(n):
            notify(recipient=org.rep_a, text=f"提醒{i}", url="/")
    assert_pinned(client_for(org.rep_a), "/notifications/", grow, 5)


def test_import_start_page_runs_a_fixed_number_of_queries(org, client_for):
    assert_pinned(client_for(org.rep_a), "/import/customers/", activity_of(org), 3)
