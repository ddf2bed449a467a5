import time

from django.core import signing

from salesflow.leads.models import Lead
from salesflow.leads.services import create_lead


def lead_post(**extra):
    data = {"company": "深圳星辰科技有限公司", "contact_name": "张总", "phone": "13500000000", "email": "",
            "wechat": "", "title": "", "industry": "", "notes": "", "region": "", "source": ""}
    data.update(extra)
    return data


def test_create_warns_on_duplicate_and_only_creates_when_confirmed(org, client_for):
    client = client_for(org.rep_a)
    assert client.post("/leads/new/", lead_post()).status_code == 302
    response = client.post("/leads/new/", lead_post(company="深圳星辰科技股份有限公司", phone="13600000000"))
    assert response.status_code == 200 and "data-testid=\"duplicates\"" in response.content.decode()
    assert Lead.objects.count() == 1
    client.post("/leads/new/", lead_post(company="深圳星辰科技股份有限公司", phone="13600000000", confirm_new="1"))
    assert Lead.objects.count() == 2


def test_lead_without_any_contact_channel_is_refused(org, client_for):
    response = client_for(org.rep_a).post("/leads/new/", lead_post(phone=""))
    assert response.status_code == 400
    assert Lead.objects.count() == 0


def test_rep_cannot_see_or_act_on_another_reps_lead(org, client_for):
    lead = create_lead(actor=org.rep_b, owner=org.rep_b, company="西部公司", phone="13800000001")
    client = client_for(org.rep_a)
    assert client.get(f"/leads/{lead.pk}/").status_code == 404
    assert client.post(f"/leads/{lead.pk}/convert/", {"create_opportunity": "on"}).status_code == 404
    assert client.post(f"/leads/{lead.pk}/status/", {"status": "contacted"}).status_code == 404
    assert "西部公司" not in client.get("/leads/").content.decode()
    lead.refresh_from_db()
    assert lead.status == "new"


def test_convert_through_the_page_lands_on_customer_360(org, client_for):
    lead = create_lead(actor=org.rep_a, owner=org.rep_a, company="页面转化公司", contact_name="赵工",
                       phone="13800000002")
    client = client_for(org.rep_a)
    response = client.post(f"/leads/{lead.pk}/convert/", {"create_opportunity": "on", "opportunity_subject": "首单"})
    lead.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == lead.converted_customer.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "赵工" in page and "首单" in page
    again = client.post(f"/leads/{lead.pk}/convert/", {"create_opportunity": "on"})
    assert again.status_code == 302


def started(seconds_ago):
    return signing.dumps(time.time() - seconds_ago, salt="inbound-lead")


def test_public_form_creates_an_inbound_lead(db, client):
    response = client.post("/leads/inbound/", {"company": "官网客户", "contact_name": "钱女士", "phone": "13900139000",
                                               "started": started(10)})
    assert response.status_code == 200
    lead = Lead.objects.get()
    assert lead.source.name == "官网表单" and lead.source.channel == "inbound"


def test_public_form_rejects_bots_and_floods(db, client):
    base = {"company": "机器人", "contact_name": "bot", "phone": "13800000001"}
    assert client.post("/leads/inbound/", {**base, "website": "spam", "started": started(10)}).status_code == 400
    assert client.post("/leads/inbound/", {**base, "started": started(0)}).status_code == 400
    assert Lead.objects.count() == 0
    for n in range(3):
        client.post("/leads/inbound/", {**base, "phone": f"1380000001{n}", "started": started(10)})
    assert client.post("/leads/inbound/", {**base, "started": started(10)}).status_code == 429
    assert Lead.objects.count() == 3
