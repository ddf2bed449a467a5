"""Browser tests: Playwright (Python) driving Debian's Chromium headless against pytest-django's live server.

Chromium comes from the system (``/usr/bin/chromium``, or SALESFLOW_CHROMIUM); Playwright never downloads one.
Screenshots go to ``test-artifacts/screenshots/``.
"""

import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from salesflow.testing.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by fixtures are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SALESFLOW_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=DESKTOP) -> a fresh page whose relative URLs go to the live server."""
    contexts = []

    def make(viewport=DESKTOP, locale="zh-CN"):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale=locale)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def background_worker(live_server):
    """Run queued tasks (imports) while the test runs, as `salesflow demo`'s worker thread does."""
    import threading

    from salesflow.core.management.commands.demo import start_background_worker

    stop = threading.Event()
    thread = start_background_worker(io.StringIO(), interval=0.3, stop=stop, schedules=False)
    yield thread
    stop.set()
    thread.join(timeout=30)


def login(page, username, password=PASSWORD):
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def logged_in(new_page):
    """logged_in(user, viewport=DESKTOP) -> a page logged in as that user."""

    def make(user, viewport=DESKTOP):
        return login(new_page(viewport), user.username)

    return make


def pytest_collection_modifyitems(items):
    """Every browser test flushes the database after itself (live server); without serialized_rollback the rows
    seeded by migrations (content types, pipeline, approval rules) are gone or clash for every test after it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not (marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback")):
            raise pytest.UsageError(f"{item.nodeid}: mark the module "
                                    "pytest.mark.django_db(transaction=True, serialized_rollback=True)")
