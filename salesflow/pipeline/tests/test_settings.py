from salesflow.pipeline.models import Pipeline


def stage_data(rows, initial=0):
    data = {"stages-TOTAL_FORMS": len(rows), "stages-INITIAL_FORMS": initial, "stages-MIN_NUM_FORMS": 0,
            "stages-MAX_NUM_FORMS": 1000}
    for i, (name, order, rate, actions) in enumerate(rows):
        data.update({f"stages-{i}-name": name, f"stages-{i}-order": order, f"stages-{i}-win_rate": rate,
                     f"stages-{i}-key_actions_text": actions})
    return data


def test_admin_creates_a_pipeline_with_three_to_seven_stages(org, client_for):
    client = client_for(org.admin)
    too_few = client.post("/opportunities/settings/pipelines/new/", {"name": "续约流程", "active": "on",
                                                                    **stage_data([("A", 1, 20, "")])})
    assert too_few.status_code == 400 and "3" in too_few.content.decode()
    rows = [("接洽", 1, 20, "确认需求\n找到决策人"), ("报价", 2, 50, "发送报价"), ("签约", 3, 90, "")]
    response = client.post("/opportunities/settings/pipelines/new/", {"name": "续约流程", "active": "on",
                                                                      **stage_data(rows)})
    assert response.status_code == 302
    stages = list(Pipeline.objects.get(name="续约流程").stages.order_by("order"))
    assert [s.name for s in stages] == ["接洽", "报价", "签约"]
    assert stages[0].key_actions == ["确认需求", "找到决策人"]


def test_pipeline_settings_are_admin_only(org, client_for):
    for path in ("/opportunities/settings/", "/opportunities/settings/pipelines/new/"):
        assert client_for(org.director).get(path).status_code == 403
        assert client_for(org.admin).get(path).status_code == 200

