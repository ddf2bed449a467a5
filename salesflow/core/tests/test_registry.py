from types import SimpleNamespace

from salesflow.core.registry import Navigation


def test_navigation_leaves_out_pages_that_do_not_exist_and_entries_the_user_may_not_see():
    menu = Navigation()
    menu.register("healthz", "Health", "+", order=20)
    menu.register("contracts:list", "Contracts", "▤", order=10)  # no such page (yet)
    menu.register("notifications", "Only for admins", "!", order=30, visible=lambda user: user.is_org_admin)
    menu.register("core-audit", "Audit", "☰", order=5, admin=True)
    rep, admin = SimpleNamespace(is_org_admin=False), SimpleNamespace(is_org_admin=True)
    assert [item["name"] for item in menu.items_for(rep)] == ["healthz"]
    assert [item["name"] for item in menu.items_for(admin)] == ["healthz", "notifications"]
    assert [item["url"] for item in menu.items_for(rep, admin=True)] == ["/audit/"]
