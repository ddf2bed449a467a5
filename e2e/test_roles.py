"""Issue 7 §5: every demo role completes its main flow in the browser, on fresh demo data, at 375 px and 1280 px.

The data is what ``salesflow demo`` loads (``demo`` runs ``generate --scale 2000``; here ``generate`` at scale 300
so each test stays quick). On every page visited (rules broken anywhere in a flow are reported together at its end):
- no sideways scrolling at 375 px, the top bar on one line, filter panels start collapsed on a phone;
- no table with columns cut off at 1280 px;
- no raw codes as visible text (choice codes such as 'won', 'new_business', field names such as 'expected_close_date'),
  people by display name, not login;
- money formatted with thousands separators or 万/亿 (also in chart labels: no k/M/G);
- every action ends with a success message and no error.
A screenshot per step goes to test-artifacts/screenshots/roles-<role>-<step>-<width>.png.
"""

import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from e2e.conftest import login, screenshot
from salesflow.customers.models import Customer, OwnershipChange
from salesflow.leads.models import Lead
from salesflow.org.generate import DEMO_PASSWORD
from salesflow.org.models import User
from salesflow.pipeline.models import ForecastAdjustment, ForecastSubmission, Opportunity

# serialized_rollback: the default pipeline and stages come from a data migration; each test needs them back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCALE = 300  # 300 customers and opportunities, 150 leads, 6 reps in 2 teams: every flow has material, ~4 s to load
WIDTHS = {375: {"width": 375, "height": 740}, 1280: {"width": 1280, "height": 860}}

# Visible money: "¥1,234" / "1,234 元" / "12.3万" are fine; "¥7600", "1234567.00" or "47938780" are not. A number
# standing alone with five or more digits (or four after ¥) is an unformatted amount; mobile numbers are not amounts.
UNFORMATTED_MONEY = re.compile(
    r"[¥￥]\s*-?\d{4,}(?![\d,])|(?<![\w\-.,:/+#])(?!1[3-9]\d{9}(?!\d))\d{5,}(?:\.\d+)?(?![\w\-,:/])")
SNAKE_CASE = re.compile(r"(?<![\w@.\-/])[a-z]+(?:_[a-z]+)+(?![\w@\-/])")  # a field name, e.g. expected_close_date
# Items of the top bar whose text breaks over two lines (e.g. "中/文", "退出/登录").
WRAPPED_TOPBAR_ITEMS = """[...document.querySelectorAll('.topbar a, .topbar button')].filter(el => {
    const tops = new Set();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest('.sr-only') || !node.textContent.trim()) continue;  // screen-reader text
        const r = document.createRange(); r.selectNodeContents(node);
        for (const b of r.getClientRects()) if (b.width > 1) tops.add(Math.round(b.top));
    }
    return tops.size > 1;
}).map(el => el.innerText.replace(/\\s+/g, ''))"""
CUT_TABLES = """wraps => wraps.filter(w => w.checkVisibility() && w.scrollWidth > w.clientWidth + 1)
    .map(w => [...w.querySelectorAll('th')].map(th => th.innerText.trim()).filter(Boolean).slice(0, 3).join('/'))"""
FORMATTED_MONEY = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?\s*[万亿]")


def raw_codes() -> set[str]:
    """The stored codes of our models' choice fields, shown translated in the UI (e.g. 'won', 'new_business')."""
    codes = set()
    for model in apps.get_models():
        if not model.__module__.startswith("salesflow."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    codes.add(value)
    # Role codes are left out: the demo logins are named after them (admin, rep…) and a user list shows logins.
    codes -= {"admin", "director", "manager", "rep", "finance"}
    # Opportunity statuses appear in stage history rows; they are codes even where the field has no choices.
    return codes | {"tracking", "won", "lost", "suspended", "new_business"}


@pytest.fixture
def demo():
    """Fresh demo data, as `salesflow demo` loads it (at a small scale)."""
    cache.clear()  # login throttling and cached figures must not leak between tests
    call_command("generate", scale=SCALE, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    cache.clear()


class Visit:
    """A role's browser session at one width; ``check`` asserts the page rules and saves the step's screenshot."""

    codes = None

    def __init__(self, new_page, role, width):
        self.role, self.width = role, width
        self.problems = []
        self.page = new_page(WIDTHS[width])
        login(self.page, role, DEMO_PASSWORD)
        if Visit.codes is None:
            Visit.codes = raw_codes()
        # Logins that differ from the role codes (rep2, manager2…): 'rep' itself is also a word of the role list.
        self.logins = {u for u in User.objects.values_list("username", flat=True) if re.search(r"\d", u)}

    def go(self, path, step, expect_status=200):
        response = self.page.goto(path)
        assert response.status == expect_status, f"{self.role} {path}: HTTP {response.status}"
        return self.check(step)

    def check(self, step):
        """Save the step's screenshot and note every broken page rule (asserted at the end: see ``assert_clean``)."""
        page = self.page
        where = f"{step} ({page.url.split('/', 3)[-1] or '/'})"
        if page.locator(".chart").count():  # charts are drawn by script after load: check what they show
            try:
                page.wait_for_selector(".chart .main-svg", timeout=10000)
            except PlaywrightTimeoutError:
                self.problems.append(f"{where}: the chart is not drawn")
        screenshot(page, f"roles-{self.role}-{step}-{self.width}")
        if self.width == 375:
            scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                self.problems.append(f"{where}: the page scrolls sideways ({scroll} px > {inner} px)")
            wrapped = page.evaluate(WRAPPED_TOPBAR_ITEMS)
            if wrapped:
                self.problems.append(f"{where}: the top bar wraps: {wrapped}")
            if page.locator("details.more-filters[open], details.filters[open]").count():
                self.problems.append(f"{where}: the filter panel starts open on a phone")
        else:  # at 1280 px no table has columns cut off (hidden behind its own sideways scroll)
            cut = page.eval_on_selector_all(".table-wrap", CUT_TABLES)
            if cut:
                self.problems.append(f"{where}: table columns cut off at {self.width} px: {cut}")
        text = page.locator("body").inner_text()
        plain = re.sub(r"\S+@\S+|https?://\S+", " ", text)  # e-mail addresses and links may hold any word
        words = set(re.findall(r"(?<![\w@.\-/])[a-z][a-z_]{2,}(?![\w@\-/])", plain))
        shown = (words & self.codes) | set(SNAKE_CASE.findall(plain))
        if shown:
            self.problems.append(f"{where}: raw codes shown: {sorted(shown)}")
        if not page.url.split("/", 3)[-1].startswith("org/"):  # the user admin and the account page show logins
            logins = set(re.findall(r"[A-Za-z0-9_]+", plain)) & self.logins
            if logins:
                self.problems.append(f"{where}: people shown by login, not display name: {sorted(logins)}")
        si = re.findall(r"(?<![\w.])\d+(?:\.\d+)?[kMG](?![A-Za-z])", plain + " " + self.chart_text())
        if si:
            self.problems.append(f"{where}: amounts in k/M/G instead of 万/亿: {si[:4]}")
        # Identifiers marked as such (bank references, 20-digit invoice numbers) are digits, not amounts.
        for identifier in page.eval_on_selector_all("[data-identifier]", "els => els.map(e => e.innerText)"):
            text = text.replace(identifier, " ") if identifier.strip() else text
        if UNFORMATTED_MONEY.search(text):
            self.problems.append(f"{where}: unformatted amounts such as {UNFORMATTED_MONEY.findall(text)[:4]}")
        return text

    def chart_text(self):
        """The labels drawn in Plotly charts (SVG text)."""
        labels = self.page.eval_on_selector_all(
            ".main-svg text", "ts => ts.map(t => [...t.childNodes].map(n => n.textContent).join(' '))")
        return " ".join(labels)

    def expect_money(self, text, step):
        """A page known to show amounts shows at least one formatted amount."""
        if not FORMATTED_MONEY.search(text):
            self.problems.append(f"{step}: no amount formatted with thousands separators or 万/亿")

    def assert_clean(self):
        """Fail with every broken rule of the whole flow; a rule broken on many pages is listed once."""
        pages = {}
        for problem in self.problems:
            where, _, what = problem.partition(": ")
            pages.setdefault(what, []).append(where.split(" (")[0])
        report = [f"{what} — on {', '.join(dict.fromkeys(steps))}" for what, steps in pages.items()]
        assert not self.problems, f"{self.role} at {self.width} px:\n" + "\n".join(report)

    def nav_hrefs(self):
        return self.page.eval_on_selector_all("#sidenav a", "links => links.map(a => a.getAttribute('href'))")

    def submit(self, button, step):
        """Click a form's button; the next page must say what happened (a success message)."""
        with self.page.expect_navigation():
            button.click()
        text = self.check(step)
        errors = self.page.locator(".messages .msg-error")
        assert errors.count() == 0, f"{self.role} {step}: {errors.all_inner_texts()}"
        if self.page.locator(".messages .msg-success").count() == 0:
            self.problems.append(f"{step}: no success message after the action")
        return text




# ---------------------------------------------------------------------------------------------------------- rep


@pytest.mark.parametrize("width", WIDTHS)
def test_rep_converts_a_lead_claims_from_the_pool_and_wins_a_deal(demo, new_page, width):
    rep = User.objects.get(username="rep")
    visit = Visit(new_page, "rep", width)
    visit.go("/", "dashboard")

    # Convert a qualified lead -> customer + contact + opportunity.
    visit.go("/leads/", "leads")
    lead = Lead.objects.filter(owner=rep, status="qualified").order_by("pk").first()
    assert lead is not None, "the demo data gives the rep qualified leads"
    visit.go(f"/leads/{lead.pk}/", "lead")
    form = visit.page.locator("[data-testid=convert-form]")
    form.locator("input[name=opportunity_subject]").fill(f"{lead.company} 首单")
    form.locator("input[name=amount]").fill("250000")
    text = visit.submit(form.locator("[data-testid=convert]"), "lead-converted")
    assert "线索已转化" in text or "已转化" in text
    lead.refresh_from_db()
    assert lead.status == "converted"
    customer = lead.converted_customer
    assert customer.owner == rep and customer.contacts.filter(name=lead.contact_name).exists()
    assert lead.converted_opportunity.customer == customer and lead.converted_opportunity.amount == 250000

    # Claim a customer from the pool (公海).
    visit.go("/customers/pool/", "pool")
    claim = visit.page.locator("[data-testid^=claim-]").first
    pk = int(claim.get_attribute("data-testid").removeprefix("claim-"))
    box = claim.bounding_box()
    if box["x"] < 0 or box["x"] + box["width"] > width:
        visit.problems.append(f"pool: the 领取 button is off screen (x={box['x']:.0f}) until the list scrolls sideways")
    assert Customer.objects.get(pk=pk).owner_id is None
    text = visit.submit(claim, "pool-claimed")
    assert Customer.objects.get(pk=pk).owner == rep
    assert OwnershipChange.objects.filter(customer_id=pk, to_owner=rep).exists()

    # Move one of the rep's open deals to won from its detail page.
    visit.expect_money(visit.go("/opportunities/kanban/", "kanban"), "rep kanban")
    opp = Opportunity.objects.filter(owner=rep, status="tracking").order_by("-amount").first()
    visit.go(f"/opportunities/{opp.pk}/", "opportunity")
    win = visit.page.locator(f"form[action='/opportunities/{opp.pk}/win/']")
    reasons = win.locator("select[name=reason] option")
    if reasons.count() > 1:
        win.locator("select[name=reason]").select_option(index=1)
    text = visit.submit(win.locator("button[type=submit]"), "opportunity-won")
    opp.refresh_from_db()
    assert opp.status == "won", text
    assert visit.page.locator("[data-testid=opp-status]").inner_text() == "赢单"
    visit.expect_money(text, "won opportunity")
    visit.assert_clean()


# ------------------------------------------------------------------------------------------------------ manager


@pytest.mark.parametrize("width", WIDTHS)
def test_manager_assigns_a_customer_to_a_rep_and_adjusts_a_forecast_call(demo, new_page, width):
    manager = User.objects.get(username="manager")
    rep = User.objects.get(username="rep")
    colleague = User.objects.filter(team=manager.team, role="rep").exclude(pk=rep.pk).order_by("pk").first()
    visit = Visit(new_page, "manager", width)
    visit.go("/", "dashboard")
    visit.go("/customers/", "customers")

    # Assign one of a colleague's customers to the rep (a transfer inside the team).
    customer = Customer.objects.filter(owner=colleague).order_by("pk").first()
    visit.go(f"/customers/{customer.pk}/", "customer")
    form = visit.page.locator(f"form[action='/customers/{customer.pk}/assign/']")
    options = form.locator("select[name=owner] option").evaluate_all("os => os.map(o => o.value)")
    assert str(rep.pk) in options
    outsiders = User.objects.exclude(team=manager.team).filter(role="rep").values_list("pk", flat=True)
    if {str(pk) for pk in outsiders} & set(options):
        visit.problems.append("customer: the assignment picker lists reps of other teams")
    form.locator("select[name=owner]").select_option(str(rep.pk))
    form.locator("input[name=reason]").fill("客户迁移到新负责人")
    text = visit.submit(form.locator("button[type=submit]"), "customer-assigned")
    customer.refresh_from_db()
    assert customer.owner == rep
    assert visit.page.locator("[data-testid=owner]").inner_text().startswith(str(rep))
    assert "客户迁移到新负责人" in text

    # Adjust the rep's forecast call for this quarter.
    visit.go("/analytics/forecast/", "forecast")
    visit.go("/analytics/forecast/submissions/", "forecast-calls")
    submission = ForecastSubmission.objects.filter(owner=rep).latest("submitted_at")
    row = visit.page.locator(f"form:has(input[name=submission][value='{submission.pk}'])")
    row.locator("input[name=commit]").fill("1,200,000")
    row.locator("input[name=best_case]").fill("1800000")
    row.locator("input[name=reason]").fill("大单提前签约")
    text = visit.submit(row.locator("button[type=submit]"), "forecast-adjusted")
    adjustment = ForecastAdjustment.objects.get(submission=submission)
    assert (adjustment.commit, adjustment.best_case, adjustment.adjusted_by) == (1200000, 1800000, manager)
    rep_row = visit.page.locator("tr", has=visit.page.locator(f"input[name=submission][value='{submission.pk}']"))
    assert "大单提前签约" in rep_row.inner_text()
    visit.assert_clean()


# ------------------------------------------------------------------------------------------------------ finance


@pytest.mark.parametrize("width", WIDTHS)
def test_finance_sees_only_what_finance_may(demo, new_page, width):
    visit = Visit(new_page, "finance", width)
    visit.go("/", "dashboard")
    hrefs = visit.nav_hrefs()
    for path in ("/customers/pool/", "/leads/", "/opportunities/kanban/"):
        assert not [h for h in hrefs if h.startswith(path)], f"finance's menu offers {path}"

    visit.go("/customers/", "customers")
    customer = Customer.objects.exclude(owner=None).order_by("pk").first()
    visit.go(f"/customers/{customer.pk}/", "customer")
    main = visit.page.locator("main")
    assert main.locator(f"a[href='/customers/{customer.pk}/edit/']").count() == 0
    for action in ("edit", "assign", "return", "claim", "contacts/new"):
        assert main.locator(f"[action*='/customers/{customer.pk}/{action}/'], "
                            f"a[href*='/customers/{customer.pk}/{action}/']").count() == 0, action
    if main.locator("[data-testid=new-opportunity]").count():
        visit.problems.append("customer: finance is offered 新建商机 (a record it then cannot edit)")
    visit.go("/opportunities/", "opportunities")

    # A forbidden page is the styled Chinese error page inside the app shell, with a way back.
    for step, path in (("forbidden-pool", "/customers/pool/"), ("forbidden-edit", f"/customers/{customer.pk}/edit/")):
        response = visit.page.goto(path)
        assert response.status in (403, 404), f"finance may open {path}: HTTP {response.status}"
        text = visit.check(step)
        main = visit.page.locator("main").inner_text() if visit.page.locator("main").count() else text
        if visit.page.locator("#sidenav").count() != 1 or not re.search(r"[\u4e00-\u9fff]", main) or re.search(
                r"Forbidden|Not Found", text):
            visit.problems.append(f"{step}: bare error page, not the styled Chinese one in the shell: {text[:30]!r}")
        elif visit.page.locator("main a[href='/']").count() == 0:
            visit.problems.append(f"{step}: the error page offers no way back to the dashboard")
    visit.assert_clean()


# ------------------------------------------------------------------------------------------ director and admin


def visit_main_pages(visit):
    """Every page of the menu, plus a customer and an opportunity detail page."""
    hrefs = [h for h in dict.fromkeys(visit.nav_hrefs()) if h and h.startswith("/")]
    assert len(hrefs) >= 6
    for href in hrefs:
        step = href.strip("/").replace("/", "-") or "dashboard"
        text = visit.go(href, step)
        if href in ("/opportunities/", "/opportunities/kanban/", "/analytics/forecast/"):
            visit.expect_money(text, f"{visit.role} {href}")
    customer = Customer.objects.exclude(owner=None).order_by("pk").first()
    visit.go(f"/customers/{customer.pk}/", "customer")
    won = Opportunity.objects.filter(status="won").order_by("pk").first()
    visit.expect_money(visit.go(f"/opportunities/{won.pk}/", "opportunity"), f"{visit.role} opportunity")
    return hrefs


@pytest.mark.parametrize("width", WIDTHS)
def test_director_opens_the_dashboard_and_the_main_pages(demo, new_page, width):
    visit = Visit(new_page, "director", width)
    hrefs = visit_main_pages(visit)
    for path in ("/", "/customers/", "/opportunities/", "/analytics/funnel/", "/analytics/forecast/"):
        assert path in hrefs
    visit.go("/analytics/win-rates/", "win-rates")
    visit.go("/analytics/stalled/", "stalled")
    visit.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_opens_the_dashboard_the_main_pages_and_the_settings(demo, new_page, width):
    visit = Visit(new_page, "admin", width)
    hrefs = visit_main_pages(visit)
    settings_pages = ("/org/users/", "/org/teams/", "/org/regions/", "/customers/settings/", "/leads/settings/",
                      "/opportunities/settings/")
    for path in settings_pages:
        assert path in hrefs, f"the admin menu lacks {path}"
    user = User.objects.get(username="rep")
    visit.go(f"/org/users/{user.pk}/", "user-edit")
    visit.go("/org/account/", "account")
    visit.assert_clean()
