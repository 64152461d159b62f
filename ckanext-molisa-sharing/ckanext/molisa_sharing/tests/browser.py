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
                       CKAN configuration (``--ckan-ini``, test.ini) on the
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
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from urllib.parse import urlparse

import pytest
import requests

# the repository: config/wsgi.py is served from here
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
LOCALE = "vi-VN"
TIMEZONE = "Asia/Ho_Chi_Minh"   # ckan.display_timezone
DEFAULT_WEB_PORT = 5051

_REPORTS = pytest.StashKey[dict]()


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
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
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
class WebServer:
    """gunicorn serving the tests' CKAN configuration."""

    def __init__(self, ini: str, port: int, workers: int = 1):
        self.ini, self.port, self.workers = ini, port, workers
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.log_path: str | None = None

    def log_tail(self, chars: int = 5000) -> str:
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()[-chars:]

    def start(self, timeout: float = 90) -> None:
        with socket.socket() as probe:
            probe.settimeout(2)
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(
                    f"port {self.port} is taken: another test session, or a server left over?")
        # the server's output goes to a file: a pipe nobody reads fills up and blocks it
        fd, self.log_path = tempfile.mkstemp(prefix="molisa-web-server-", suffix=".log")
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        with os.fdopen(fd, "w") as log:
            self.process = subprocess.Popen(
                [gunicorn, "wsgi:application", "--chdir", os.path.join(ROOT, "config"),
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                 "--timeout", "60", "--access-logfile", "-"],
                env=dict(os.environ, CKAN_INI=self.ini),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the web server exited ({self.process.returncode}):\n"
                                   + self.log_tail())
            try:
                if requests.get(self.url + "/api/3/action/status_show", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the web server did not answer within {timeout}s:\n"
                                   + self.log_tail())
            time.sleep(0.25)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


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
