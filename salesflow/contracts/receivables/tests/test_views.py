import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from salesflow.contracts.models import Invoice, Payment
from salesflow.contracts.receivables import services

from .factories import make_agreement

D = Decimal
TODAY = timezone.localdate()


@pytest.fixture
def deal(org):
    """rep_a's active agreement of 10,000 (one instalment 40 days overdue) and rep_b's of 5,000."""
    mine = make_agreement(org.rep_a, amount="10000", plan=[(TODAY - datetime.timedelta(days=40), "10000")])
    other = make_agreement(org.rep_b, amount="5000", plan=[(TODAY + datetime.timedelta(days=5), "5000")])
    return mine, other


def payment_post(client, agreement, key="k-web-1", amount="1000"):
    return client.post(f"/contracts/agreements/{agreement.pk}/payments/new/", {
        "amount": amount, "received_on": TODAY.isoformat(), "method": "bank_transfer", "reference": "R1",
        "payer": "", "note": "", "idempotency_key": key})


def test_payment_form_double_submit_counts_once(org, deal, client_for):
    mine, _other = deal
    client = client_for(org.finance)
    form = client.get(f"/contracts/agreements/{mine.pk}/payments/new/")
    assert form.status_code == 200 and b'name="idempotency_key"' in form.content
    assert payment_post(client, mine).status_code == 302
    assert payment_post(client, mine).status_code == 302
    mine.refresh_from_db()
    assert Payment.objects.count() == 1 and mine.collected_amount == D("1000.00")


def test_payment_form_shows_over_collection_on_the_amount_field(org, deal, client_for):
    mine, _other = deal
    response = payment_post(client_for(org.finance), mine, amount="10000.01")
    assert response.status_code == 200
    assert "10,000.00" in response.context["form"].errors["amount"][0]
    assert not Payment.objects.exists()


def test_rep_cannot_read_or_pay_another_reps_agreement_through_pages(org, deal, client_for):
    _mine, other = deal
    client = client_for(org.rep_a)
    assert client.get(f"/contracts/agreements/{other.pk}/money/").status_code == 404
    assert client.get(f"/contracts/agreements/{other.pk}/payments/new/").status_code == 404
    assert payment_post(client, other).status_code == 404
    assert client.get(f"/contracts/agreements/{other.pk}/plan/").status_code == 404
    assert client.post(f"/contracts/agreements/{other.pk}/invoices/new/", {"amount": "1"}).status_code == 404
    assert not Payment.objects.exists()


def test_rep_lists_and_exports_show_only_own_rows(org, deal, client_for):
    mine, other = deal
    services.record_payment(mine, amount="100", received_on=TODAY, actor=org.finance)
    services.record_payment(other, amount="200", received_on=TODAY, actor=org.finance)
    services.request_invoice(other, amount="300", type="normal", tax_rate=13, actor=org.rep_b)
    client = client_for(org.rep_a)
    page = client.get("/contracts/payments/").content.decode()
    assert mine.number in page and other.number not in page
    assert other.number not in client.get("/contracts/invoices/").content.decode()
    csv_text = client.get("/contracts/payments/?export=csv").content.decode("utf-8-sig")
    assert mine.number in csv_text and other.number not in csv_text
    workbook = load_workbook(io.BytesIO(client.get("/contracts/invoices/?export=xlsx").content))
    assert [row for row in workbook.active.iter_rows(values_only=True)][1:] == []
    ageing = client.get("/contracts/receivables/?group_by=rep").content.decode()
    assert "rep_a" in ageing and "rep_b" not in ageing


def test_finance_records_payments_on_any_agreement_but_cannot_edit_its_plan_or_pipeline(org, deal, client_for):
    _mine, other = deal
    client = client_for(org.finance)
    assert payment_post(client, other).status_code == 302
    assert client.get(f"/contracts/agreements/{other.pk}/plan/").status_code == 403
    assert client.get("/opportunities/new/").status_code in (403, 404)


def test_reverse_payment_from_the_agreement_panel(org, deal, client_for):
    mine, _other = deal
    payment = services.record_payment(mine, amount="500", received_on=TODAY, actor=org.finance)
    client = client_for(org.finance)
    panel = client.get(f"/contracts/agreements/{mine.pk}/money/").content.decode()
    assert 'data-testid="reverse-payment"' in panel and "badge red" in panel  # overdue instalment flagged
    assert client.post(f"/contracts/payments/{payment.pk}/reverse/", {"reason": "退票"}).status_code == 302
    assert client.post(f"/contracts/payments/{payment.pk}/reverse/", {"reason": "again"}).status_code == 302
    assert Payment.objects.filter(reversal_of=payment).count() == 1
    mine.refresh_from_db()
    assert mine.collected_amount == D("0.00")
    assert client_for(org.rep_b).post(f"/contracts/payments/{payment.pk}/reverse/", {"reason": "x"}).status_code == 404


def test_invoice_request_issue_and_void_pages(org, deal, client_for):
    mine, _other = deal
    rep = client_for(org.rep_a)
    response = rep.post(f"/contracts/agreements/{mine.pk}/invoices/new/", {
        "amount": "6000", "type": "special", "tax_rate": "13", "idempotency_key": "inv-web"})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert rep.post(f"/contracts/invoices/{invoice.pk}/issue/", {"number": "N1", "issued_on": "2026-01-05"}
                    ).status_code == 403
    finance = client_for(org.finance)
    finance.post(f"/contracts/invoices/{invoice.pk}/issue/", {"number": "N1", "issued_on": "2026-01-05"})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("issued", "N1")
    finance.post(f"/contracts/invoices/{invoice.pk}/void/", {"reason": "开错"})
    invoice.refresh_from_db()
    assert invoice.status == "void"


def test_plan_editor_refuses_a_wrong_sum_and_saves_a_right_one(org, deal, client_for):
    mine, _other = deal
    client = client_for(org.rep_a)
    first = mine.instalments.get()
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "60",
            "form-0-id": first.pk, "form-0-due_on": "2026-03-01", "form-0-amount": "4000", "form-0-note": "",
            "form-1-id": "", "form-1-due_on": "2026-06-01", "form-1-amount": "5000", "form-1-note": ""}
    response = client.post(f"/contracts/agreements/{mine.pk}/plan/", data)
    assert response.status_code == 200 and "1,000.00" in response.content.decode()
    data["form-1-amount"] = "6000"
    assert client.post(f"/contracts/agreements/{mine.pk}/plan/", data).status_code == 302
    assert list(mine.instalments.values_list("amount", flat=True)) == [D("4000.00"), D("6000.00")]


def test_pages_render_for_every_role(org, deal, client_for):
    mine, _other = deal
    services.record_payment(mine, amount="100", received_on=TODAY, actor=org.finance)
    for user in (org.rep_a, org.manager_east, org.director, org.finance, org.admin):
        client = client_for(user)
        for path in ("/contracts/payments/", "/contracts/invoices/", "/contracts/receivables/",
                     "/contracts/receivables/?as_of=2026-01-01&group_by=customer", "/contracts/collections/",
                     "/contracts/collections/?by=product&period=2026-Q1", "/contracts/receivables/?export=xlsx"):
            assert client.get(path).status_code == 200, (user, path)


def test_customer_360_shows_receivables_and_payments(org, deal, client_for):
    mine, _other = deal
    services.record_payment(mine, amount="1234.5", received_on=TODAY, actor=org.finance)
    page = client_for(org.rep_a).get(mine.customer.get_absolute_url()).content.decode()
    assert 'data-testid="receivables-section"' in page and 'data-testid="payments-section"' in page
    assert "8,765.50" in page and "1,234.50" in page


def test_menu_and_overdue_tile(org, deal, client_for):
    home = client_for(org.rep_a).get("/").content.decode()
    assert "/contracts/receivables/" in home
    tile = re.search(r'data-testid="overdue-receivables-tile">\s*<span class="tile-value danger">([^<]*)</span>', home)
    assert tile and tile.group(1) == "1万"  # 10,000.00 overdue, short as on the receivables page


# --- API ----------------------------------------------------------------------------------------------------------

def api_post(client, path, body, **headers):
    return client.post(f"/api/v1/contracts/{path}", json.dumps(body), content_type="application/json", **headers)


def test_api_payment_with_the_same_idempotency_key_is_one_payment(org, deal, client_for):
    mine, _other = deal
    client = client_for(org.finance)
    body = {"agreement_id": mine.pk, "amount": "2500.00", "received_on": TODAY.isoformat(), "reference": "B-9"}
    first = api_post(client, "payments/", body, HTTP_IDEMPOTENCY_KEY="api-1")
    second = api_post(client, "payments/", body, HTTP_IDEMPOTENCY_KEY="api-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    mine.refresh_from_db()
    assert mine.collected_amount == D("2500.00")


def test_api_over_collection_is_a_422_naming_the_amount(org, deal, client_for):
    mine, _other = deal
    response = api_post(client_for(org.finance), "payments/",
                        {"agreement_id": mine.pk, "amount": "10000.01", "received_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


def test_api_rep_cannot_read_or_pay_another_reps_agreement(org, deal, client_for):
    mine, other = deal
    services.record_payment(other, amount="10", received_on=TODAY, actor=org.finance)
    client = client_for(org.rep_a)
    response = api_post(client, "payments/", {"agreement_id": other.pk, "amount": "1",
                                               "received_on": TODAY.isoformat()})
    assert response.status_code == 404
    assert client.get("/api/v1/contracts/payments/").json()["items"] == []
    ageing = client.get("/api/v1/contracts/receivables/ageing?group_by=rep").json()
    assert [r["label"] for r in ageing["rows"]] == ["rep_a"]
    assert client.get(f"/api/v1/contracts/payments/{Payment.objects.get().pk}").status_code == 404


def test_api_reverse_and_invoice_flow(org, deal, client_for):
    mine, _other = deal
    finance = client_for(org.finance)
    payment = api_post(finance, "payments/", {"agreement_id": mine.pk, "amount": "100",
                                              "received_on": TODAY.isoformat()}).json()
    assert api_post(finance, f"payments/{payment['id']}/reverse", {"reason": "退票"}).status_code == 201
    assert api_post(finance, f"payments/{payment['id']}/reverse", {"reason": "退票"}).status_code == 422
    rep = client_for(org.rep_a)
    invoice = api_post(rep, "invoices/", {"agreement_id": mine.pk, "amount": "10000", "type": "special"})
    assert invoice.status_code == 201
    assert api_post(rep, "invoices/", {"agreement_id": mine.pk, "amount": "0.01"}).status_code == 422
    assert api_post(rep, f"invoices/{invoice.json()['id']}/issue",
                    {"number": "X", "issued_on": TODAY.isoformat()}).status_code == 403
    issued = api_post(finance, f"invoices/{invoice.json()['id']}/issue",
                      {"number": "X", "issued_on": TODAY.isoformat()})
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    voided = api_post(finance, f"invoices/{invoice.json()['id']}/void", {"reason": "作废"})
    assert voided.json()["status"] == "void"
    stats = rep.get("/api/v1/contracts/receivables/stats?by=team").json()
    assert stats["totals"]["collected"] == "0.00"
    assert rep.get("/api/v1/contracts/receivables/dso").status_code == 200
    assert rep.get("/api/v1/contracts/receivables/forecast").status_code == 200


# --- reports ------------------------------------------------------------------------------------------------------

def report(*args):
    out = io.StringIO()
    call_command("report", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_receivables_report_respects_the_user_and_as_of(org, deal):
    assert report("receivables")["totals"]["total"] == "15000.00"
    assert report("receivables", "--user", "rep_a")["totals"]["total"] == "10000.00"
    assert report("receivables", "--user", "rep_a", "--as-of", "2000-01-01")["totals"]["total"] == "0.00"
    by_team = report("receivables", "--by", "team")
    assert {r["label"]: r["total"] for r in by_team["rows"]} == {"East-1": "10000.00", "West": "5000.00"}


def test_collections_report_by_rep(org, deal):
    mine, _other = deal
    services.record_payment(mine, amount="123.45", received_on=TODAY, actor=org.finance)
    result = report("collections", "--period", str(TODAY.year), "--by", "rep", "--user", "rep_b")
    assert {r["label"]: r["collected"] for r in result["rows"]} == {"rep_b": "0.00"}
    assert report("collections", "--period", str(TODAY.year))["totals"]["collected"] == "123.45"


def test_money_pages_speak_chinese_first(org, deal, client_for):
    client = client_for(org.finance)
    page = client.get("/contracts/receivables/").content.decode()
    assert "应收" in page and "账龄" in page and "逾期" in page
    mine, _other = deal
    response = payment_post(client, mine, amount="10000.01")
    assert "超额回款" in response.content.decode()


def test_money_panel_is_registered_on_the_agreement_page(org, deal, rf):
    from salesflow.core.registry import agreement_sections

    mine, _other = deal
    request = rf.get("/")
    request.user = org.rep_a
    html = agreement_sections.get("money").func(request, mine)
    assert 'data-testid="money-panel"' in html and 'data-testid="record-payment"' in html
    request.user = org.finance  # finance records payments but does not edit the plan
    html = agreement_sections.get("money").func(request, mine)
    assert 'data-testid="record-payment"' in html and 'data-testid="edit-plan"' not in html


def test_audit_log_shows_money_entries(org, deal, client_for):
    mine, _other = deal
    services.record_payment(mine, amount="100", received_on=TODAY, actor=org.finance)
    services.request_invoice(mine, amount="100", type="normal", tax_rate=13, actor=org.rep_a)
    response = client_for(org.admin).get("/audit/")
    assert response.status_code == 200 and mine.number in response.content.decode()


def test_agreement_change_history_names_a_plan_change_in_chinese_not_by_its_audit_key(org, client_for):
    agreement = make_agreement(org.rep_a, amount="10000")
    services.replace_plan(agreement, [{"due_on": TODAY, "amount": D("4000")},
                                      {"due_on": TODAY + datetime.timedelta(days=30), "amount": D("6000")}],
                          actor=org.rep_a)
    page = client_for(org.rep_a).get(agreement.get_absolute_url()).content.decode()
    history = page.split('data-testid="change-history"')[1].split("</ul>")[0]
    assert "回款计划" in history and "payment_plan" not in history


def test_ageing_page_names_its_buckets_in_chinese(org, deal, client_for):
    page = client_for(org.finance).get("/contracts/receivables/").content.decode()
    table = page.split('data-testid="ageing-table"')[1].split("</thead>")[0]
    assert all(label in table for label in ("未到期", "逾期 1–30 天", "逾期 90 天以上")), table
    assert "days" not in table and "Not yet due" not in table
