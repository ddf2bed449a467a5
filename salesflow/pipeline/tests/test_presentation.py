"""How the pipeline pages read: success messages, the outcome on the stage bar, warnings, labels not codes."""

import datetime
import re

import pytest
from django.utils import timezone

from salesflow.pipeline import services
from salesflow.pipeline.models import Opportunity, Pipeline
from salesflow.testing.factories import make_customer


def _deal(owner, subject="演示商机", amount=120000, close_in_days=30):
    return services.open_opportunity(actor=owner, customer=make_customer(owner), subject=subject, amount=amount,
                                     expected_close_date=timezone.localdate() + datetime.timedelta(close_in_days))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _form_data(customer, **changes):
    data = {"customer": customer.pk, "subject": "新商机", "amount": "5000", "expected_close_date": "2099-03-01",
            "type": "upsell", "priority": "high", "forecast_category": "commit", "category": "", "source": "",
            "next_step": ""}
    data.update(changes)
    return data


def test_moving_a_deal_says_where_it_went(org, client_for):
    deal = _deal(org.rep_a)
    second = Pipeline.default().stages.order_by("order")[1]
    response = client_for(org.manager_east).post(f"/opportunities/{deal.pk}/move/", {
        "stage": second.pk, "version": deal.version, "override_reason": "客户已确认需求"}, follow=True)
    assert f"“演示商机”已移至“{second.name}”。" in _messages(response)


def test_winning_says_so_and_the_stage_bar_shows_won(org, client_for):
    deal = _deal(org.rep_a)
    client = client_for(org.rep_a)
    response = client.post(f"/opportunities/{deal.pk}/win/", {"version": deal.version}, follow=True)
    assert "“演示商机”已赢单，干得好！" in _messages(response)
    html = response.content.decode()
    assert re.search(r'class="stage outcome won" data-testid="stage-outcome">✓ 赢单', html)


def test_losing_shows_lost_on_the_stage_bar(org, client_for):
    deal = _deal(org.rep_a)
    response = client_for(org.rep_a).post(f"/opportunities/{deal.pk}/lose/", {"version": deal.version}, follow=True)
    assert "“演示商机”已输单关闭。" in _messages(response)
    assert 'class="stage outcome lost"' in response.content.decode()


def test_tracking_deal_has_no_outcome_on_the_stage_bar(org, client_for):
    deal = _deal(org.rep_a)
    assert 'data-testid="stage-outcome"' not in client_for(org.rep_a).get(f"/opportunities/{deal.pk}/").content.decode()


def test_refused_move_shows_no_success_message(org, client_for):
    deal = _deal(org.rep_a)
    last = Pipeline.default().stages.order_by("order").last()
    response = client_for(org.rep_a).post(f"/opportunities/{deal.pk}/move/", {
        "stage": last.pk, "version": deal.version}, follow=True)
    assert not any("已移至" in m for m in _messages(response))


def test_zero_amount_and_past_close_date_warn_but_still_save(org, client_for):
    customer = make_customer(org.rep_a)
    past = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = client_for(org.rep_a).post(f"/opportunities/new/?customer={customer.pk}",
                                          _form_data(customer, amount="0", expected_close_date=past), follow=True)
    assert Opportunity.objects.filter(subject="新商机", amount=0).exists()
    notes = _messages(response)
    assert any("金额为 0" in m for m in notes) and any("预计成交日期已过" in m for m in notes)


def test_normal_deal_gets_no_warning(org, client_for):
    customer = make_customer(org.rep_a)
    response = client_for(org.rep_a).post(f"/opportunities/new/?customer={customer.pk}", _form_data(customer),
                                          follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_form_carries_the_live_warnings_for_the_browser(org, client_for):
    customer = make_customer(org.rep_a)
    html = client_for(org.rep_a).get(f"/opportunities/new/?customer={customer.pk}").content.decode()
    assert 'data-warn-zero="金额为 0' in html and 'data-warn-past="预计成交日期已过' in html


def test_negative_amount_is_a_field_error_not_a_constraint_name(org, client_for):
    customer = make_customer(org.rep_a)
    response = client_for(org.rep_a).post(f"/opportunities/new/?customer={customer.pk}",
                                          _form_data(customer, amount="-5"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "opportunity_amount_not_negative" not in html and "约束" not in html
    assert "大于或等于0" in html


def test_stage_history_shows_status_labels_not_codes(org, client_for):
    deal = services.win_opportunity(actor=org.rep_a, opportunity=_deal(org.rep_a))
    html = client_for(org.rep_a).get(f"/opportunities/{deal.pk}/").content.decode()
    assert "(跟踪中 → 赢单)" in html
    assert "tracking → won" not in html


def test_statistics_show_labels_and_display_names_not_codes(org, client_for):
    org.rep_a.display_name = "李四"
    org.rep_a.save()
    _deal(org.rep_a)
    html = client_for(org.rep_a).get("/opportunities/stats/").content.decode().split("<main", 1)[1]
    assert "新业务" in html and "跟踪中" in html and "李四" in html
    assert "new_business" not in html and ">tracking<" not in html and ">rep_a<" not in html


def test_kanban_amounts_are_short_with_wan(org, client_for):
    _deal(org.rep_a, amount=1234567)
    html = client_for(org.rep_a).get("/opportunities/kanban/").content.decode()
    assert "123.5万" in html and "1,234,567" not in html


def test_stalled_list_is_paginated(org, client_for):
    for i in range(53):
        _deal(org.rep_a, subject=f"过期{i:02d}", close_in_days=-5)
    client = client_for(org.rep_a)
    first = client.get("/analytics/stalled/").content.decode()
    assert first.count('<span class="badge red">') == 50
    assert "?page=2" in first
    second = client.get("/analytics/stalled/?page=2").content.decode()
    assert second.count('<span class="badge red">') == 3


@pytest.mark.parametrize("path", ["/analytics/forecast/", "/analytics/changes/", "/analytics/forecast/submissions/",
                                  "/analytics/funnel/"])
def test_analytics_periods_are_picked_from_a_list_not_typed(org, client_for, path):
    html = client_for(org.manager_east).get(path).content.decode()
    assert re.search(r'<select name="period"', html), path
    assert not re.search(r'<input[^>]*name="period"', html), path


def test_forecast_picker_shows_the_quarter_the_figures_are_for(org, client_for):
    html = client_for(org.rep_a).get("/analytics/forecast/").content.decode()
    quarter = (timezone.localdate().month - 1) // 3 + 1
    label = f"{timezone.localdate().year}-Q{quarter}"
    assert f'<option value="{label}" selected>' in html


def test_forecast_by_rep_shows_display_names(org, client_for):
    org.rep_a.display_name = "赵六"
    org.rep_a.save()
    _deal(org.rep_a)
    html = client_for(org.rep_a).get("/analytics/forecast/").content.decode()
    assert "赵六" in html and ">rep_a<" not in html
