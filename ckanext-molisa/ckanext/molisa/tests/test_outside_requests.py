"""No page request leaves the portal (R4.3): the main public pages and a
logged-in user's pages, opened in the real browser (Debian's Chromium) from
the portal served by gunicorn, make requests (documents, scripts, styles,
fonts, images, XHR) to the portal's own origin only. A picture from Gravatar,
for example, would send a hash of the user's e-mail address to an outside
service on every page."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa.testing.factories import csv_upload, meritorious_dataset

pytestmark = pytest.mark.usefixtures("clean_db")

PASSWORD = "Mat-khau-thu-nghiem-2027"
TIMEOUT_MS = 30_000


@pytest.fixture
def site():
    sysadmin = factories.Sysadmin()
    # no picture of their own (CKAN's factories give users and organizations
    # one on another site): the portal decides what is shown
    user = factories.User(name="nguoi-dung", email="nguoi.dung@example.vn",
                          fullname="Người Dùng", image_url="")
    row = model.User.get(user["name"])
    row.password = PASSWORD
    model.repo.commit()
    unit = factories.Organization(name="cuc-nguoi-co-cong", title="Cục Người có công",
                                  unit_type="department", image_url="")
    ctx = {"user": sysadmin["name"]}
    pkg = helpers.call_action("package_create", context=dict(ctx),
                              **meritorious_dataset(unit["id"]))
    res = helpers.call_action("resource_create", context=dict(ctx), package_id=pkg["id"],
                              name="Bảng số liệu", format="CSV", upload=csv_upload(),
                              url="people.csv")
    return {"user": user, "unit": unit, "dataset": pkg, "resource": res}


class Recorder:
    """Every request the page makes, and those that leave ``origin``."""

    def __init__(self, page, origin: str):
        self.origin = origin
        self.seen: list[str] = []
        self.outside: list[tuple[str, str]] = []
        self.current = ""
        page.on("request", self._on_request)

    def _on_request(self, request) -> None:
        url = request.url
        self.seen.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.outside.append((self.current, url))


def _visit(page, recorder: Recorder, base: str, paths: list[str]) -> None:
    for path in paths:
        recorder.current = path
        response = page.goto(base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response and
                                                                  response.status)


@pytest.mark.req("R4.3")
def test_no_request_leaves_the_portal(site, web_server, page):
    base = web_server.url.rstrip("/")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    page.set_default_timeout(TIMEOUT_MS)
    recorder = Recorder(page, origin)
    dataset, resource = site["dataset"]["name"], site["resource"]["id"]
    public = ["/", "/dataset/", f"/dataset/{dataset}", f"/dataset/{dataset}/resource/{resource}",
              "/organization/", f"/organization/{site['unit']['name']}", "/harvest",
              "/about", "/user/login", "/en/", f"/en/dataset/{dataset}"]
    _visit(page, recorder, base, public)
    anonymous_requests = len(recorder.seen)

    recorder.current = "/user/login (log-in)"
    page.goto(base + "/user/login")
    page.fill("#field-login", site["user"]["name"])
    page.fill("#field-password", PASSWORD)
    page.locator("form").filter(has=page.locator("#field-login")).locator(
        "button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "/user/login" not in page.url, "login failed"
    name = site["user"]["name"]
    logged_in = ["/dashboard/datasets", f"/user/{name}", f"/user/edit/{name}",
                 f"/dataset/{dataset}", "/dataset/", "/en/dashboard/datasets"]
    _visit(page, recorder, base, logged_in)

    # the recorder saw the pages' own requests (so an empty "outside" means
    # something): documents, and the styles and scripts they load
    assert anonymous_requests > len(public) and len(recorder.seen) > anonymous_requests
    assert any(url.endswith(".css") or "/webassets/" in url for url in recorder.seen)
    assert not recorder.outside, "requests that left the portal:\n" + "\n".join(
        f"  {page_path}: {url}" for page_path, url in recorder.outside)
    # the user's picture (Gravatar's, before) is the portal's own placeholder, shown on the page
    picture = page.locator("img.user-image, .image img, img.gravatar").first
    assert picture.count() == 1
    assert picture.get_attribute("src").startswith(("/", base)), picture.get_attribute("src")
