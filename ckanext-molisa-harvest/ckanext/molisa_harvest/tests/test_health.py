"""The health of a harvest source (R15.1: statistics and incidents of every
connection), seen by its unit; "run now" by its admins and editors."""
from __future__ import annotations

import datetime

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa_harvest.tests.scheduling import (  # noqa: F401 (fixture)
    ago, gather_error, jobs_of, make_job, make_object, make_source, ops)


def _as(ops, role):
    return {"user": ops["people"][role]["name"] if role else "", "ignore_auth": False}


@pytest.fixture
def history(ops):
    source = make_source(ops, "DAILY", title="CSDL lao động")
    first = make_job(source["id"], ago(days=3))
    make_object(first, "added", current=True)
    last = make_job(source["id"], ago(hours=5))
    for status in ("added", "added", "updated", "deleted", "not modified"):
        make_object(last, status)
    make_object(last, error="Bản ghi LD-7 thiếu tiêu đề " + "x" * 900)
    gather_error(last, "HTTP 503 from the remote portal")
    return {"source": source, "first": first, "last": last}


@pytest.mark.req("R15.1")
def test_health_gives_counts_errors_and_the_next_run(ops, history):
    result = helpers.call_action("molisa_harvest_source_health", context=_as(ops, "member_a"),
                                 id=history["source"]["name"])
    assert result["source"]["title"] == "CSDL lao động" and not result["running"]
    last, first = result["jobs"]
    assert last["id"] == history["last"].id and first["id"] == history["first"].id
    assert last["stats"] == {"added": 2, "updated": 1, "deleted": 1, "not_modified": 1,
                             "errored": 2}
    assert first["stats"]["added"] == 1 and first["errors"] == []
    messages = [e["message"] for e in last["errors"]]
    assert messages[0] == "HTTP 503 from the remote portal"
    assert messages[1].startswith("Bản ghi LD-7 thiếu tiêu đề") and len(messages[1]) == 500
    assert result["next_run"] == (history["last"].created + datetime.timedelta(days=1)).isoformat()
    assert len(helpers.call_action("molisa_harvest_source_health",
                                   context=_as(ops, "sysadmin"), id=history["source"]["id"],
                                   limit=1)["jobs"]) == 1


@pytest.mark.req("R15.1", "R6.4")
@pytest.mark.parametrize("role", ["admin_b", None])
def test_health_is_refused_outside_the_unit(ops, history, role):
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("molisa_harvest_source_health", context=_as(ops, role),
                            id=history["source"]["id"])


@pytest.mark.req("R15.1")
def test_health_page_renders_in_vietnamese(ops, history, app):
    token = factories.APIToken(user=ops["people"]["editor_a"]["name"])["token"]
    res = app.get(f"/harvest/{history['source']['name']}/health",
                  headers={"Authorization": token})
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "Chạy ngay" in html and "Các lần chạy gần đây" in html
    assert "HTTP 503 from the remote portal" in html and "Bản ghi LD-7" in html
    assert f'action="/harvest/{history["source"]["name"]}/run-now"' in html
    assert "Thất bại" in html and "Lần chạy theo lịch tiếp theo" in html

    # a member sees the runs but no button
    member = factories.APIToken(user=ops["people"]["member_a"]["name"])["token"]
    html = app.get(f"/harvest/{history['source']['name']}/health",
                   headers={"Authorization": member}).get_data(as_text=True)
    assert "HTTP 503 from the remote portal" in html and "/run-now" not in html

    # in English at /en/, and not for anonymous visitors
    english = app.get(f"/en/harvest/{history['source']['name']}/health",
                      headers={"Authorization": token}).get_data(as_text=True)
    assert "Run now" in english and "Last runs" in english
    res = app.get(f"/harvest/{history['source']['name']}/health", follow_redirects=False)
    assert res.status_code == 302 and "/user/login" in res.location


@pytest.mark.req("R8.1", "R12.3")
def test_run_now_creates_a_job_for_the_unit_and_refuses_another_unit(ops, app):
    source = make_source(ops, "MANUAL")
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("molisa_harvest_source_run_now", context=_as(ops, "admin_b"),
                            id=source["id"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("molisa_harvest_source_run_now", context=_as(ops, "member_a"),
                            id=source["id"])
    job = helpers.call_action("molisa_harvest_source_run_now", context=_as(ops, "editor_a"),
                              id=source["name"])
    assert job["status"] == "Running"
    assert [j.id for j in jobs_of(source["id"])] == [job["id"]]
    with pytest.raises(tk.ValidationError):
        helpers.call_action("molisa_harvest_source_run_now", context=_as(ops, "admin_a"),
                            id=source["id"])

    # the page's button, as a unit admin, once the job is over
    jobs_of(source["id"])[0].status = "Finished"
    model.Session.commit()
    token = factories.APIToken(user=ops["people"]["admin_a"]["name"])["token"]
    res = app.post(f"/harvest/{source['name']}/run-now", headers={"Authorization": token},
                   follow_redirects=False)
    assert res.status_code == 302 and res.location.endswith(f"/harvest/{source['name']}/health")
    assert len(jobs_of(source["id"])) == 2
    token_b = factories.APIToken(user=ops["people"]["admin_b"]["name"])["token"]
    res = app.post(f"/harvest/{source['name']}/run-now", headers={"Authorization": token_b})
    assert res.status_code == 403
