from salesflow.testing import factories


def menu_urls(response, key):
    return [item["name"] for item in response.context[key]]


def test_dashboard_tiles_count_only_the_rows_the_user_may_see(org, client_for):
    factories.make_customer(owner=org.rep_a)
    factories.make_customer(owner=org.rep_a)
    factories.make_customer(owner=org.rep_b)
    response = client_for(org.rep_a).get("/")
    tiles = {tile.name: tile.value for tile in response.context["tiles"]}
    assert tiles["customers-visible"] == 2 and tiles["customers-owned"] == 2
    director = {t.name: t.value for t in client_for(org.director).get("/").context["tiles"]}
    assert director["customers-visible"] == 3 and director["customers-owned"] == 0


def test_dashboard_shows_each_apps_tiles_in_order(org, client_for):
    labels = [t.name for t in client_for(org.rep_a).get("/").context["tiles"]]
    assert labels == ["customers-visible", "tasks-today", "tasks-overdue", "customers-owned", "opportunities-open",
                      "opportunities-stalled", "receivables-overdue", "my-rank", "open-alerts"]


def test_finance_dashboard_has_no_stalled_deals_tile(org, client_for):
    labels = [t.name for t in client_for(org.finance).get("/").context["tiles"]]
    assert "opportunities-stalled" not in labels and "customers-visible" in labels


def test_finance_menu_shows_customers_but_not_pool_leads_or_pipeline(org, client_for):
    response = client_for(org.finance).get("/")
    names = menu_urls(response, "nav_sections")
    assert "customers:list" in names
    assert not {"customers:pool", "leads:list", "pipeline:list", "pipeline:kanban", "analytics:funnel",
                "analytics:forecast"} & set(names)
    assert menu_urls(response, "nav_admin") == []
    html = response.content.decode()
    assert 'href="/customers/pool/"' not in html and 'href="/opportunities/kanban/"' not in html


def test_rep_menu_lists_selling_sections_in_order_and_no_administration(org, client_for):
    response = client_for(org.rep_a).get("/")
    names = menu_urls(response, "nav_sections")
    selling = [name for name in names if not name.startswith("activities:")]  # field work: activities' tests
    assert selling[:4] == ["home", "leads:list", "customers:list", "customers:pool"]
    assert "pipeline:kanban" in names
    assert menu_urls(response, "nav_admin") == []


def test_admin_menu_has_the_administration_pages_of_every_app(org, client_for):
    names = menu_urls(client_for(org.admin).get("/"), "nav_admin")
    assert names == ["org:users", "org:teams", "org:regions", "customers:settings", "leads:settings",
                     "pipeline:settings", "catalog:products", "catalog:price_lists", "catalog:discount_limits",
                     "contracts:numbering-settings", "approvals:rules", "activities:report-settings",
                     "insights:alert-rules", "insights:channels", "insights:report-subscriptions",
                     "performance:commission-plans",
                     "performance:kpi-scorecard-settings", "performance:kpi-manual-values", "core-audit"]


def test_sales_reports_are_in_the_menu_of_managers_directors_admins_and_finance_not_reps(org, client_for):
    for who, shown in (("manager_east", True), ("director", True), ("admin", True), ("finance", True),
                       ("rep_a", False)):
        names = menu_urls(client_for(getattr(org, who)).get("/"), "nav_sections")
        assert ("insights:reports" in names) is shown, who


def test_current_section_is_marked_active(org, client_for):
    response = client_for(org.rep_a).get("/customers/")
    active = [item["name"] for item in response.context["nav_sections"] if item["active"]]
    assert active == ["customers:list"]
