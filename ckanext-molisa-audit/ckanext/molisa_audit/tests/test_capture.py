"""Each channel produces its events with the right fields, and no secret
reaches the log (R15.1, R15.2, R4.3)."""
import json

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def dataset(audit):
    org = factories.Organization(unit_type="department")
    return helpers.call_action(
        "package_create", context={"user": audit.admin["name"]}, type="dataset",
        name="ds-audit", title="Dữ liệu", notes="Mô tả", owner_org=org["id"], sector="tre-em",
        access_level="open", license_id="cc-by-4.0", update_frequency="annual",
        contact_name="A", contact_email="a@molisa.gov.vn",
        resources=[{"url": "https://example.org/x.csv", "name": "x.csv", "format": "CSV"}])


@pytest.mark.req("R15.1", "R15.2")
def test_an_api_call_is_logged_with_every_field(app, audit, dataset):
    user = factories.UserWithToken()
    response = app.get("/api/3/action/package_show", query_string={"id": "ds-audit"},
                       headers={"Authorization": user["token"], "X-Request-ID": "req-api-1"})
    assert response.headers["X-Request-ID"] == "req-api-1"
    [event] = audit.events(action="package_show")
    assert event["channel"] == "api"
    assert event["actor"] == user["name"] and event["actor_id"] == user["id"]
    assert event["datasets"] == [dataset["id"]]
    assert event["organizations"] == [dataset["owner_org"]]
    assert event["status"] == 200 and event["error_class"] is None
    assert event["request_id"] == "req-api-1"
    assert event["client_addr"] == "127.0.0.1"
    assert event["duration_ms"] > 0
    assert event["bytes_sent"] == len(response.body.encode())
    assert event["ts"].endswith("Z") and len(event["ts"]) == len("2026-11-27T10:00:00.123Z")


@pytest.mark.req("R15.1")
def test_a_failed_api_call_is_logged_with_its_error(app, audit, dataset):
    app.get("/api/3/action/package_show", query_string={"id": "no-such-dataset"}, status=404)
    app.post("/api/3/action/package_create", json={"name": "x"}, status=403)
    events = audit.events(outcome="error")
    by_action = {e["action"]: e for e in events}
    assert by_action["package_show"]["status"] == 404
    assert by_action["package_show"]["error_class"] == "Not Found Error"
    assert by_action["package_create"]["status"] == 403
    assert by_action["package_create"]["error_class"] == "Authorization Error"
    assert by_action["package_create"]["actor"] is None


@pytest.mark.req("R15.1")
def test_datastore_actions_are_logged(app, audit, dataset):
    resource_id = dataset["resources"][0]["id"]
    helpers.call_action("datastore_create", context={"user": audit.admin["name"]},
                        resource_id=resource_id, records=[{"a": 1}], force=True)
    app.get("/api/3/action/datastore_search", query_string={"resource_id": resource_id})
    [event] = audit.events(action="datastore_search")
    assert event["resources"] == [resource_id]
    assert event["datasets"] == [dataset["id"]]
    assert event["organizations"] == [dataset["owner_org"]]


@pytest.mark.req("R15.1")
def test_a_download_is_logged(app, audit, dataset):
    resource = dataset["resources"][0]
    app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download",
            follow_redirects=False)
    [event] = audit.events(channel="download")
    assert event["resources"] == [resource["id"]]
    assert event["datasets"] == [dataset["id"]]
    assert event["organizations"] == [dataset["owner_org"]]


@pytest.mark.req("R15.1")
def test_page_views_are_logged_for_logged_in_users_only(app, audit, dataset):
    user = factories.UserWithToken()
    app.get("/dataset/ds-audit")  # anonymous: not a "page view by a logged-in user"
    app.get("/dataset/ds-audit", headers={"Authorization": user["token"]})
    resource = dataset["resources"][0]
    app.get(f"/dataset/ds-audit/resource/{resource['id']}",
            headers={"Authorization": user["token"]})
    events = audit.events(channel="web")
    assert [(e["action"], e["actor"]) for e in events] == [
        ("dataset.read", user["name"]), ("dataset_resource.read", user["name"])]
    assert events[0]["datasets"] == [dataset["id"]]
    assert events[1]["resources"] == [resource["id"]]


@pytest.mark.req("R15.1")
def test_log_in_failed_log_in_and_log_out(app, audit):
    user = factories.User(password="correct horse battery")
    app.post("/user/login", data={"login": user["name"], "password": "wrong password 123"})
    app.post("/user/login", data={"login": user["name"], "password": "correct horse battery"})
    app.get("/user/_logout")
    events = audit.events(channel="auth")
    assert [e["action"] for e in events] == ["login_failed", "login", "logout"]
    assert all(e["actor"] == user["name"] for e in events)
    assert events[0]["error_class"] == "FailedLogin"


@pytest.mark.req("R15.1")
def test_api_tokens_created_and_revoked(app, audit):
    user = factories.UserWithToken()
    headers = {"Authorization": user["token"]}
    created = app.post("/api/3/action/api_token_create", headers=headers,
                       json={"user": user["name"], "name": "harvester"}).json["result"]
    jti = helpers.call_action("api_token_list", context={"user": user["name"]},
                              user_id=user["name"])[0]["id"]
    app.post("/api/3/action/api_token_revoke", headers=headers, json={"jti": jti})
    events = audit.events(channel="auth")
    # the factory's own token, made outside any request, then the two API calls
    assert [(e["action"], bool(e["request_id"])) for e in events] == [
        ("api_token_create", False), ("api_token_create", True), ("api_token_revoke", True)]
    assert all(e["actor"] == user["name"] for e in events[1:])
    assert created["token"] not in json.dumps(events)


@pytest.mark.req("R4.3")
def test_no_secret_reaches_the_log(app, audit):
    user = factories.UserWithToken(password="S3cret-passw0rd!")
    token = user["token"]
    app.get("/api/3/action/package_search", headers={"Authorization": token})
    app.get("/api/3/action/package_search", headers={"Authorization": "Bearer " + token + "x"})
    app.post("/api/3/action/user_update", headers={"Authorization": token},
             json={"id": user["id"], "email": "x@example.org", "password": "N3w-S3cret-pass!"})
    app.post("/user/login", data={"login": user["name"], "password": "S3cret-passw0rd!x"})
    app.get("/api/3/action/package_show", query_string={"id": "x", "api_key": token}, status=404)
    dump = json.dumps(audit.events())
    for secret in (token, token[:40], "S3cret-passw0rd", "N3w-S3cret-pass"):
        assert secret not in dump
    # and not in the spool files either
    import glob
    import os
    from ckanext.molisa_audit import recorder
    for path in glob.glob(os.path.join(recorder.spool_dir(), "**"), recursive=True):
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        assert token not in text and "S3cret-passw0rd" not in text


@pytest.mark.req("R15.1")
def test_other_plugins_write_events_through_the_action(audit):
    helpers.call_action("molisa_audit_event_create", context={"ignore_auth": True},
                        channel="harvest", action="harvest_gather", actor="harvester",
                        connection_account="ndp", status=200, extra={"source": "ndp"})
    [event] = audit.events(channel="harvest")
    assert event["action"] == "harvest_gather" and event["connection_account"] == "ndp"
    assert event["extra"] == {"source": "ndp"}


def test_http_callers_cannot_write_events(app, audit):
    response = app.post("/api/3/action/molisa_audit_event_create",
                        headers={"Authorization": factories.SysadminWithToken()["token"]},
                        json={"channel": "api", "action": "forged"}, status=403)
    assert response.json["success"] is False


@pytest.mark.req("R15.1")
def test_api_tokens_made_outside_the_api_are_logged_too(audit):
    user = factories.User()
    helpers.call_action("api_token_create", context={"user": user["name"]},
                        user=user["name"], name="cli-token")
    [event] = audit.events(channel="auth")
    assert event["action"] == "api_token_create" and event["actor"] == user["name"]


def test_a_nul_character_cannot_jam_the_shipper(audit):
    from ckanext.molisa_audit import recorder
    recorder.record("auth", "login_failed", actor="evil\x00name", status=401,
                    extra={"note": "a\x00b"})
    [event] = audit.events(channel="auth")
    assert event["actor"] == "evilname" and event["extra"] == {"note": "ab"}


@pytest.mark.req("R15.2")
def test_only_anonymous_reads_skip_the_wait_for_the_fsync(app, audit, dataset, monkeypatch):
    """An anonymous GET holds only what the public may see: its event is
    appended at once and fsync'd moments later. A logged-in person's read and
    every POST wait for their fsync before the answer goes out."""
    from ckanext.molisa_audit import spool
    seen = []
    real = spool.SpoolWriter.write_line

    def write_line(self, text, durable=True):
        event = json.loads(text)
        if event["channel"] == "api":
            seen.append((event["action"], event["actor"], event["extra"]["method"], durable))
        return real(self, text, durable)

    user = factories.UserWithToken()
    monkeypatch.setattr(spool.SpoolWriter, "write_line", write_line)
    app.get("/api/3/action/package_show", query_string={"id": "ds-audit"})
    app.get("/api/3/action/package_show", query_string={"id": "ds-audit"},
            headers={"Authorization": user["token"]})
    app.post("/api/3/action/package_search", json={"q": "x"})
    assert seen == [("package_show", None, "GET", False),
                    ("package_show", user["name"], "GET", True),
                    ("package_search", None, "POST", True)]
    # the anonymous read's event is in the log all the same
    assert [e["actor"] for e in audit.events(action="package_show")] == [None, user["name"]]
