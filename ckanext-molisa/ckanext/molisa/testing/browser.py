"""A real browser and a real web server for end-to-end UI tests (a pytest
plugin: the root conftest.py names it in ``pytest_plugins``).

``browser`` (session)  Debian's chromium (/usr/bin/chromium, installed by
                       scripts/install.sh), headless, driven by Playwright's
                       sync API. Playwright's own browser download is not used.
``page`` (function)    a new page in a fresh browser context (no cookies from
                       other tests), Vietnamese locale; closed after the test.
                       When the test fails, a screenshot and the page's HTML
                       are saved in .local/test-artifacts/.
``web_server`` (session)  gunicorn serving config/wsgi.py with the tests'
                       CKAN configuration (``--ckan-ini``, .local/test.ini) on the
                       port of its ``ckan.site_url`` (5051), as `make run`
                       serves the portal; ``.url`` is its base URL. It reads
                       and writes the test database, so tests that use it
                       also use ``clean_db``. Its log is a temporary file,
                       copied to .local/test-artifacts/web-server.log when a
                       test of the session failed.

    @pytest.mark.usefixtures("clean_db")
    def test_home(web_server, page):
        page.goto(web_server.url + "/")
        expect(page.get_by_role("link", name="Bộ dữ liệu")).to_be_visible()
"""
from __future__ import annotations

import os
import re
import shutil
import warnings
from urllib.parse import urlparse

import pytest

from ckanext.molisa.testing.webserver import WebServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
LOCALE = "vi-VN"
TIMEZONE = "Asia/Ho_Chi_Minh"   # ckan.display_timezone
DEFAULT_WEB_PORT = 5051

_REPORTS = pytest.StashKey[dict]()
#: the password :func:`set_password` gives and :func:`person` logs in with
PASSWORD = "Mat-khau-thu-nghiem-2027"


def set_password(*users: dict, password: str = PASSWORD) -> None:
    """Give the factories' users a password to log in with in the browser."""
    from ckan import model
    for user in users:
        model.User.get(user["name"]).password = password
    model.repo.commit()


def person(browser, base: str, user: dict | None, timeout_ms: int = 20_000,
           password: str = PASSWORD):
    """A page in a browser context of its own (Vietnamese locale), logged
    in through the login form unless ``user`` is None."""
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    if user is not None:
        page.goto(base + "/user/login")
        page.fill("#field-login", user["name"])
        page.fill("#field-password", password)
        page.locator("form").filter(has=page.locator("#field-login")).locator(
            "button[type=submit]").click()
        page.wait_for_load_state()
        assert "/user/login" not in page.url, "login failed"
    return page


def _artifacts_dir(config: pytest.Config) -> str:
    path = os.path.join(str(config.rootpath), ".local", "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test, for ``page`` to see a failure."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


# --------------------------------------------------------------------- browser
def _site_ports() -> str:
    """The tests' web ports (the site's and the servers the suites start
    beside it, at + 1 to + 9): Chromium refuses some ports outright
    (ERR_UNSAFE_PORT: 5060 and 5061 for SIP, 6000 for X11, ...), and a
    pytest-xdist worker's site may land on one (5051 + 10 = 5061)."""
    from urllib.parse import urlparse

    from ckan.common import config

    port = urlparse(config.get("ckan.site_url") or "").port or 5051
    return ",".join(str(port + i) for i in range(10))


@pytest.fixture(scope="session")
def browser():
    """Headless chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: scripts/install.sh installs Debian's chromium",
                    pytrace=False)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS + [f"--explicitly-allowed-ports={_site_ports()}"])
    except Exception:
        playwright.stop()
        raise
    yield chromium
    try:
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, request):
    """A page in its own browser context (Vietnamese locale), closed after the
    test; on failure its screenshot and HTML go to .local/test-artifacts/."""
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    page = context.new_page()
    try:
        yield page
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        if any(r.failed for r in reports.values()):
            _save_page(page, request.node, request.config)
        context.close()


def _save_page(page, item, config) -> None:
    name = re.sub(r"[^\w.-]+", "_", item.nodeid).strip("_")[-180:]
    base = os.path.join(_artifacts_dir(config), name)
    try:
        page.screenshot(path=base + ".png", full_page=True)
        with open(base + ".html", "w", encoding="utf-8") as f:
            f.write(f"<!-- {page.url} -->\n" + page.content())
    except Exception as e:  # never hide the test's own failure
        warnings.warn(f"could not save the page of the failed test {item.nodeid}: {e!r}")
    else:
        item.add_report_section("teardown", "browser", f"page saved: {base}.png, {base}.html")


# ------------------------------------------------------------------ web server
def _site_port(ini: str) -> int:
    from ckan.common import config
    site_url = urlparse(config.get("ckan.site_url") or "")
    if site_url.hostname not in ("127.0.0.1", "localhost"):
        raise RuntimeError(f"{ini}: ckan.site_url should be http://127.0.0.1:PORT for the"
                           f" tests' web server, not {site_url.geturl()!r}")
    return site_url.port or DEFAULT_WEB_PORT


@pytest.fixture(scope="session")
def web_server(request):
    """The portal over real HTTP, for the whole session: ``web_server.url``."""
    ini = request.config.getoption("ckan_ini")
    if not ini:
        pytest.fail("web_server needs --ckan-ini", pytrace=False)
    ini = os.path.abspath(ini)
    server = WebServer(ini, _site_port(ini))
    try:
        server.start()
    except RuntimeError as e:
        pytest.fail(f"cannot start the tests' web server: {e}", pytrace=False)
    yield server
    server.stop()
    if server.log_path:
        if request.session.testsfailed:
            shutil.copy(server.log_path, os.path.join(_artifacts_dir(request.config),
                                                      "web-server.log"))
        os.unlink(server.log_path)
