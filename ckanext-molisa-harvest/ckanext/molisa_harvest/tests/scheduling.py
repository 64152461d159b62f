"""Fixtures of the scheduler, watchdog, pruning and health tests: two units,
their people, and harvest sources pointing at an unreachable URL, whose jobs
the tests place in the past directly through ckanext-harvest's model."""
from __future__ import annotations

import datetime
import uuid

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                   HarvestObjectError)

UNREACHABLE = "http://127.0.0.1:9/"


def ago(**delta) -> datetime.datetime:
    return datetime.datetime.utcnow() - datetime.timedelta(**delta)


@pytest.fixture
def ops(clean_db, mailbox):
    """Unit A (admin, editor, member) and unit B (admin), a sysadmin; the
    harvest queues emptied before and after."""
    queue.purge_queues()
    people = {role: factories.User(name=f"{role}-{uuid.uuid4().hex[:6]}",
                                   email=f"{role}-{uuid.uuid4().hex[:6]}@molisa.test")
              for role in ("admin_a", "editor_a", "member_a", "admin_b")}
    people["sysadmin"] = factories.Sysadmin()
    unit_a = factories.Organization(name="cuc-viec-lam", title="Cục Việc làm",
                                    unit_type="department", users=[
        {"name": people["admin_a"]["name"], "capacity": "admin"},
        {"name": people["editor_a"]["name"], "capacity": "editor"},
        {"name": people["member_a"]["name"], "capacity": "member"}])
    unit_b = factories.Organization(name="cuc-bao-tro-xa-hoi", title="Cục Bảo trợ xã hội",
                                    unit_type="department", users=[
        {"name": people["admin_b"]["name"], "capacity": "admin"}])
    yield {"people": people, "unit_a": unit_a, "unit_b": unit_b}
    queue.purge_queues()


def make_source(ops, frequency: str = "DAILY", unit: str = "unit_a", **kw) -> dict:
    return helpers.call_action(
        "harvest_source_create", context={"user": ops["people"]["sysadmin"]["name"]},
        name=kw.pop("name", f"nguon-{uuid.uuid4().hex[:8]}"),
        title=kw.pop("title", "Nguồn thử"),
        url=UNREACHABLE, source_type="molisa_ckan", frequency=frequency,
        owner_org=ops[unit]["id"], **kw)


def make_job(source_id: str, created: datetime.datetime, status: str = "Finished",
             finished: datetime.datetime | None = None) -> HarvestJob:
    job = HarvestJob(source_id=source_id, created=created, gather_started=created,
                     status=status)
    if status == "Finished":
        job.finished = finished or created + datetime.timedelta(minutes=5)
        job.gather_finished = job.finished
    model.Session.add(job)
    model.Session.commit()
    return job


def make_object(job: HarvestJob, report_status: str = "added", current: bool = False,
                error: str | None = None) -> HarvestObject:
    obj = HarvestObject(guid=uuid.uuid4().hex, job=job, source=job.source, current=current,
                        state="ERROR" if error else "COMPLETE",
                        report_status="errored" if error else report_status)
    model.Session.add(obj)
    model.Session.flush()
    if error:
        model.Session.add(HarvestObjectError(object=obj, message=error, stage="Import"))
    model.Session.commit()
    return obj


def gather_error(job: HarvestJob, message: str) -> None:
    model.Session.add(HarvestGatherError(harvest_job_id=job.id, message=message))
    model.Session.commit()


def jobs_of(source_id: str) -> list[HarvestJob]:
    model.Session.remove()
    return model.Session.query(HarvestJob).filter(HarvestJob.source_id == source_id).order_by(
        HarvestJob.created).all()
