import datetime
from decimal import Decimal

import pytest

from salesflow.contracts.models import Agreement, AgreementLine
from salesflow.contracts.receivables import selectors, services
from salesflow.testing import factories

from .factories import make_agreement

D = Decimal
AS_OF = datetime.date(2026, 6, 30)


def days_before(n):
    return AS_OF - datetime.timedelta(days=n)


@pytest.mark.parametrize("days_overdue, bucket", [
    (-1, "not_due"), (0, "not_due"), (1, "d1_30"), (30, "d1_30"), (31, "d31_60"), (60, "d31_60"),
    (61, "d61_90"), (90, "d61_90"), (91, "d90_plus"), (400, "d90_plus"),
])
def test_ageing_bucket_boundaries(org, days_overdue, bucket):
    make_agreement(org.rep_a, amount="100", signed_on=datetime.date(2025, 1, 1),
                   plan=[(days_before(days_overdue), "100")])
    totals = selectors.ageing(org.director, AS_OF)["totals"]
    assert totals[bucket] == D("100.00")
    assert sum(totals[b] for b in selectors.BUCKETS) == D("100.00") == totals["total"]
    assert totals["overdue"] == (D("100.00") if days_overdue > 0 else D("0.00"))


def test_ageing_as_of_a_past_date_counts_only_payments_received_by_then(org):
    agreement = make_agreement(org.rep_a, amount="1000", signed_on=datetime.date(2026, 1, 1),
                               plan=[(datetime.date(2026, 2, 1), "400"), (datetime.date(2026, 3, 1), "600")])
    services.record_payment(agreement, amount="300", received_on=datetime.date(2026, 2, 10), actor=org.finance)
    services.record_payment(agreement, amount="500", received_on=datetime.date(2026, 4, 10), actor=org.finance)
    # now: 200 open on instalment 2
    today = selectors.ageing(org.director, datetime.date(2026, 4, 15))["totals"]
    assert today["total"] == D("200.00")
    # on 2026-03-15: only the first payment (300) had arrived: 100 of #1 (42 days over) and 600 of #2 (14 days)
    past = selectors.ageing(org.director, datetime.date(2026, 3, 15), group_by="rep")
    assert past["totals"]["total"] == D("700.00")
    assert past["totals"]["d1_30"] == D("600.00") and past["totals"]["d31_60"] == D("100.00")
    assert [(r["label"], r["total"]) for r in past["rows"]] == [("rep_a", D("700.00"))]
    # before signing nothing was receivable
    assert selectors.ageing(org.director, datetime.date(2025, 12, 31))["totals"]["total"] == D("0.00")


def test_ageing_as_of_a_past_date_ignores_later_reversals(org):
    agreement = make_agreement(org.rep_a, amount="1000", signed_on=datetime.date(2026, 1, 1),
                               plan=[(datetime.date(2026, 2, 1), "1000")])
    payment = services.record_payment(agreement, amount="1000", received_on=datetime.date(2026, 2, 1),
                                      actor=org.finance)
    services.reverse_payment(payment, reason="退票", actor=org.finance)
    # reversed (today): everything open now, but on 2026-03-01 it had been paid
    assert selectors.ageing(org.director)["totals"]["total"] == D("1000.00")
    assert selectors.ageing(org.director, datetime.date(2026, 3, 1))["totals"]["total"] == D("0.00")


def test_ageing_groups_and_visibility(org):
    make_agreement(org.rep_a, amount="100", plan=[(days_before(10), "100")])
    make_agreement(org.rep_b, amount="250", plan=[(days_before(100), "250")])
    make_agreement(org.rep_b, amount="999", status=Agreement.Status.DRAFT)
    by_team = selectors.ageing(org.director, AS_OF, group_by="team")
    assert [(r["label"], r["total"]) for r in by_team["rows"]] == [("West", D("250.00")), ("East-1", D("100.00"))]
    assert selectors.ageing(org.rep_a, AS_OF)["totals"]["total"] == D("100.00")
    assert selectors.ageing(org.manager_west, AS_OF)["totals"]["total"] == D("250.00")
    assert selectors.ageing(org.finance, AS_OF)["totals"]["total"] == D("350.00")


def test_outstanding_per_customer_and_rep(org):
    customer = factories.make_customer(org.rep_a)
    first = make_agreement(org.rep_a, amount="1000", customer=customer)
    make_agreement(org.rep_a, amount="500", customer=customer)
    services.record_payment(first, amount="400", received_on=AS_OF, actor=org.finance)
    assert selectors.outstanding_for_customer(customer) == D("1100.00")
    assert [(r["label"], r["outstanding"]) for r in selectors.outstanding(org.director, by="rep")] == [
        ("rep_a", D("1100.00"))]
    assert selectors.outstanding(org.rep_b, by="rep") == []


def test_a_rep_is_named_by_display_name_in_grouped_figures(org):
    org.rep_a.display_name = "张鹏"
    org.rep_a.save()
    make_agreement(org.rep_a, amount="1000")
    assert [r["label"] for r in selectors.outstanding(org.director, by="rep")] == ["张鹏"]
    assert [r["label"] for r in selectors.ageing(org.director, AS_OF, group_by="rep")["rows"]] == ["张鹏"]


def test_dso_per_team(org):
    # East-1 signed 9000 in the last 90 days and 3000 is still open: DSO = 3000 / 9000 × 90 = 30 days
    agreement = make_agreement(org.rep_a, amount="9000", signed_on=days_before(10))
    services.record_payment(agreement, amount="6000", received_on=days_before(5), actor=org.finance)
    result = selectors.dso(org.director, AS_OF, by="team")
    assert [(r["label"], r["receivable"], r["signed"], r["dso"]) for r in result["rows"]] == [
        ("East-1", D("3000.00"), D("9000.00"), D("30.0"))]
    # a week earlier the payment had not arrived: 9000 / 9000 × 90
    assert selectors.dso(org.director, days_before(7))["rows"][0]["dso"] == D("90.0")


def test_collection_stats_totals_to_the_cent(org):
    a = make_agreement(org.rep_a, amount="1000.10", signed_on=datetime.date(2026, 1, 15))
    b = make_agreement(org.rep_b, amount="2000.20", signed_on=datetime.date(2026, 2, 3))
    services.record_payment(a, amount="333.33", received_on=datetime.date(2026, 2, 1), actor=org.finance)
    services.record_payment(b, amount="0.01", received_on=datetime.date(2026, 2, 28), actor=org.finance)
    invoice = services.request_invoice(b, amount="100.05", type="normal", tax_rate=13, actor=org.rep_b)
    services.issue_invoice(invoice, number="I-1", issued_on=datetime.date(2026, 3, 2), actor=org.finance)
    by_month = selectors.collection_stats(org.director, "2026", by="month")
    assert [(r["label"], r["signed"], r["collected"], r["invoiced"]) for r in by_month["rows"]] == [
        ("2026-01", D("1000.10"), D("0.00"), D("0.00")),
        ("2026-02", D("2000.20"), D("333.34"), D("0.00")),
        ("2026-03", D("0.00"), D("0.00"), D("100.05")),
    ]
    assert by_month["totals"] == {"signed": D("3000.30"), "collected": D("333.34"), "invoiced": D("100.05"),
                                  "rate": D("11.1")}
    by_rep = selectors.collection_stats(org.director, "2026-Q1", by="rep")
    assert {r["label"]: r["collected"] for r in by_rep["rows"]} == {"rep_a": D("333.33"), "rep_b": D("0.01")}
    assert selectors.collection_stats(org.rep_a, "2026", by="team")["totals"]["signed"] == D("1000.10")


def test_collection_stats_by_product_splits_by_line_share(org):
    from salesflow.catalog.models import Product

    p1 = Product.objects.create(name="软件", code="P1")
    p2 = Product.objects.create(name="服务", code="P2")
    a = make_agreement(org.rep_a, amount="1000", signed_on=datetime.date(2026, 1, 15))
    AgreementLine.objects.create(agreement=a, product=p1, quantity=1, unit_price=750, amount=750)
    AgreementLine.objects.create(agreement=a, product=p2, quantity=1, unit_price=250, amount=250)
    services.record_payment(a, amount="400", received_on=datetime.date(2026, 2, 1), actor=org.finance)
    rows = {r["label"]: (r["signed"], r["collected"]) for r in
            selectors.collection_stats(org.director, "2026", by="product")["rows"]}
    assert rows == {"软件": (D("750.00"), D("300.00")), "服务": (D("250.00"), D("100.00"))}


def test_collection_forecast_next_three_months(org):
    today = datetime.date(2026, 5, 20)
    a = make_agreement(org.rep_a, amount="1000", signed_on=datetime.date(2026, 1, 1), plan=[
        (datetime.date(2026, 4, 1), "100"), (datetime.date(2026, 5, 31), "200"), (datetime.date(2026, 6, 1), "300"),
        (datetime.date(2026, 7, 31), "150"), (datetime.date(2026, 8, 1), "250")])
    services.record_payment(a, amount="150", received_on=today, actor=org.finance)  # 100 on April, 50 on May
    result = selectors.collection_forecast(org.director, months=3, today=today)
    assert result["overdue_before"] == D("0.00")
    assert [(r["month"], r["planned"], r["collected"], r["outstanding"]) for r in result["rows"]] == [
        ("2026-05", D("200.00"), D("50.00"), D("150.00")),
        ("2026-06", D("300.00"), D("0.00"), D("300.00")),
        ("2026-07", D("150.00"), D("0.00"), D("150.00")),
    ]


@pytest.mark.parametrize("status", [Agreement.Status.DRAFT, Agreement.Status.PENDING])
def test_unsigned_agreements_take_no_payment_and_no_invoice_so_statistics_need_not_join_them(org, status):
    # collection_stats counts payments and invoices by visibility alone, without re-checking the agreement's status
    from django.core.exceptions import ValidationError

    unsigned = make_agreement(org.rep_a, amount="1000", status=status)
    with pytest.raises(ValidationError):
        services.record_payment(unsigned, amount="100", received_on=datetime.date(2026, 2, 1), actor=org.finance)
    with pytest.raises(ValidationError):
        services.request_invoice(unsigned, amount="100", type="normal", tax_rate=13, actor=org.rep_a)
    assert not unsigned.payments.exists() and not unsigned.invoices.exists()


def test_collection_stats_count_payments_of_an_agreement_terminated_since(org):
    a = make_agreement(org.rep_a, amount="1000", signed_on=datetime.date(2026, 1, 15))
    services.record_payment(a, amount="400", received_on=datetime.date(2026, 2, 1), actor=org.finance)
    Agreement.objects.filter(pk=a.pk).update(status=Agreement.Status.TERMINATED)
    stats = selectors.collection_stats(org.director, "2026", by="team")
    assert stats["totals"]["collected"] == D("400.00")
    assert sum(r["collected"] for r in stats["rows"]) == D("400.00")
    assert selectors.collection_stats(org.rep_b, "2026", by="month")["totals"]["collected"] == D("0.00")


def test_ageing_totals_are_the_same_grouped_ungrouped_and_with_groups_cut_off(org):
    from django.utils import timezone

    today = timezone.localdate()

    def ago(n):
        return today - datetime.timedelta(days=n)

    make_agreement(org.rep_a, amount="1000", signed_on=ago(200), plan=[(ago(10), "400"), (ago(-5), "600")])
    make_agreement(org.rep_b, amount="2000", signed_on=ago(200), plan=[(ago(45), "2000")])
    make_agreement(org.manager_east, amount="300.03", signed_on=ago(200), plan=[(ago(100), "300.03")])
    plain = selectors.ageing(org.director)["totals"]
    assert plain["total"] == D("3300.03") and plain["overdue"] == D("2700.03") and plain["d31_60"] == D("2000.00")
    for group_by in ("rep", "team", "customer", "agreement"):
        assert selectors.ageing(org.director, group_by=group_by)["totals"] == plain
        cut = selectors.ageing(org.director, group_by=group_by, limit=1)
        assert cut["totals"] == plain and [r["total"] for r in cut["rows"]] == [D("2000.00")]
    assert selectors.ageing(org.rep_b, group_by="rep", limit=5)["totals"]["total"] == D("2000.00")


@pytest.mark.parametrize("status", [Agreement.Status.DRAFT, Agreement.Status.PENDING,
                                    Agreement.Status.TERMINATED])
def test_ageing_and_forecast_leave_out_instalments_of_agreements_not_receivable(org, status):
    make_agreement(org.rep_a, amount="1000", plan=[(days_before(10), "1000")])
    make_agreement(org.rep_a, amount="5000", plan=[(days_before(10), "5000")], status=status)
    for user in (org.director, org.rep_a):
        assert selectors.ageing(user)["totals"]["total"] == D("1000.00")
        assert selectors.ageing(user, group_by="rep")["totals"]["total"] == D("1000.00")
        assert selectors.collection_forecast(user)["overdue_before"] == D("1000.00")
