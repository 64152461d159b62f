"""The reports: who sees what, filters, statistics and incidents (R15.1, R20.5)."""
import datetime

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_audit import recorder

pytestmark = pytest.mark.usefixtures("with_plugins")

UTC = datetime.timezone.utc


@pytest.fixture
def two_units(audit):
    admin_a, admin_b, member_a = factories.User(), factories.User(), factories.User()
    unit_a = factories.Organization(unit_type="department",
                                    users=[{"name": admin_a["name"], "capacity": "admin"},
                                           {"name": member_a["name"], "capacity": "editor"}])
    unit_b = factories.Organization(unit_type="department",
                                    users=[{"name": admin_b["name"], "capacity": "admin"}])
    recorder.record("api", "package_show", actor="x", organizations=[unit_a["id"]],
                    datasets=["ds-a"], status=200, duration_ms=10)
    recorder.record("download", "resource.download", actor="y", organizations=[unit_b["id"]],
                    datasets=["ds-b"], status=200, duration_ms=20, bytes_sent=1000)
    recorder.record("api", "package_show", actor="x", organizations=[unit_a["id"]],
                    datasets=["ds-a"], status=403, error_class="Authorization Error",
                    error_message="Access denied", duration_ms=5)
    recorder.record("sharing", "grant_suspend", actor="z", organizations=[unit_b["id"]],
                    status=200, duration_ms=1)
    audit.ship()
    return {"audit": audit, "a": unit_a, "b": unit_b, "admin_a": admin_a, "admin_b": admin_b,
            "member_a": member_a}


def call(name, user, **data):
    return helpers.call_action(name, context={"user": user["name"], "ignore_auth": False}, **data)


@pytest.mark.req("R15.1", "R20.5")
def test_sysadmins_see_everything(two_units):
    audit = two_units["audit"]
    result = call("molisa_audit_event_list", audit.admin, since=audit.since.isoformat())
    assert result["count"] == 4
    assert [e["channel"] for e in result["results"]] == ["api", "download", "api", "sharing"]


@pytest.mark.req("R15.1")
def test_a_units_admin_sees_only_events_touching_the_unit(two_units):
    audit, a, b = two_units["audit"], two_units["a"], two_units["b"]
    seen_a = call("molisa_audit_event_list", two_units["admin_a"], since=audit.since.isoformat())
    assert seen_a["count"] == 2
    assert all(e["organizations"] == [a["id"]] for e in seen_a["results"])
    seen_b = call("molisa_audit_event_list", two_units["admin_b"], since=audit.since.isoformat())
    assert {e["action"] for e in seen_b["results"]} == {"resource.download", "grant_suspend"}
    # asking for the other unit's events gives nothing, not the events
    assert call("molisa_audit_event_list", two_units["admin_a"], since=audit.since.isoformat(),
                organization=b["id"])["count"] == 0
    incidents = call("molisa_audit_incident_list", two_units["admin_b"],
                     since=audit.since.isoformat())
    assert incidents["count"] == 0


@pytest.mark.parametrize("who", ["member_a", "stranger", "anonymous"])
@pytest.mark.parametrize("action", ["molisa_audit_event_list", "molisa_audit_incident_list",
                                    "molisa_audit_stats", "molisa_audit_live"])
def test_members_and_others_see_nothing(two_units, who, action):
    user = {"member_a": two_units["member_a"], "stranger": factories.User(),
            "anonymous": {"name": ""}}[who]
    with pytest.raises(tk.NotAuthorized):
        call(action, user, since="2026-01-01", until="2030-01-01")


@pytest.mark.parametrize("action", ["molisa_audit_verify", "molisa_audit_archive"])
def test_only_sysadmins_verify_and_archive(two_units, action):
    with pytest.raises(tk.NotAuthorized):
        call(action, two_units["admin_a"])


@pytest.mark.req("R15.1")
def test_filters(two_units):
    audit, a = two_units["audit"], two_units["a"]
    since = audit.since.isoformat()
    assert call("molisa_audit_event_list", audit.admin, since=since, channel="download")["count"] == 1
    assert call("molisa_audit_event_list", audit.admin, since=since, actor="x")["count"] == 2
    assert call("molisa_audit_event_list", audit.admin, since=since, dataset="ds-b")["count"] == 1
    assert call("molisa_audit_event_list", audit.admin, since=since, organization=a["id"])["count"] == 2
    assert call("molisa_audit_event_list", audit.admin, since=since, outcome="error")["count"] == 1
    assert call("molisa_audit_event_list", audit.admin, since=since, outcome="403")["count"] == 1
    assert call("molisa_audit_event_list", audit.admin, since=since, outcome="success")["count"] == 3
    assert call("molisa_audit_event_list", audit.admin, since=since,
                action="grant_suspend")["count"] == 1
    page = call("molisa_audit_event_list", audit.admin, since=since, limit=2, offset=2)
    assert page["count"] == 4 and [e["action"] for e in page["results"]] == [
        "package_show", "grant_suspend"]
    future = (datetime.datetime.now(UTC) + datetime.timedelta(hours=1)).isoformat()
    assert call("molisa_audit_event_list", audit.admin, since=future)["count"] == 0


@pytest.mark.req("R15.1")
def test_incidents_are_the_failures_with_their_details(two_units):
    audit = two_units["audit"]
    [incident] = call("molisa_audit_incident_list", audit.admin,
                      since=audit.since.isoformat())["results"]
    assert incident["status"] == 403 and incident["error_class"] == "Authorization Error"
    assert incident["error_message"] == "Access denied"


@pytest.mark.req("R15.1", "R20.5")
@pytest.mark.parametrize("group_by,expected", [
    ("channel", {"api": (2, 1), "download": (1, 0), "sharing": (1, 0)}),
    ("actor", {"x": (2, 1), "y": (1, 0), "z": (1, 0)}),
    ("dataset", {"ds-a": (2, 1), "ds-b": (1, 0)}),
])
def test_stats_grouped(two_units, group_by, expected):
    audit = two_units["audit"]
    until = (datetime.datetime.now(UTC) + datetime.timedelta(minutes=5)).isoformat()
    result = call("molisa_audit_stats", audit.admin, since=audit.since.isoformat(),
                  until=until, group_by=group_by)
    got = {r["key"]: (r["events"], r["errors"]) for r in result["results"]}
    assert got == expected


def test_stats_by_day_with_bytes_and_percentiles(two_units):
    audit = two_units["audit"]
    until = (datetime.datetime.now(UTC) + datetime.timedelta(minutes=5)).isoformat()
    result = call("molisa_audit_stats", audit.admin, since=audit.since.isoformat(), until=until)
    assert result["total"] == {"events": 4, "errors": 1, "bytes": 1000}
    [day] = result["results"]
    assert 5 <= day["duration_p50"] <= 20 and day["duration_p95"] <= 30


def test_stats_from_rollups_equal_stats_from_events(audit):
    """Whole hours come from the hourly rollups, partial hours from the
    events: both give the same counts."""
    base = datetime.datetime(2025, 5, 6, 0, 0, tzinfo=UTC)
    for hour in range(5):
        for i in range(hour + 1):
            recorder.record("api", "package_search", actor=f"u{i}", status=500 if i == 0 else 200,
                            organizations=["unit-even" if i % 2 == 0 else "unit-odd"],
                            duration_ms=3.0 * (i + 1), ts=base + datetime.timedelta(hours=hour, minutes=10 * i))
    audit.ship()
    whole = call("molisa_audit_stats", audit.admin, since=base.isoformat(),
                 until=(base + datetime.timedelta(hours=5)).isoformat(), group_by="actor")
    ragged = call("molisa_audit_stats", audit.admin,
                  since=(base + datetime.timedelta(minutes=1) - datetime.timedelta(minutes=1)).isoformat(),
                  until=(base + datetime.timedelta(hours=4, minutes=59)).isoformat(), group_by="actor")
    assert {r["key"]: r["events"] for r in whole["results"]} == {
        "u0": 5, "u1": 4, "u2": 3, "u3": 2, "u4": 1}
    assert {r["key"]: r["events"] for r in ragged["results"]} == {
        "u0": 5, "u1": 4, "u2": 3, "u3": 2, "u4": 1}
    by_day = call("molisa_audit_stats", audit.admin, since=base.isoformat(),
                  until=(base + datetime.timedelta(days=1)).isoformat(), group_by="day")
    assert by_day["results"] == [dict(by_day["results"][0], key="2025-05-06", events=15, errors=5)]
    # one unit, from the rollups (whole hours) and from the events (ragged)
    for since, until in [(base, base + datetime.timedelta(hours=5)),
                         (base + datetime.timedelta(minutes=5), base + datetime.timedelta(hours=4, minutes=55))]:
        unit = call("molisa_audit_stats", audit.admin, since=since.isoformat(),
                    until=until.isoformat(), group_by="day", organization="unit-even")
        expected = 9 if since == base else 9 - 1   # u0 at hh:00 falls before 00:05
        assert unit["results"][0]["events"] == expected


@pytest.mark.parametrize("action,data,field", [
    ("molisa_audit_event_list", {"since": "yesterday"}, "since"),
    ("molisa_audit_event_list", {"until": "2026-13-01"}, "until"),
    ("molisa_audit_event_list", {"channel": "telepathy"}, "channel"),
    ("molisa_audit_event_list", {"outcome": "maybe"}, "outcome"),
    ("molisa_audit_event_list", {"limit": "-1"}, "limit"),
    ("molisa_audit_event_list", {"limit": "lots"}, "limit"),
    ("molisa_audit_event_list", {"since": "2026-02-01", "until": "2026-01-01"}, "until"),
    ("molisa_audit_stats", {"since": "2026-01-01", "until": "soon"}, "until"),
    ("molisa_audit_stats", {"until": "2026-01-01"}, "since"),
    ("molisa_audit_stats", {"since": "2026-01-01", "until": "2026-02-01", "group_by": "week"},
     "group_by"),
    ("molisa_audit_live", {"minutes": "0"}, "minutes"),
])
def test_bad_filters_are_validation_errors(audit, action, data, field):
    with pytest.raises(tk.ValidationError) as e:
        call(action, audit.admin, **data)
    assert field in e.value.error_dict


def test_bad_filters_over_http_are_409_not_500(app, audit):
    token = factories.SysadminWithToken()["token"]
    response = app.get("/api/3/action/molisa_audit_event_list", headers={"Authorization": token},
                       query_string={"since": "not a date"}, status=409)
    assert "since" in response.json["error"]
    response = app.get("/api/3/action/molisa_audit_stats", headers={"Authorization": token},
                       query_string={"since": "2026-01-01", "until": "2026-02-01",
                                     "group_by": "week"}, status=409)
    assert "group_by" in response.json["error"]


@pytest.mark.req("R15.1", "R20.5")
def test_a_missing_until_means_now(two_units):
    """molisa_audit_stats and molisa_audit_event_list: ``until`` defaults to now."""
    audit = two_units["audit"]
    since = audit.since.isoformat()
    stats = call("molisa_audit_stats", audit.admin, since=since, group_by="channel")
    assert {r["key"]: r["events"] for r in stats["results"]} == {"api": 2, "download": 1,
                                                                "sharing": 1}
    until = datetime.datetime.fromisoformat(stats["until"])
    assert abs((until - datetime.datetime.now(UTC)).total_seconds()) < 60
    assert call("molisa_audit_event_list", audit.admin, since=since)["count"] == 4
    later = (datetime.datetime.now(UTC) + datetime.timedelta(days=1)).isoformat()
    recorder.record("api", "from_the_future", actor="x", status=200,
                    ts=datetime.datetime.now(UTC) + datetime.timedelta(hours=2))
    audit.ship()
    assert call("molisa_audit_event_list", audit.admin, since=since)["count"] == 4
    assert call("molisa_audit_event_list", audit.admin, since=since, until=later)["count"] == 5


@pytest.mark.req("R10.2")
def test_live_counters(two_units):
    audit = two_units["audit"]
    live = call("molisa_audit_live", audit.admin, minutes=10)
    assert live["events_window"] >= 4 and live["errors_window"] >= 1
    assert len(live["per_minute"]) == 11
    assert {d["id"] for d in live["top_datasets"]} >= {"ds-a", "ds-b"}
