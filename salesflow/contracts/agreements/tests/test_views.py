import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from salesflow.contracts.agreements import services
from salesflow.contracts.models import Agreement, Attachment
from salesflow.core.models import AuditEntry
from salesflow.pipeline import services as pipeline_services
from salesflow.testing.factories import make_customer

from .factories import make_agreement

pytestmark = pytest.mark.django_db
S = Agreement.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def active(actor, **kwargs):
    agreement = make_agreement(actor, amount=kwargs.pop("amount", Decimal("500")), **kwargs)
    return services.submit_for_approval(agreement, actor=actor)


def test_list_shows_only_visible_agreements_and_filters(org, client_for):
    mine = make_agreement(org.rep_a, title="甲合同")
    order = make_agreement(org.rep_a, kind="order", title="甲订单")
    other = make_agreement(org.rep_b, title="乙合同")
    page = client_for(org.rep_a).get("/contracts/agreements/").content.decode()
    assert mine.number in page and order.number in page and other.number not in page
    page = client_for(org.rep_a).get("/contracts/agreements/?kind=order").content.decode()
    assert order.number in page and mine.number not in page
    page = client_for(org.director).get("/contracts/agreements/?period=2026-11").content.decode()
    assert other.number in page and mine.number in page
    page = client_for(org.director).get("/contracts/agreements/?period=2025-01").content.decode()
    assert other.number not in page


def test_rep_cannot_read_another_reps_agreement_by_page_export_or_attachment(org, client_for):
    other = make_agreement(org.rep_b, title="乙合同")
    client = client_for(org.rep_a)
    assert client.get(f"/contracts/agreements/{other.pk}/").status_code == 404
    assert client.get(f"/contracts/agreements/{other.pk}/edit/").status_code == 404
    export = client.get("/contracts/agreements/?export=csv")
    assert export.status_code == 200 and other.number.encode() not in export.content
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = services_attachment(other, org.rep_b, upload)
    assert client.get(f"/contracts/agreements/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client_for(org.manager_west).get(
        f"/contracts/agreements/{other.pk}/attachments/{attachment.pk}/").status_code == 200


def services_attachment(agreement, actor, upload):
    from salesflow.contracts.agreements.attachments import add_attachment

    return add_attachment(agreement, actor=actor, upload=upload)


def test_finance_reads_agreements_but_cannot_create_or_edit(org, client_for):
    agreement = make_agreement(org.rep_a)
    client = client_for(org.finance)
    assert client.get(f"/contracts/agreements/{agreement.pk}/").status_code == 200
    assert client.get(f"/contracts/agreements/{agreement.pk}/edit/").status_code == 403
    assert client.get(f"/contracts/agreements/new/?customer={agreement.customer_id}").status_code == 403


def test_create_with_lines_sums_the_amount_and_numbers_it(org, client_for):
    customer = make_customer(org.rep_a)
    response = client_for(org.rep_a).post(f"/contracts/agreements/new/?customer={customer.pk}", {
        "customer": customer.pk, "kind": "order", "title": "办公桌", "signed_on": "2026-11-20", "amount": "",
        "currency": "CNY", "payment_terms_days": 30,
        "lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0,
        "lines-0-description": "桌子", "lines-0-quantity": "3", "lines-0-unit_price": "100", "lines-0-tax_rate": "13",
        "lines-1-description": "", "lines-1-quantity": "", "lines-1-unit_price": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert agreement.number == "DD-202611-0001" and agreement.amount == Decimal("339.00")
    assert agreement.owner == org.rep_a and agreement.lines.count() == 1


def test_edit_of_active_agreement_amount_is_refused_with_a_message_unless_revise(org, client_for):
    agreement = active(org.rep_a)
    client = client_for(org.rep_a)
    data = {"kind": "contract", "title": "改", "signed_on": "2026-11-02", "amount": "700", "currency": "CNY",
            "payment_terms_days": 30, "version": agreement.version, "lines-TOTAL_FORMS": 0,
            "lines-INITIAL_FORMS": 0}
    response = client.post(f"/contracts/agreements/{agreement.pk}/edit/", data)
    assert response.status_code == 400
    assert "审批" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("500") and agreement.status == S.ACTIVE
    response = client.post(f"/contracts/agreements/{agreement.pk}/edit/", {**data, "revise": "on"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("700")
    assert list(agreement.status_changes.values_list("to_status", flat=True))[-3:] == ["draft", "pending", "active"]


def test_stale_edit_is_refused_with_409(org, client_for):
    agreement = make_agreement(org.rep_a)
    data = {"kind": "contract", "title": "改", "signed_on": "2026-11-02", "amount": "1000", "currency": "CNY",
            "payment_terms_days": 30, "version": agreement.version - 1 or 99, "lines-TOTAL_FORMS": 0,
            "lines-INITIAL_FORMS": 0}
    assert client_for(org.rep_a).post(f"/contracts/agreements/{agreement.pk}/edit/", data).status_code == 409


def test_submit_and_terminate_from_the_page(org, client_for):
    agreement = make_agreement(org.rep_a, amount=Decimal("100"))
    client = client_for(org.rep_a)
    client.post(f"/contracts/agreements/{agreement.pk}/submit/")
    agreement.refresh_from_db()
    assert agreement.status == S.ACTIVE
    response = client.post(f"/contracts/agreements/{agreement.pk}/status/", {"to": "terminated", "note": ""},
                           follow=True)
    assert "终止" in response.content.decode() or "terminated" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == S.ACTIVE
    client.post(f"/contracts/agreements/{agreement.pk}/status/", {"to": "terminated", "note": "客户取消"})
    agreement.refresh_from_db()
    assert agreement.status == S.TERMINATED


def _docx() -> bytes:
    """The same bytes on every call: each member carries a fixed date (by default the zip stamps the current time,
    to two seconds, and two calls a second apart differed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def test_attachment_upload_sniffs_the_bytes_and_download_is_an_attachment(org, client_for):
    agreement = make_agreement(org.rep_a)
    client = client_for(org.rep_a)
    client.post(f"/contracts/agreements/{agreement.pk}/attachments/", {
        "file": SimpleUploadedFile("合同.docx", _docx(), content_type="text/plain")})
    attachment = Attachment.objects.get()
    assert attachment.content_type.endswith("wordprocessingml.document") and attachment.name == "合同.docx"
    assert "合同" not in attachment.file.name  # stored under a generated name
    response = client.get(f"/contracts/agreements/{agreement.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == _docx()


def test_attachment_of_wrong_type_or_too_large_is_refused_with_a_clear_message(org, client_for, settings):
    agreement = make_agreement(org.rep_a)
    client = client_for(org.rep_a)
    response = client.post(f"/contracts/agreements/{agreement.pk}/attachments/", {
        "file": SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")},
        follow=True)
    assert "不接受" in response.content.decode()
    settings.AGREEMENT_ATTACHMENT_MAX_BYTES = 10
    response = client.post(f"/contracts/agreements/{agreement.pk}/attachments/", {
        "file": SimpleUploadedFile("big.pdf", b"%PDF-1.4 " + b"x" * 100)}, follow=True)
    assert "最大" in response.content.decode() or "MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_delivery_over_the_ordered_quantity_is_refused_on_the_page(org, client_for):
    order = active(org.rep_a, kind="order", lines=[{"description": "椅子", "quantity": 5, "unit_price": 10}])
    line = order.lines.get()
    client = client_for(org.rep_a)
    response = client.post(f"/contracts/agreements/{order.pk}/deliveries/",
                           {"delivered_on": "2026-11-10", f"line_{line.pk}": "6"}, follow=True)
    assert "5" in response.content.decode() and not order.deliveries.exists()
    client.post(f"/contracts/agreements/{order.pk}/deliveries/", {"delivered_on": "2026-11-10",
                                                                  f"line_{line.pk}": "2"})
    page = client.get(f"/contracts/agreements/{order.pk}/").content.decode()
    assert "2 / 5" in page


def test_won_opportunity_page_offers_create_contract_prefilled(org, client_for):
    customer = make_customer(org.rep_a, name="赢单客户")
    opportunity = pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject="大单",
                                                     amount=Decimal("8888"))
    client = client_for(org.rep_a)
    assert "create-contract" not in client.get(opportunity.get_absolute_url()).content.decode()
    pipeline_services.win_opportunity(actor=org.rep_a, opportunity=opportunity)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "create-contract" in page and "create-order" in page
    form = client.get(f"/contracts/agreements/new/?opportunity={opportunity.pk}&kind=order").content.decode()
    assert "8888" in form and "大单" in form
    response = client.post(f"/contracts/agreements/new/?opportunity={opportunity.pk}&kind=order", {
        "opportunity": opportunity.pk, "kind": "order", "title": "大单", "signed_on": "2026-11-20",
        "amount": "8888", "currency": "CNY", "payment_terms_days": 30, "lines-TOTAL_FORMS": 0,
        "lines-INITIAL_FORMS": 0})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.opportunity == opportunity and agreement.customer == customer
    assert agreement.number in client.get(opportunity.get_absolute_url()).content.decode()


def test_customer_360_lists_its_agreements(org, client_for):
    agreement = make_agreement(org.rep_a, title="三六零")
    page = client_for(org.rep_a).get(agreement.customer.get_absolute_url()).content.decode()
    assert 'data-testid="agreements-section"' in page and agreement.number in page


def test_milestones_added_done_accepted_from_the_page(org, client_for):
    agreement = make_agreement(org.rep_a)
    client = client_for(org.rep_a)
    client.post(f"/contracts/agreements/{agreement.pk}/milestones/", {"name": "验收", "due_on": "2026-12-01"})
    milestone = agreement.milestones.get()
    client.post(f"/contracts/agreements/{agreement.pk}/milestones/{milestone.pk}/done/")
    client.post(f"/contracts/agreements/{agreement.pk}/milestones/{milestone.pk}/accepted/")
    milestone.refresh_from_db()
    assert milestone.done_on and milestone.accepted_on


def test_numbering_settings_page_is_for_admins_and_changes_the_pattern(org, client_for):
    assert client_for(org.rep_a).get("/contracts/settings/numbering/").status_code == 403
    client = client_for(org.admin)
    page = client.get("/contracts/settings/numbering/").content.decode()
    assert "HT-{yyyy}{mm}-{seq:04}" in page
    data = {}
    for kind, pattern in (("quotation", "BJ{yyyy}{seq:05}"), ("contract", "HT-{yy}-{seq:03}"),
                          ("order", "DD-{yyyy}{mm}-{seq:04}"), ("invoice_request", "KP-{yyyy}{mm}-{seq:04}")):
        data.update({f"{kind}-kind": kind, f"{kind}-pattern": pattern, f"{kind}-reset": "yearly"})
    assert client.post("/contracts/settings/numbering/", {**data, "contract-pattern": "HT-{yy}"}).status_code == 400
    assert client.post("/contracts/settings/numbering/", data).status_code == 302
    assert make_agreement(org.rep_a, signed_on=datetime.date(2026, 5, 1)).number == "HT-26-001"


def test_a_file_whose_upload_rolled_back_is_swept_once_old_and_kept_files_stay(org, settings, tmp_path):
    import os

    from django.db import transaction

    from salesflow.contracts.agreements.attachments import add_attachment, remove_orphan_files

    settings.MEDIA_ROOT = str(tmp_path)
    agreement = make_agreement(org.rep_a)
    kept = add_attachment(agreement, actor=org.rep_a, upload=SimpleUploadedFile("a.docx", _docx()))
    with pytest.raises(RuntimeError), transaction.atomic():  # e.g. the request failed after the upload
        add_attachment(agreement, actor=org.rep_a, upload=SimpleUploadedFile("b.docx", _docx()))
        raise RuntimeError
    stored = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert len(stored) == 2 and Attachment.objects.count() == 1
    assert remove_orphan_files() == 0  # too recent: its transaction might still be running
    an_hour_ago = datetime.datetime.now().timestamp() - 2 * 3600
    for path in stored:
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert remove_orphan_files() == 1
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [tmp_path / kept.file.name]


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_agreement_pdf_reads_back_parties_lines_plan_and_terms_and_says_when_not_in_force(org, client_for,
                                                                                          settings):
    settings.SALESFLOW_COMPANY_NAME = "上海示例科技有限公司"
    agreement = make_agreement(org.rep_a, title="年度运维服务", breach_liability="逾期付款按日万分之五计违约金",
                               lines=[{"description": "现场运维服务", "quantity": Decimal(12), "unit": "月",
                                       "unit_price": Decimal("2500.00")}])
    client = client_for(org.rep_a)
    text = _pdf_text(client.get(f"/contracts/agreements/{agreement.pk}/pdf/"))
    for expected in ("上海示例科技有限公司", "合同（草稿）", agreement.number, agreement.customer.name, "年度运维服务",
                     "现场运维服务", "30,000.00", "逾期付款按日万分之五计违约金", "供方（签字盖章）"):
        assert expected in text, expected
    assert "Supplier" not in text
    english = _pdf_text(client.get(f"/contracts/agreements/{agreement.pk}/pdf/?lang=en"))
    assert "Contract (Draft)" in english and "30,000.00" in english and "合同" not in english
    assert AuditEntry.objects.filter(action="export", object_id=str(agreement.pk)).count() == 2
    active = make_agreement(org.rep_a, amount=Decimal("5000.00"), status="active")
    instalment = active.instalments.get()
    text = _pdf_text(client.get(f"/contracts/agreements/{active.pk}/pdf/"))
    assert "回款计划" in text and f"{instalment.due_on:%Y-%m-%d}" in text and "草稿" not in text


def test_agreement_pdf_of_someone_elses_agreement_is_not_found(org, client_for):
    agreement = make_agreement(org.rep_b)
    assert client_for(org.rep_a).get(f"/contracts/agreements/{agreement.pk}/pdf/").status_code == 404
