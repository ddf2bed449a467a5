import io

import pytest
from openpyxl import Workbook

from salesflow.core.models import Notification
from salesflow.leads.models import Lead
from salesflow.leads.services import create_lead


def file_of(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "leads.xlsx"
    return buffer


@pytest.fixture
def upload(web_import):
    return lambda client, rows, key="": web_import.upload(client, "leads", file_of(rows), key)


def test_leads_file_keyed_by_phone_cannot_take_over_another_reps_lead(org, client_for, upload):
    theirs = create_lead(actor=org.rep_b, owner=org.rep_b, company="西部线索有限公司", phone="13900000001")
    job = upload(client_for(org.rep_a), [["公司名称", "电话", "负责人"], ["抢来的线索", "13900000001", "rep_a"]],
                 key="phone")
    assert job.status == "invalid"
    assert job.errors[0]["message"] == "此行匹配到一个你无权修改的线索，请联系其负责人 rep_b。"
    theirs.refresh_from_db()
    assert (theirs.company, theirs.owner) == ("西部线索有限公司", org.rep_b)


def test_rep_cannot_give_an_imported_lead_to_another_rep(org, client_for, upload):
    job = upload(client_for(org.rep_a), [["公司名称", "电话", "负责人"], ["送人的线索", "13900000002", "rep_a2"]])
    assert job.status == "invalid"
    assert job.errors == [{"line": 2, "column": "负责人", "message": "只有经理可以分配线索。"}]
    assert not Lead.objects.exists()


def test_manager_cannot_give_an_imported_lead_outside_their_teams(org, client_for, upload):
    job = upload(client_for(org.manager_east), [["公司名称", "电话", "负责人"], ["西去的线索", "13900000003", "rep_b"]])
    assert job.status == "invalid" and job.errors[0]["column"] == "负责人"


def test_imported_lead_for_someone_else_goes_through_the_service_and_notifies_them(org, client_for, upload,
                                                                                   web_import):
    client = client_for(org.manager_east)
    job = upload(client, [["公司名称", "电话", "负责人"], ["分给甲的线索", "13900000004", "rep_a"]])
    job = web_import.confirm(client, job)
    assert job.result == {"created": 1, "updated": 0}
    lead = Lead.objects.get()
    assert lead.owner == org.rep_a and lead.team == org.east1
    assert Notification.objects.filter(recipient=org.rep_a, kind="lead_assigned").count() == 1


def test_exported_leads_reimported_by_id_update_the_same_leads(org, client_for, upload, web_import):
    lead = create_lead(actor=org.rep_a, owner=org.rep_a, company="往返线索有限公司", phone="13900000005")
    client = client_for(org.rep_a)
    response = client.get("/leads/?export=xlsx")
    from openpyxl import load_workbook

    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    header = rows[0]
    assert rows[1][header.index("状态")] != "new"  # a label
    rows[1][header.index("联系人")] = "改过的联系人"
    job = web_import.confirm(client, upload(client, rows, key="id"))
    assert job.result == {"created": 0, "updated": 1}, job.errors
    lead.refresh_from_db()
    assert lead.contact_name == "改过的联系人" and Lead.objects.count() == 1
