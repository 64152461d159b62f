"""Who used my data: a DataStore read that returns a person's rows is
recorded for that person (the keyed hash of their number) with the audit
event's request id, the dataset, the organisation and the grant's purpose
and legal basis, or the unit's own access; the person sees it, nobody else
does. Real sector database, harvester, DataStore, sharing's grants, the
audit log and the web application (the reads go through the Action API)."""
from __future__ import annotations

import datetime
import json

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa import subjects as subject_keys
from ckanext.molisa.testing.audit import Audit
from ckanext.molisa.testing.factories import act, request_data
from ckanext.molisa_harvest import subjects

from .test_mydata import RECORDS, _person, _source_rows, _token, harvested  # noqa: F401

UNIT = "tong-cuc-giao-duc-nghe-nghiep"


def _accesses(account):
    return helpers.call_action("molisa_mydata_accesses",
                               context={"user": account.name, "ignore_auth": False},
                               pid="x")["accesses"]


@pytest.fixture
def shared(harvested):
    """The record-level dataset, its unit's admin and a grantee whose
    approved grant covers it."""
    pkg = helpers.call_action("package_show", context={"ignore_auth": True}, id=RECORDS)
    (resource_id,) = [r["id"] for r in pkg["resources"] if subjects.count_for(r["id"])]
    admin = factories.User(name="unit-admin-gdnn")
    helpers.call_action("organization_member_create", context={"ignore_auth": True},
                        id=UNIT, username=admin["name"], role="admin")
    grantee = factories.User(name="grantee-ilssa", email="grantee@ilssa.example.vn")
    req = act(grantee, "molisa_sharing_request_create", **request_data([pkg["id"]]))
    act(grantee, "molisa_sharing_request_submit", id=req["id"])
    req = act(admin, "molisa_sharing_request_approve", id=req["id"])
    assert req["grant_id"]
    _, pids = _source_rows(harvested, "")
    return {"pkg": pkg, "resource_id": resource_id, "admin": admin, "grantee": grantee,
            "pids": pids}


def _read(app, user_dict, resource_id, pid, **params):
    """The rows of one person, read through the Action API as ``user_dict``."""
    rows = subjects.rows_of(subject_keys.subject_hash(pid))[resource_id]
    token = helpers.call_action("api_token_create", context={"user": user_dict["name"]},
                                user=user_dict["name"], name="t")["token"]
    response = app.post("/api/3/action/datastore_search", headers={"Authorization": token},
                        json={"resource_id": resource_id, "filters": {"_id": rows}, **params})
    assert response.status_code == 200, response.body
    return response, json.loads(response.body)["result"], rows


@pytest.mark.req("R17.2", "R15.1")
def test_a_grantee_read_is_seen_by_the_citizen_with_the_grant_purpose(app, shared):
    audit = Audit()
    pid, other_pid, third_pid = shared["pids"]
    citizen, other, third = (_person(pid), _person(other_pid, "Trần Thị Bình"),
                             _person(third_pid, "Lê Văn Cường"))
    # the grantee names the columns it wants, without _id: the rows are
    # still known, and _id is not added to what it gets
    response, result, rows = _read(app, shared["grantee"], shared["resource_id"], pid,
                                   fields=["ho_ten", "nganh_nghe"])
    assert len(result["records"]) == len(rows) >= 1
    assert all(set(r) == {"ho_ten", "nganh_nghe"} for r in result["records"])
    assert [f["id"] for f in result["fields"]] == ["ho_ten", "nganh_nghe"]

    (seen,) = _accesses(citizen)
    request = request_data([])
    assert seen["basis"] == "grant"
    assert seen["purpose"] == request["purpose"]
    assert seen["legal_basis"] == request["legal_basis"]
    assert seen["organization"] == request["requester_organization"]
    assert seen["dataset"]["name"] == RECORDS
    assert seen["unit"]["name"] == UNIT
    assert seen["rows"] == len(rows)
    # never the official who read
    assert shared["grantee"]["name"] not in json.dumps(seen)
    assert shared["grantee"]["id"] not in json.dumps(seen)
    # the event leads to the audit log's full event, which the unit's admin reads
    assert seen["event"] == response.headers["X-Request-ID"]
    audit.ship()
    events = [e for e in helpers.call_action(
        "molisa_audit_event_list", context={"user": shared["admin"]["name"]},
        since=audit.since.isoformat(), dataset=shared["pkg"]["id"], limit=100)["results"]
        if e["request_id"] == seen["event"]]
    (event,) = events
    assert event["action"] == "datastore_search" and event["actor"] == shared["grantee"]["name"]
    assert seen["date"][:10] == event["ts"][:10]

    # the others whose rows were not returned see nothing
    assert _accesses(other) == [] and _accesses(third) == []

    # a read that returns the other person's rows only: recorded for them,
    # nothing more for the first; the unit's own read says so
    _read(app, shared["admin"], shared["resource_id"], other_pid)
    assert len(_accesses(citizen)) == 1
    (own,) = _accesses(other)
    assert own["basis"] == "unit" and own["organization"] == UNIT
    assert own["purpose"] is None and own["legal_basis"] is None
    assert _accesses(third) == []

    # a read that returns no rows records nothing
    token = helpers.call_action("api_token_create", context={"user": shared["grantee"]["name"]},
                                user=shared["grantee"]["name"], name="t2")["token"]
    empty = app.post("/api/3/action/datastore_search", headers={"Authorization": token},
                     json={"resource_id": shared["resource_id"], "filters": {"_id": [-1]}})
    assert empty.status_code == 200 and json.loads(empty.body)["result"]["records"] == []
    assert len(_accesses(citizen)) == 1 and len(_accesses(other)) == 1
    assert _accesses(third) == []


@pytest.mark.req("R17.2", "R15.1")
@pytest.mark.ckan_config("ckan.datastore.sqlsearch.enabled", True)
def test_sql_reads_and_the_page(app, shared):
    pid = shared["pids"][0]
    citizen = _person(pid)
    rows = subjects.rows_of(subject_keys.subject_hash(pid))[shared["resource_id"]]
    token = helpers.call_action("api_token_create", context={"user": shared["admin"]["name"]},
                                user=shared["admin"]["name"], name="t")["token"]
    sql = 'SELECT _id, ho_ten FROM "{}" WHERE _id IN ({})'.format(
        shared["resource_id"], ",".join(map(str, rows)))
    response = app.post("/api/3/action/datastore_search_sql",
                        headers={"Authorization": token}, json={"sql": sql})
    assert response.status_code == 200, response.body
    (seen,) = _accesses(citizen)
    assert seen["basis"] == "unit" and seen["rows"] == len(rows)
    assert seen["event"] == response.headers["X-Request-ID"]

    # the person's page lists it, in Vietnamese and English
    headers = {"Authorization": _token(citizen)}
    page = app.get("/my-data/", headers=headers)
    assert "Ai đã dùng dữ liệu của tôi" in page.body
    assert "Quyền truy cập của chính đơn vị" in page.body
    english = app.get("/en/my-data/", headers=headers)
    assert "Who used my data" in english.body and "s own access</td>" in english.body
    assert "Quyền truy cập của chính đơn vị" not in english.body


@pytest.mark.req("R17.2")
def test_nobody_else_reads_the_list(harvested):
    _, pids = _source_rows(harvested, "")
    for context in ({"user": ""}, {"user": factories.User()["name"]},
                    {"user": factories.Sysadmin()["name"]}):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("molisa_mydata_accesses", context=dict(context, ignore_auth=False),
                                pid=pids[0])


@pytest.mark.req("R15.2")
def test_access_records_leave_with_the_audit_logs_retention(harvested, ckan_config, tmp_path,
                                                           monkeypatch):
    """Kept as long as the audit log (at least 24 months), then deleted by
    the same archive run that archives the log's old months."""
    from ckan import model

    from ckanext.molisa_audit import partitions

    from ckanext.molisa_harvest.accesses import access_table

    monkeypatch.setitem(ckan_config, "ckanext.molisa_audit.archive_dir", str(tmp_path))
    months = int(tk.config["ckanext.molisa_audit.retention_months"])
    assert months >= 24
    cutoff = partitions.add_months(
        partitions.month_start(datetime.datetime.now(datetime.timezone.utc)), -months)
    day = datetime.timedelta(days=1)
    model.Session.execute(access_table.insert(), [
        {"ts": cutoff - day, "subject_hash": "h-old", "package_id": "p", "resource_id": "r",
         "rows": 1, "basis": "unit"},
        {"ts": cutoff + day, "subject_hash": "h-young", "package_id": "p", "resource_id": "r",
         "rows": 1, "basis": "unit"}])
    model.repo.commit()

    def hashes():
        return sorted(model.Session.execute(sa.select(access_table.c.subject_hash)).scalars())

    admin = {"user": factories.Sysadmin()["name"], "ignore_auth": False}
    dry = helpers.call_action("molisa_audit_archive", context=dict(admin), dry_run=True)
    assert dry["others"] == {"mydata_subject_access_deleted": 1}
    assert hashes() == ["h-old", "h-young"]
    done = helpers.call_action("molisa_audit_archive", context=dict(admin))
    assert done["others"] == {"mydata_subject_access_deleted": 1}
    # what is younger than the retention, here nearly two years old, stays
    assert hashes() == ["h-young"]
