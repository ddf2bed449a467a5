import io
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from salesflow.contracts.models import Quotation
from salesflow.contracts.quotations import services
from salesflow.core.models import AuditEntry

from .quotation_factories import make_opportunity, make_product, make_quotation

D = Decimal


def test_rep_sees_only_own_quotations_and_finance_sees_none(org, client_for):
    mine, theirs = make_quotation(org.rep_a), make_quotation(org.rep_b)
    page = client_for(org.rep_a).get("/contracts/quotations/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert client_for(org.rep_a).get(f"/contracts/quotations/{theirs.pk}/").status_code == 404
    assert client_for(org.finance).get(f"/contracts/quotations/{mine.pk}/").status_code == 404
    assert "quotation-table" in client_for(org.finance).get("/contracts/quotations/").content.decode()
    assert mine.number not in client_for(org.finance).get("/contracts/quotations/").content.decode()
    manager_page = client_for(org.manager_east).get("/contracts/quotations/").content.decode()
    assert mine.number in manager_page and theirs.number not in manager_page


def test_list_filters_by_status_and_owner(org, client_for):
    draft = make_quotation(org.rep_a)
    sent = services.send_quotation(make_quotation(org.rep_a2), actor=org.rep_a2)
    client = client_for(org.manager_east)
    page = client.get("/contracts/quotations/?status=sent").content.decode()
    assert sent.number in page and draft.number not in page
    page = client.get(f"/contracts/quotations/?owner={org.rep_a.pk}").content.decode()
    assert draft.number in page and sent.number not in page


def test_rep_creates_a_quotation_from_the_opportunity_page(org, client_for):
    opportunity = make_opportunity(org.rep_a)
    product = make_product(list_price=D("2500"), tax_rate=D("13"))
    client = client_for(org.rep_a)
    detail = client.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert f"/contracts/quotations/new/{opportunity.pk}/" in detail
    assert client.get(f"/contracts/quotations/new/{opportunity.pk}/").status_code == 200
    response = client.post(f"/contracts/quotations/new/{opportunity.pk}/", {
        "valid_until": "2100-01-31", "terms": "款到发货", "price_list": "",
        "lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0,
        "lines-0-product": product.pk, "lines-0-quantity": "4", "lines-0-discount_rate": "5",
        "lines-1-description": "安装服务", "lines-1-quantity": "1",
        "lines-1-unit_price": "800", "lines-1-tax_rate": "6"})
    quotation = Quotation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contracts/quotations/{quotation.pk}/"
    # 4 × 2500 = 10000, −5% = 9500, tax 1235; 800 + tax 48 -> total 11583
    assert (quotation.subtotal, quotation.discount_total, quotation.tax_total, quotation.total) == (
        D("10800.00"), D("500.00"), D("1283.00"), D("11583.00"))
    page = client.get(quotation.get_absolute_url()).content.decode()
    assert "¥11,583.00" in page and "安装服务" in page
    assert quotation.number in client.get(f"/opportunities/{opportunity.pk}/").content.decode()


def test_invalid_line_shows_the_form_again_and_writes_nothing(org, client_for):
    opportunity = make_opportunity(org.rep_a)
    response = client_for(org.rep_a).post(f"/contracts/quotations/new/{opportunity.pk}/", {
        "valid_until": "2100-01-31", "lines-TOTAL_FORMS": 1, "lines-INITIAL_FORMS": 0,
        "lines-0-description": "x", "lines-0-quantity": "0"})
    assert response.status_code == 400
    assert not Quotation.objects.exists()


def test_finance_and_other_reps_get_no_new_quotation_page(org, client_for):
    opportunity = make_opportunity(org.rep_a)
    assert client_for(org.finance).get(f"/contracts/quotations/new/{opportunity.pk}/").status_code == 404
    assert client_for(org.rep_b).get(f"/contracts/quotations/new/{opportunity.pk}/").status_code == 404
    assert client_for(org.rep_a2).get(f"/contracts/quotations/new/{opportunity.pk}/").status_code == 404


def test_send_button_is_refused_while_the_discount_is_not_approved(org, client_for):
    quotation = make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(1),
                                                  "discount_rate": D(25)}])
    client = client_for(org.rep_a)
    assert 'data-testid="needs-approval"' in client.get(quotation.get_absolute_url()).content.decode()
    response = client.post(f"/contracts/quotations/{quotation.pk}/send/", {"version": quotation.version}, follow=True)
    assert "审批" in response.content.decode()
    quotation.refresh_from_db()
    assert quotation.status == "draft"
    client.post(f"/contracts/quotations/{quotation.pk}/request-approval/", {"version": quotation.version})
    assert "approval-history" in client.get(quotation.get_absolute_url()).content.decode()


def test_revise_button_makes_revision_two_and_the_old_page_says_it_was_revised(org, client_for):
    quotation = make_quotation(org.rep_a)
    client = client_for(org.rep_a)
    response = client.post(f"/contracts/quotations/{quotation.pk}/revise/", {"version": quotation.version})
    new = Quotation.objects.get(previous=quotation)
    assert response["Location"] == new.get_absolute_url() and new.revision == 2
    old_page = client.get(quotation.get_absolute_url()).content.decode()
    assert 'data-testid="superseded"' in old_page and 'data-testid="send-quotation"' not in old_page


def test_export_lists_the_visible_quotations_with_their_totals(org, client_for):
    mine = make_quotation(org.rep_a)
    make_quotation(org.rep_b)
    response = client_for(org.rep_a).get("/contracts/quotations/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2
    assert rows[1][0] == mine.number and D(str(rows[1][10])) == mine.total and rows[1][5] == "草稿"
    csv = client_for(org.rep_a).get("/contracts/quotations/?export=csv").content.decode("utf-8-sig")
    assert mine.number in csv and str(mine.total) in csv
    assert AuditEntry.objects.filter(action="export", note__startswith="quotations").count() == 2


def _pdf_text(client, quotation, lang):
    response = client.get(f"/contracts/quotations/{quotation.pk}/pdf/?lang={lang}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_pdf_in_chinese_reads_back_customer_lines_totals_and_validity(org, client_for, settings):
    settings.SALESFLOW_COMPANY_NAME = "上海示例科技有限公司"
    product = make_product(name="企业版服务器", list_price=D("12345.67"))
    quotation = make_quotation(org.rep_a, lines=[{"product": product, "quantity": D(2), "discount_rate": D(3)}],
                               terms="交货期：合同签订后三十天")
    text = _pdf_text(client_for(org.rep_a), quotation, "zh-hans")
    for expected in ("上海示例科技有限公司", "报价单", quotation.customer.name, "企业版服务器", "有效期至",
                     f"{quotation.valid_until:%Y-%m-%d}", "合计", f"{quotation.total:,}", f"{quotation.tax_total:,}",
                     "交货期：合同签订后三十天", quotation.number):
        assert expected in text, expected


def test_pdf_in_english_has_english_labels_and_the_same_totals(org, client_for):
    quotation = make_quotation(org.rep_a)
    text = _pdf_text(client_for(org.rep_a), quotation, "en")
    for expected in ("Quotation", "Valid until", "Total", quotation.customer.name, f"{quotation.total:,}"):
        assert expected in text, expected
    assert "合计" not in text


def test_pdf_of_someone_elses_quotation_is_not_found(org, client_for):
    quotation = make_quotation(org.rep_b)
    assert client_for(org.rep_a).get(f"/contracts/quotations/{quotation.pk}/pdf/").status_code == 404
