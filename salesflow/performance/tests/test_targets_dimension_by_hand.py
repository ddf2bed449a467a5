"""Entering a node's target per value of the plan's dimension by hand on the plan page: one amount per value, what is
left to allocate recomputed on the server, saved through the same service as the API (``split_dimension``,
``manual``) and shown in the completion per value; refused (400, naming the value at fault, nothing written) unless
every amount is a non-negative amount and they add up; a stale version is refused (409); a rep cannot post it."""

import datetime
from decimal import Decimal

import pytest

from salesflow.performance.models import Target
from salesflow.performance.targets import services
from salesflow.testing.queries import assert_pinned

pytestmark = pytest.mark.django_db


@pytest.fixture
def class_plan(org):
    """A draft 2026 signed-amount plan by customer class, split to every rep by headcount."""
    plan = services.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1200000.00",
                                dimension_kind="class")
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    plan.refresh_from_db()
    return plan


def by_value(plan, node, period):
    return dict(Target.objects.filter(plan=plan, node=node, period=period).exclude(dimension="")
                .values_list("dimension", "amount"))


def post(client, plan, node, period, **parts):
    data = {"hand": node, "axis": "dimension", "period": period, "version": plan.version}
    data |= {f"part:class:{k}": v for k, v in parts.items()}
    return client.post(f"/performance/targets/{plan.pk}/by-hand/", data)


def test_the_plan_page_opens_one_amount_field_per_class_with_the_nodes_quarter(org, client_for, class_plan):
    node = f"user:{org.rep_b.pk}"
    page = client_for(org.manager_west).get(f"/performance/targets/{class_plan.pk}/", {
        "hand": node, "axis": "dimension", "period": "2026-Q2"}).content.decode()
    assert 'data-testid="dimension-hand-open"' in page and 'data-testid="hand-form"' in page
    form = page.split('data-testid="hand-form"')[1].split("</form>")[0]
    assert [f'name="part:class:{k}"' in form for k in "ABC"] == [True] * 3 and "A（重点客户）" in form
    assert 'name="axis" value="dimension"' in form
    quarter = services.cells(class_plan)[(node, "2026-Q2")].amount
    assert f"待分配：¥{quarter:,}" in page  # nothing split yet: all of the quarter is left


def test_preview_recomputes_what_is_left_per_class_without_saving(org, client_for, class_plan):
    node = f"user:{org.rep_b.pk}"
    quarter = services.cells(class_plan)[(node, "2026-Q2")].amount
    c = client_for(org.manager_west)
    partial = c.post(f"/performance/targets/{class_plan.pk}/by-hand/", {
        "hand": node, "axis": "dimension", "period": "2026-Q2", "action": "preview", "part:class:A": "1000",
        "part:class:B": "500"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-left="{quarter - 1500}"' in partial and "<html" not in partial
    assert by_value(class_plan, node, "2026-Q2") == {}


def test_amounts_that_add_up_are_saved_and_shown_in_the_completion_per_class(org, client_for, class_plan, signed):
    node = f"user:{org.rep_b.pk}"
    quarter = services.cells(class_plan)[(node, "2026-Q2")].amount
    agreement = signed(org.rep_b, datetime.date(2026, 4, 2), "5000")
    agreement.customer.customer_class = "A"
    agreement.customer.save()
    c = client_for(org.manager_west)
    response = post(c, class_plan, node, "2026-Q2", A=str(quarter - 60000), B="50000", C="10000")
    assert response.status_code == 302 and "dim=user" in response["Location"]
    assert by_value(class_plan, node, "2026-Q2") == {
        "class:A": quarter - 60000, "class:B": Decimal("50000.00"), "class:C": Decimal("10000.00")}
    page = c.get(response["Location"]).content.decode()
    table = page.split('data-testid="dimension-rows"')[1].split("</table>")[0]
    assert "¥50,000.00" in table and "¥10,000.00" in table and "¥5,000.00" in table
    assert f"{(Decimal(5000) * 100 / (quarter - 60000)).quantize(Decimal('0.1'))}%" in table
    services.approve_plan(actor=org.director, plan=class_plan)  # the split adds up: nothing blocks approval


@pytest.mark.parametrize(("parts", "named", "shown"), [
    ({"A": "1000", "B": "abc"}, "B（普通客户）：请输入金额", 'value="abc"'),
    ({"A": "1000", "C": "-5"}, "C（小客户）：目标不能为负数", 'value="-5.00"'),
])
def test_a_typo_or_a_negative_amount_is_refused_naming_the_class(org, client_for, class_plan, parts, named, shown):
    node = f"user:{org.rep_b.pk}"
    response = post(client_for(org.manager_west), class_plan, node, "2026-Q2", **parts)
    page = response.content.decode()
    assert response.status_code == 400 and named in page
    assert 'data-testid="hand-form"' in page and shown in page  # the form comes back as typed
    assert by_value(class_plan, node, "2026-Q2") == {}


def test_amounts_that_do_not_add_up_are_refused_naming_the_node_and_the_difference(org, client_for, class_plan):
    node = f"user:{org.rep_b.pk}"
    services.split_time(actor=org.director, plan=class_plan, node=node, method="manual", amounts={"2026-Q2": "300"})
    class_plan.refresh_from_db()
    response = post(client_for(org.manager_west), class_plan, node, "2026-Q2", A="100", B="100", C="99.99")
    page = response.content.decode()
    assert response.status_code == 400 and "rep_b 2026-Q2" in page and "+0.01" in page
    assert by_value(class_plan, node, "2026-Q2") == {}


def test_a_value_that_is_not_of_the_dimension_is_refused(org, client_for, class_plan):
    node = f"user:{org.rep_b.pk}"
    response = client_for(org.manager_west).post(f"/performance/targets/{class_plan.pk}/by-hand/", {
        "hand": node, "axis": "dimension", "period": "2026-Q2", "version": class_plan.version,
        "part:class:Z": "1"})
    assert response.status_code == 400 and "不是该维度的取值：class:Z" in response.content.decode()
    assert by_value(class_plan, node, "2026-Q2") == {}


def test_a_stale_version_is_refused_with_409_and_nothing_is_written(org, client_for, class_plan):
    node = f"user:{org.rep_b.pk}"
    stale = class_plan.version
    services.set_cell(actor=org.director, plan=class_plan, node="company", period="2026", amount="1200000")
    class_plan.version = stale
    quarter = services.cells(class_plan)[(node, "2026-Q2")].amount
    response = post(client_for(org.manager_west), class_plan, node, "2026-Q2", A=str(quarter), B="0", C="0")
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    assert by_value(class_plan, node, "2026-Q2") == {}


def test_a_rep_cannot_post_it_nor_a_manager_for_another_team(org, client_for, class_plan):
    node = f"user:{org.rep_b.pk}"
    quarter = services.cells(class_plan)[(node, "2026-Q2")].amount
    assert post(client_for(org.rep_b), class_plan, node, "2026-Q2", A=str(quarter)).status_code == 403
    assert post(client_for(org.manager_east), class_plan, node, "2026-Q2", A=str(quarter)).status_code == 403
    page = client_for(org.rep_b).get(f"/performance/targets/{class_plan.pk}/", {
        "hand": node, "axis": "dimension", "period": "2026-Q2"}).content.decode()
    assert 'data-testid="hand-form"' not in page and 'data-testid="dimension-hand-open"' not in page
    assert by_value(class_plan, node, "2026-Q2") == {}


def test_the_plan_page_with_the_dimension_editor_open_has_a_pinned_query_count(org, client_for, class_plan):
    from salesflow.testing import factories

    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            factories.make_user(f"extra{next(counter)}", team=org.west)

    assert_pinned(client_for(org.director),
                  f"/performance/targets/{class_plan.pk}/?hand=team:{org.west.pk}&axis=dimension&period=2026-Q2",
                  grow, 13)  # the org editor's 12 and the node's present cells per value


def test_a_second_entry_made_from_the_page_before_the_first_was_saved_is_stale(org, client_for, class_plan):
    node = f"user:{org.rep_b.pk}"
    quarter = services.cells(class_plan)[(node, "2026-Q2")].amount
    client = client_for(org.manager_west)
    assert post(client, class_plan, node, "2026-Q2", A=str(quarter), B="0", C="0").status_code == 302
    second = post(client, class_plan, node, "2026-Q2", A="0", B=str(quarter), C="0")  # the same old version
    assert second.status_code == 409
    assert by_value(class_plan, node, "2026-Q2")["class:A"] == quarter  # the first entry stands
