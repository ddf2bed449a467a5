from salesflow.leads.models import Lead


def test_create_reports_duplicates_and_convert_is_idempotent(org, client_for):
    client = client_for(org.rep_a)
    first = client.post("/api/v1/leads/", {"company": "API线索有限公司", "phone": "13800000001"},
                        content_type="application/json")
    assert first.status_code == 201
    second = client.post("/api/v1/leads/", {"company": "API线索股份有限公司", "phone": "13800000002"},
                         content_type="application/json").json()
    lead_id = first.json()["lead"]["id"]
    assert second["possible_duplicate_leads"] == [lead_id]
    one = client.post(f"/api/v1/leads/{lead_id}/convert", {}, content_type="application/json").json()
    two = client.post(f"/api/v1/leads/{lead_id}/convert", {}, content_type="application/json").json()
    assert one["converted_customer_id"] == two["converted_customer_id"] is not None
    assert one["converted_opportunity_id"] == two["converted_opportunity_id"] is not None


def test_lead_without_contact_channel_is_422(org, client_for):
    response = client_for(org.rep_a).post("/api/v1/leads/", {"company": "无联系"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phone"


def test_other_reps_lead_is_404_and_list_is_scoped(org, client_for):
    client_for(org.rep_b).post("/api/v1/leads/", {"company": "B的线索", "phone": "13800000003"},
                               content_type="application/json")
    lead = Lead.objects.get()
    client = client_for(org.rep_a)
    assert client.get(f"/api/v1/leads/{lead.pk}").status_code == 404
    assert client.post(f"/api/v1/leads/{lead.pk}/convert", {}, content_type="application/json").status_code == 404
    assert client.get("/api/v1/leads/").json()["count"] == 0


def test_public_inbound_api_needs_no_login(db, client):
    response = client.post("/api/v1/leads/inbound", {"company": "官网", "contact_name": "孙", "email": "a@b.cn"},
                           content_type="application/json")
    assert response.status_code == 201
    assert Lead.objects.get().source.channel == "inbound"
