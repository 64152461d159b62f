"""The /audit pages: who may see them, what they show, the exports and the
live counters (R15.1, R20.5, R10.2)."""
import csv
import datetime
import io

import openpyxl
import pytest
import pytz
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_audit import export, views

pytestmark = pytest.mark.usefixtures("with_plugins")

PAGES = ["/audit/", "/audit/incidents", "/audit/stats", "/audit/live",
         "/audit/export.csv", "/audit/export.xlsx", "/audit/incidents/export.csv",
         "/audit/incidents/export.xlsx", "/audit/stats/export.csv"]


@pytest.fixture
def sysadmin(audit):
    return factories.SysadminWithToken()


@pytest.fixture
def traffic(app, audit, sysadmin):
    """Three searches and one failed look-up by a known user, shipped."""
    user = factories.UserWithToken()
    for _ in range(3):
        app.get("/api/3/action/package_search", headers={"Authorization": user["token"]})
    app.get("/api/3/action/package_show", query_string={"id": "no-such-dataset"},
            headers={"Authorization": user["token"]}, status=404)
    audit.ship()
    return user


@pytest.fixture
def dataset(audit):
    org = factories.Organization(unit_type="department")
    return helpers.call_action(
        "package_create", context={"user": audit.admin["name"]}, type="dataset",
        name="ds-audit-views", title="Lao động việc làm", notes="Mô tả", owner_org=org["id"],
        sector="tre-em", access_level="open", license_id="cc-by-4.0",
        update_frequency="annual", contact_name="A", contact_email="a@molisa.gov.vn")


def _get(app, url, user, **kw):
    return app.get(url, headers={"Authorization": user["token"]}, **kw)


def _local_today():
    return datetime.datetime.now(tk.h.get_display_timezone()).date()


@pytest.mark.req("R15.1")
def test_the_event_log_shows_the_events(app, sysadmin, traffic):
    body = _get(app, "/audit/", sysadmin).body
    assert body.count("<code>package_search</code>") == 3
    assert body.count("<code>package_show</code>") == 1
    assert traffic["name"] in body
    assert "Asia/Ho_Chi_Minh" in body
    assert "/audit/export.csv" in body and "/audit/export.xlsx" in body


@pytest.mark.req("R15.1")
def test_the_event_log_filters_and_keeps_the_filters_in_the_exports(app, sysadmin, traffic):
    body = _get(app, "/audit/", sysadmin,
                query_string={"actor": traffic["name"], "outcome": "error"}).body
    assert body.count("<code>package_show</code>") == 1
    assert "<code>package_search</code>" not in body
    assert f"/audit/export.csv?actor={traffic['name']}&amp;outcome=error" in body


@pytest.mark.req("R15.1")
def test_dates_are_local_days_and_until_includes_its_day(app, sysadmin, traffic):
    today = _local_today()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    body = _get(app, "/audit/", sysadmin, query_string={
        "since": today.isoformat(), "until": today.isoformat()}).body
    assert body.count("<code>package_search</code>") == 3
    body = _get(app, "/audit/", sysadmin, query_string={"until": yesterday}).body
    assert "<code>package_search</code>" not in body


def test_the_event_log_pages(app, sysadmin, traffic, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    query = {"action": "package_search"}
    first = _get(app, "/audit/", sysadmin, query_string=query).body
    second = _get(app, "/audit/", sysadmin, query_string=dict(query, page=2)).body
    assert first.count("<code>package_search</code>") == 2
    assert second.count("<code>package_search</code>") == 1
    assert "page=2" in first


def test_datasets_are_linked_and_filtered_by_name(app, audit, sysadmin, dataset):
    user = factories.UserWithToken()
    app.get("/api/3/action/package_show", query_string={"id": dataset["name"]},
            headers={"Authorization": user["token"]})
    app.get("/api/3/action/package_search", headers={"Authorization": user["token"]})
    audit.ship()
    body = _get(app, "/audit/", sysadmin, query_string={"dataset": dataset["name"]}).body
    assert body.count("<code>package_show</code>") == 1
    assert "<code>package_search</code>" not in body
    assert '<a href="/dataset/ds-audit-views">Lao động việc làm</a>' in body
    top = _get(app, "/audit/live.json", sysadmin).json["top_datasets"]
    assert top == [{"id": dataset["id"], "title": "Lao động việc làm", "events": 1,
                    "url": "/dataset/ds-audit-views"}]
    body = _get(app, "/audit/stats", sysadmin, query_string={"group_by": "dataset"}).body
    assert "/dataset/ds-audit-views" in body
    assert f"/audit/?since=" in body and f"dataset={dataset['id']}" in body


@pytest.mark.req("R20.5")
def test_the_incidents_show_the_failed_events_with_their_error(app, sysadmin, traffic):
    body = _get(app, "/audit/incidents", sysadmin).body
    assert body.count("<code>package_show</code>") == 1
    assert "<code>package_search</code>" not in body
    assert "Not Found Error" in body
    assert "/audit/incidents/export.csv" in body


@pytest.mark.req("R15.1", "R20.5")
def test_the_statistics_page_has_the_chart_data_and_the_table(app, sysadmin, traffic):
    body = _get(app, "/audit/stats", sysadmin, query_string={"channel": "api"}).body
    assert 'data-module="molisa-audit-chart"' in body
    # days are counted in the display time zone (Asia/Ho_Chi_Minh, UTC+7)
    zone = pytz.timezone(tk.config.get("ckan.display_timezone"))
    today = datetime.datetime.now(zone).date().isoformat()
    assert f"&#34;key&#34;: &#34;{today}&#34;, &#34;events&#34;: 4, &#34;errors&#34;: 1" in body
    body = _get(app, "/audit/stats", sysadmin, query_string={"group_by": "actor"}).body
    assert traffic["name"] in body
    assert "/audit/stats/export.csv" in body


@pytest.mark.req("R10.2")
def test_the_live_page_and_its_json(app, audit, sysadmin, traffic):
    body = _get(app, "/audit/live", sysadmin).body
    assert 'data-module="molisa-audit-live"' in body
    assert "/audit/live.json" in body
    # every event so far (the fixtures' tokens, the traffic, the page just
    # opened) shipped before the JSON is asked for; its own event is not
    events = audit.events()
    response = _get(app, "/audit/live.json", sysadmin)
    assert response.headers["Content-Type"].startswith("application/json")
    data = response.json
    assert data["events_window"] == len(events) >= 4
    errors = [e for e in events if (e["status"] or 0) >= 400 or e["error_class"]]
    assert data["errors_window"] == len(errors) >= 1
    assert sum(m["events"] for m in data["per_minute"]) == len(events)
    assert {"events_last_minute", "errors_last_minute", "top_datasets", "generated"} <= set(data)


def test_anonymous_and_plain_users_are_refused(app, audit):
    user = factories.UserWithToken()
    for url in PAGES + ["/audit/live.json"]:
        assert app.get(url, status=None).status_code == 403, url
        assert _get(app, url, user, status=None).status_code == 403, url


def test_live_json_refuses_in_json(app, audit):
    response = _get(app, "/audit/live.json", factories.UserWithToken(), status=403)
    assert response.json["success"] is False
    assert response.json["error"]["message"]


def test_a_units_admin_sees_the_events_of_the_unit(app, audit, traffic, dataset):
    admin = factories.UserWithToken()
    helpers.call_action("organization_member_create", context={"user": audit.admin["name"]},
                        id=dataset["owner_org"], username=admin["name"], role="admin")
    app.get("/api/3/action/package_show", query_string={"id": dataset["name"]})
    audit.ship()
    for url in ["/audit/", "/audit/incidents", "/audit/stats", "/audit/live",
                "/audit/live.json", "/audit/export.csv"]:
        _get(app, url, admin, status=200)
    body = _get(app, "/audit/", admin).body
    assert body.count("<code>package_show</code>") == 1  # the unit's dataset
    assert "<code>package_search</code>" not in body  # touched no unit
    page = BeautifulSoup(body, "html.parser")
    assert [o["value"] for o in page.select("#audit-organization option")] == [
        "", dataset["owner_org"]]


@pytest.mark.parametrize("url", ["/en/audit/", "/en/audit/incidents", "/en/audit/stats"])
def test_a_bad_date_is_shown_beside_its_field(app, sysadmin, url):
    response = _get(app, url, sysadmin, query_string={"since": "notadate"}, status=400)
    assert "Not an ISO 8601 date or time" in response.body
    assert 'id="audit-since-error"' in response.body
    assert "is-invalid" in response.body


def test_until_before_since_is_shown_beside_until(app, sysadmin):
    response = _get(app, "/en/audit/", sysadmin, status=400,
                    query_string={"since": "2026-11-20", "until": "2026-11-01"})
    assert "Must be later than since." in response.body
    assert 'id="audit-until-error"' in response.body


@pytest.mark.parametrize("query", [{"channel": "fax"}, {"outcome": "maybe"}])
def test_other_bad_filters_are_shown_too(app, sysadmin, query):
    response = _get(app, "/en/audit/", sysadmin, query_string=query, status=400)
    [field] = query
    assert f'id="audit-{field}-error"' in response.body


def test_a_bad_filter_in_an_export_is_a_400(app, sysadmin):
    for url in ["/audit/export.csv", "/audit/export.xlsx", "/audit/incidents/export.csv",
                "/audit/stats/export.csv"]:
        _get(app, url, sysadmin, query_string={"since": "notadate"}, status=400)


def test_a_bad_live_window_is_a_400_in_json(app, sysadmin):
    response = _get(app, "/audit/live.json", sysadmin, query_string={"minutes": "x"},
                    status=400)
    assert "minutes" in response.json["error"]


@pytest.mark.req("R15.1")
def test_the_csv_export(app, sysadmin, traffic):
    response = _get(app, "/audit/export.csv", sysadmin, query_string={"channel": "api"})
    assert response.headers["Content-Type"].startswith("text/csv")
    filename = f"molisa-audit-{_local_today().isoformat()}.csv"
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == export.COLUMNS
    events = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [e["action"] for e in events] == ["package_search"] * 3 + ["package_show"]
    assert all(e["actor"] == traffic["name"] and e["channel"] == "api" for e in events)
    assert events[-1]["status"] == "404" and events[-1]["error_class"] == "Not Found Error"


@pytest.mark.req("R15.1")
def test_the_xlsx_export(app, sysadmin, traffic):
    response = _get(app, "/audit/export.xlsx", sysadmin, query_string={"channel": "api"})
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "molisa-audit-" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == export.COLUMNS
    assert [r[2] for r in rows[1:]] == ["package_search"] * 3 + ["package_show"]
    assert rows[-1][5] == 404 and rows[-1][3] == traffic["name"]


@pytest.mark.req("R20.5")
def test_the_incidents_export_has_only_the_failures(app, sysadmin, traffic):
    response = _get(app, "/audit/incidents/export.csv", sysadmin)
    assert "molisa-audit-incidents-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["action"], r["status"]) for r in rows] == [("package_show", "404")]


def test_an_export_fetches_every_page(app, sysadmin, traffic, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_PAGE", 2)
    rows = list(csv.reader(io.StringIO(
        _get(app, "/audit/export.csv", sysadmin, query_string={"channel": "api"})
        .get_data().decode("utf-8-sig"))))
    assert len(rows) == 1 + 4


def test_the_statistics_export(app, sysadmin, traffic):
    response = _get(app, "/audit/stats/export.csv", sysadmin,
                    query_string={"group_by": "channel"})
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    [api] = [r for r in rows if r["channel"] == "api"]
    assert api["events"] == "4" and api["errors"] == "1"


def test_exports_keep_vietnamese_lists_and_formulas_as_text():
    event = {"ts": "2026-11-27T03:00:00.000Z", "channel": "auth", "action": "login_failed",
             "actor": "=HYPERLINK(\"http://x\")", "error_message": "Sai mật khẩu\x07",
             "datasets": ["a", "b"], "resources": None, "status": 401}
    text = export.events_csv([event]).decode("utf-8-sig")
    row = dict(zip(export.COLUMNS, list(csv.reader(io.StringIO(text)))[1]))
    assert row["actor"] == "'=HYPERLINK(\"http://x\")"
    assert row["datasets"] == "a b" and row["resources"] == ""
    sheet = openpyxl.load_workbook(io.BytesIO(export.events_xlsx([event]))).active
    actor, message = sheet.cell(2, 4), sheet.cell(2, 8)
    assert actor.data_type == "s" and actor.value == "=HYPERLINK(\"http://x\")"
    assert message.value == "Sai mật khẩu"




def test_odd_filters_never_give_a_500(app, sysadmin):
    for url in [
            "/audit/?actor=%00", "/audit/export.csv?dataset=%00", "/audit/stats?actor=%00",
            "/audit/?since=2026-02-30", "/audit/?since=0001-01-01", "/audit/?until=9999-12-31",
            "/audit/stats?since=0001-01-01T00:00:00%2B07:00", "/audit/stats?until=9999-12-31",
            "/audit/?page=1e5", "/audit/?page=999999999999", "/audit/stats?group_by=bogus",
            "/audit/stats/export.csv?group_by=x%0d%0aSet-Cookie:a=b", "/audit/live?minutes=0"]:
        response = _get(app, url, sysadmin, status=None)
        assert response.status_code in (200, 302, 400), url
    # a NUL is refused at the door, for every page (ckanext.molisa.input_guard)
    response = _get(app, "/en/audit/", sysadmin, query_string={"actor": "a\x00"}, status=400)
    assert "cannot be stored" in response.body

