"""The further split of a target by one dimension the plan chooses (customer class, product series, region): a
node's period split evenly, by last year's share or by hand, adding up to the cent; completion per value from the
figure filtered by that value; measures that cannot be split by a dimension are refused, naming what they can."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from salesflow.core.money import allocate
from salesflow.performance import figures
from salesflow.performance.models import Target
from salesflow.performance.targets import dimensions, services
from salesflow.testing.api_client import ApiClient

pytestmark = pytest.mark.django_db


def class_plan(org, total="1000000.00", measure="signed_amount", kind="class"):
    plan = services.create_plan(actor=org.director, year=2026, measure=measure, total=total, dimension_kind=kind)
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    plan.refresh_from_db()
    return plan


def signed_with_class(signed, owner, day, amount, klass):
    agreement = signed(owner, day, amount)
    agreement.customer.customer_class = klass
    agreement.customer.save()
    return agreement


def test_an_even_split_by_customer_class_adds_up_to_the_cent(org):
    plan = class_plan(org, total="1000000.01")
    node = f"user:{org.rep_b.pk}"
    year = services.cells(plan)[(node, "2026")].amount
    dimensions.split_dimension(actor=org.manager_west, plan=plan, node=node, period="2026", method="even")
    parts = dict(Target.objects.filter(plan=plan, node=node, period="2026").exclude(dimension="")
                 .values_list("dimension", "amount"))
    assert set(parts) == {"class:A", "class:B", "class:C"} and sum(parts.values()) == year
    assert max(parts.values()) - min(parts.values()) <= Decimal("0.01")


def test_a_split_by_last_years_share_follows_last_years_actuals_per_class(org, signed):
    signed_with_class(signed, org.rep_b, datetime.date(2025, 5, 1), "300", "A")
    signed_with_class(signed, org.rep_b, datetime.date(2025, 6, 1), "100", "C")
    plan = class_plan(org)
    node = f"user:{org.rep_b.pk}"
    year = services.cells(plan)[(node, "2026")].amount
    result = dimensions.split_dimension(actor=org.director, plan=plan, node=node, period="2026", method="last_year")
    parts = dict(Target.objects.filter(plan=plan, node=node, period="2026").exclude(dimension="")
                 .values_list("dimension", "amount"))
    assert result.note == "" and parts["class:B"] == 0
    assert [parts["class:A"], parts["class:C"]] == allocate(year, [3, 1])


def test_a_split_by_hand_must_add_up_naming_the_node_and_the_difference(org):
    plan = class_plan(org)
    node = f"user:{org.rep_b.pk}"
    year = services.cells(plan)[(node, "2026")].amount
    with pytest.raises(ValidationError) as refused:
        dimensions.split_dimension(actor=org.director, plan=plan, node=node, period="2026", method="manual",
                                   amounts={"class:A": str(year - 1)})
    assert "rep_b 2026" in str(refused.value) and "+1.00" in str(refused.value)
    dimensions.split_dimension(actor=org.director, plan=plan, node=node, period="2026", method="manual",
                               amounts={"class:A": str(year - 1), "class:C": "1"})
    services.approve_plan(actor=org.director, plan=plan)


def test_approval_is_refused_when_a_nodes_target_changed_after_its_dimension_split(org):
    plan = class_plan(org)
    node = f"user:{org.rep_b.pk}"
    dimensions.split_dimension(actor=org.director, plan=plan, node=node, period="2026-Q1", method="even")
    services.split_time(actor=org.director, plan=plan, node=node, method="manual", amounts={"2026-Q1": "1"})
    with pytest.raises(ValidationError) as refused:
        services.approve_plan(actor=org.director, plan=plan)
    assert "rep_b 2026-Q1" in str(refused.value)


def test_completion_per_class_reads_the_figure_filtered_by_the_class(org, signed):
    plan = class_plan(org)
    node = f"user:{org.rep_b.pk}"
    dimensions.split_dimension(actor=org.director, plan=plan, node=node, period="2026-Q2", method="even")
    signed_with_class(signed, org.rep_b, datetime.date(2026, 4, 2), "5000", "A")
    signed_with_class(signed, org.rep_b, datetime.date(2026, 4, 3), "700", "B")
    signed_with_class(signed, org.rep_a, datetime.date(2026, 4, 3), "900", "A")  # not rep_b's
    rows = {r["dimension"]: r for r in dimensions.completion_by_value(plan, node, "2026-Q2")}
    assert (rows["class:A"]["actual"], rows["class:B"]["actual"], rows["class:C"]["actual"]) == (
        Decimal("5000.00"), Decimal("700.00"), Decimal("0.00"))
    assert rows["class:A"]["completion_pct"] == (Decimal(5000) * 100 / rows["class:A"]["target"]).quantize(
        Decimal("0.1"))


def test_signed_amount_by_product_series_reads_the_agreement_lines(org, signed):
    from salesflow.contracts.models import AgreementLine

    plan = class_plan(org, kind="series")
    from salesflow.catalog.models import Product

    product = Product.objects.create(code="P-S1", name="S1 widget", series="S1")
    agreement = signed(org.rep_b, datetime.date(2026, 4, 2), "1130")
    AgreementLine.objects.create(agreement=agreement, product=product, quantity=1, unit_price=1000, amount=1000)
    node = f"user:{org.rep_b.pk}"
    rows = {r["dimension"]: r for r in dimensions.completion_by_value(plan, node, "2026-Q2")}
    assert rows["series:S1"]["actual"] == Decimal("1000.00")


def test_a_measure_that_cannot_be_split_by_a_dimension_is_refused_naming_what_it_can(org):
    with pytest.raises(ValidationError) as refused:
        services.create_plan(actor=org.director, year=2026, measure="collected_amount", total="1",
                             dimension_kind="series")
    assert "region" in str(refused.value) or "区域" in str(refused.value)
    assert figures.supports("gross_margin", "series") and not figures.supports("visits", "series")


def test_a_rep_cannot_split_and_the_api_splits_and_reports_completion_per_value(org):
    plan = class_plan(org)
    node = f"user:{org.rep_b.pk}"
    assert ApiClient(org.rep_b).post(f"/api/v1/performance/targets/plans/{plan.pk}/dimension-split",
                                     {"node": node, "period": "2026"}).status_code == 403
    done = ApiClient(org.manager_west).post(f"/api/v1/performance/targets/plans/{plan.pk}/dimension-split",
                                            {"node": node, "period": "2026", "method": "even"})
    assert done.status_code == 200 and done.json()["cells"] == 3
    rows = ApiClient(org.rep_b).get(f"/api/v1/performance/targets/plans/{plan.pk}/dimensions?node={node}&period=2026")
    assert [r["dimension"] for r in rows.json()] == ["class:A", "class:B", "class:C"]
    other = ApiClient(org.rep_a).get(f"/api/v1/performance/targets/plans/{plan.pk}/dimensions?node={node}&period=2026")
    assert other.status_code == 422


def test_the_pages_create_a_plan_by_class_split_a_rep_and_show_completion_per_class(org, client_for):
    from salesflow.performance.models import TargetPlan

    c = client_for(org.director)
    c.post("/performance/targets/new/", {"year": "2026", "measure": "signed_amount", "total": "900000",
                                         "dimension_kind": "class"})
    plan = TargetPlan.objects.get(year=2026)
    assert plan.dimension_kind == "class"
    c.post(f"/performance/targets/{plan.pk}/split/", {"axis": "org", "node": "company", "method": "headcount",
                                                       "cascade": "on"})
    node = f"user:{org.rep_b.pk}"
    page = c.get(f"/performance/targets/{plan.pk}/", {"dim": node, "period": "2026"}).content.decode()
    assert "按客户分类" in page and "暂无数据" in page  # not split yet: no target, no invented completion
    plan.refresh_from_db()
    c.post(f"/performance/targets/{plan.pk}/dimension-split/", {"node": node, "period": "2026", "method": "even",
                                                                "version": plan.version})
    page = c.get(f"/performance/targets/{plan.pk}/", {"dim": node, "period": "2026"}).content.decode()
    table = page.split('data-testid="dimension-rows"')[1].split("</table>")[0]
    assert table.count("¥100,000.00") == 3 and table.count("0.0%") == 3
