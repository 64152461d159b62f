"""The harvest scheduler (R8.1, R12.3): sources run on their frequency with no
cron, one scheduler at a time, and a failed run is mailed to the unit's admins
once (R15.1)."""
from __future__ import annotations

import pytest

from ckan.cli.cli import ckan as ckan_cli

from ckanext.molisa_harvest import notify, scheduler
from ckanext.molisa_harvest.tests.scheduling import (  # noqa: F401 (fixture)
    ago, gather_error, jobs_of, make_job, make_object, make_source, ops)


@pytest.mark.req("R8.1", "R12.3")
def test_a_due_daily_source_gets_a_job_and_one_run_an_hour_ago_does_not(ops):
    due = make_source(ops, "DAILY")
    make_job(due["id"], ago(days=2))
    recent = make_source(ops, "DAILY")
    make_job(recent["id"], ago(hours=1))
    never_run = make_source(ops, "WEEKLY")
    manual = make_source(ops, "MANUAL")

    report = scheduler.run_round()

    [old, new] = jobs_of(due["id"])
    assert new.status == "Running"          # sent to the gather queue
    assert len(jobs_of(recent["id"])) == 1
    assert len(jobs_of(never_run["id"])) == 1
    assert jobs_of(manual["id"]) == []
    assert sorted(report["created"]) == sorted([new.id, jobs_of(never_run["id"])[0].id])

    # the next round starts nothing more: the new jobs are still running
    assert scheduler.run_round()["created"] == []


@pytest.mark.req("R8.1")
def test_two_schedulers_never_run_rounds_at_the_same_time(ops):
    first, second = scheduler.Lock(ttl=60), scheduler.Lock(ttl=60)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.acquire()              # the holder renews it
        first.release()
        assert second.acquire()             # and the other takes over
        assert not first.acquire()
    finally:
        first.release()
        second.release()


@pytest.mark.req("R8.1")
def test_the_scheduler_command_runs_one_round(ops, cli):
    source = make_source(ops, "DAILY")
    result = cli.invoke(ckan_cli, ["molisa-harvest", "scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 job(s) started" in result.output
    assert [job.status for job in jobs_of(source["id"])] == ["Running"]


@pytest.mark.req("R15.1")
def test_a_failed_run_is_mailed_to_the_unit_admins_once(ops, mailbox, with_request_context):
    source = make_source(ops, "MANUAL", title="CSDL việc làm")
    job = make_job(source["id"], ago(minutes=30), finished=ago(minutes=20))
    make_object(job, error="Không đọc được bản ghi ABC-1")
    gather_error(job, "remote catalogue timed out")
    ok = make_job(make_source(ops, "MANUAL")["id"], ago(minutes=30), finished=ago(minutes=20))
    make_object(ok, "added")

    assert scheduler.run_round()["mailed"] == 1
    [msg] = mailbox.wait_for(1)
    assert ops["people"]["admin_a"]["email"] in msg["To"]
    assert "CSDL việc làm" in msg["Subject"]
    assert "Thu thập dữ liệu từ CSDL việc làm bị lỗi" in msg["Subject"]
    body = msg.get_content()
    assert "Không đọc được bản ghi ABC-1" in body and "remote catalogue timed out" in body
    assert f"/harvest/{source['name']}/health" in body

    assert scheduler.run_round()["mailed"] == 0
    assert notify.run() == 0
    assert len(mailbox.wait_for(1)) == 1
