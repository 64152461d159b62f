"""The watchdog (R8.1, R15.1): a job stuck Running longer than
``ckanext.molisa_harvest.stuck_after_minutes`` is finished with an error, the
unit's admins are told, and the source runs again."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan import model
from ckanext.harvest.model import HarvestObject

from ckanext.molisa_audit import recorder, shipper
from ckanext.molisa_harvest import scheduler, watchdog
from ckanext.molisa_harvest.tests.scheduling import (  # noqa: F401 (fixture)
    ago, jobs_of, make_job, make_object, make_source, ops)


@pytest.mark.req("R8.1", "R15.1")
def test_a_stuck_job_is_stopped_and_the_next_round_starts_a_new_one(ops, mailbox,
                                                                    with_request_context):
    since = recorder.now_ms()
    source = make_source(ops, "ALWAYS")
    stuck = make_job(source["id"], ago(hours=3), status="Running")
    make_object(stuck, "added")
    waiting = make_object(stuck, "added")
    model.Session.query(HarvestObject).filter_by(id=waiting.id).update({"state": "FETCH"})
    model.Session.commit()
    editor = {"user": ops["people"]["editor_a"]["name"], "ignore_auth": False}
    with pytest.raises(tk.ValidationError):
        helpers.call_action("molisa_harvest_source_run_now", context=editor, id=source["id"])

    report = scheduler.run_round()

    assert report["stopped"] == [stuck.id]
    [old, new] = jobs_of(source["id"])
    assert old.id == stuck.id and old.status == "Finished" and old.finished is not None
    assert [e.message for e in old.gather_errors] == [
        "stopped by the watchdog after 120 minutes"]
    assert {o.state for o in old.objects} == {"COMPLETE", "ERROR"}
    assert new.status == "Running" and new.id in report["created"]
    [msg] = mailbox.wait_for(1)
    assert ops["people"]["admin_a"]["email"] in msg["To"]
    assert "stopped by the watchdog after 120 minutes" in msg.get_content()
    assert scheduler.run_round()["mailed"] == 0      # mailed once only

    shipper.ship(recorder.spool_dir())                # the connection log has it
    [event] = helpers.call_action(
        "molisa_audit_event_list", context={"user": ops["people"]["sysadmin"]["name"]},
        since=since.isoformat(), channel="harvest", action="watchdog_stop")["results"]
    assert event["status"] == 500 and "stopped by the watchdog" in event["error_message"]


@pytest.mark.req("R8.1")
@pytest.mark.ckan_config("ckanext.molisa_harvest.stuck_after_minutes", "45")
def test_only_jobs_running_longer_than_the_limit_are_stopped(ops):
    source = make_source(ops, "MANUAL")
    young = make_job(source["id"], ago(minutes=30), status="Running")
    other = make_source(ops, "MANUAL")
    old = make_job(other["id"], ago(minutes=50), status="Running")

    assert watchdog.run() == [old.id]
    assert [j.status for j in jobs_of(source["id"])] == ["Running"]
    [stopped] = jobs_of(other["id"])
    assert [e.message for e in stopped.gather_errors] == [
        "stopped by the watchdog after 45 minutes"]
    assert young.id not in watchdog.run()
