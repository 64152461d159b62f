"""Each harvest object is imported once, even when ckanext-harvest queues it
twice (queueing.py). Real Redis queue, real PostgreSQL advisory locks, and in
the last test the real consumers, with two fetch consumers side by side."""
from __future__ import annotations

import json
import os
import uuid

import pytest
import sqlalchemy as sa

from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject

from ckanext.molisa_harvest import queueing, sector_sources

from .national import Consumers
from .scheduling import ago, make_job, make_source, ops  # noqa: F401,F811 (fixture)

pytestmark = pytest.mark.usefixtures("with_plugins")


def _waiting_object(ops) -> str:  # noqa: F811
    source = make_source(ops)
    job = make_job(source["id"], ago(minutes=1), status="Running")
    remote_id = str(uuid.uuid4())
    obj = HarvestObject(guid=remote_id, job=job, source=job.source, state="WAITING",
                        content=json.dumps({"id": remote_id, "name": "ho-ngheo-2024",
                                            "title": "Hộ nghèo 2024"}))
    model.Session.add(obj)
    model.Session.commit()
    return obj.id


def _object(object_id: str) -> HarvestObject:
    model.Session.remove()
    return model.Session.query(HarvestObject).get(object_id)


def _next_message(consumer):
    """One message off the real fetch queue, as a consumer takes it."""
    return next(consumer.consume(queue=queue.get_fetch_queue_name()))


def _unacknowledged(object_id: str) -> bool:
    return bool(queue.get_connection().exists(f"{queue.get_fetch_routing_key()}:{object_id}"))


@pytest.mark.req("R9.2")
def test_a_copy_of_an_object_being_imported_is_dropped_and_left_to_its_importer(ops):  # noqa: F811
    object_id = _waiting_object(ops)
    publisher = queue.get_fetch_publisher()
    for _ in range(3):                  # queued once by the gather, then twice again
        publisher.send({"harvest_object_id": object_id})
    consumer = queue.get_fetch_consumer()
    key = {"key": queueing.LOCK_NAMESPACE + object_id}

    # another consumer is importing it: it holds the object's lock
    with model.meta.engine.connect() as other:
        assert other.execute(sa.text("SELECT pg_try_advisory_lock(hashtextextended(:key, 0))"),
                             key).scalar() is True
        queueing.fetch_callback(consumer, *_next_message(consumer))
        obj = _object(object_id)
        assert (obj.state, obj.retry_times) == ("WAITING", 0)       # not touched
        assert _unacknowledged(object_id)                          # the importer acknowledges
        other.execute(sa.text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))"), key)
        other.commit()

    # once the lock is free, the next copy is imported: once
    queueing.fetch_callback(consumer, *_next_message(consumer))
    obj = _object(object_id)
    assert obj.state in queueing.FINISHED_STATES and obj.retry_times == 1
    assert not _unacknowledged(object_id)

    # and the last copy, which came after it was done, is acknowledged and dropped
    imported = (obj.state, obj.import_finished, obj.fetch_finished)
    queueing.fetch_callback(consumer, *_next_message(consumer))
    obj = _object(object_id)
    assert (obj.state, obj.import_finished, obj.fetch_finished) == imported
    assert obj.retry_times == 1
    assert not _unacknowledged(object_id)
    assert queue.get_connection().llen(queue.get_fetch_routing_key()) == 0
    # and the lock was released each time
    with model.meta.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                    " AND granted")).scalar() == 0


@pytest.mark.req("R9.2")
def test_an_object_left_half_done_by_a_consumer_that_died_is_imported_again(ops):  # noqa: F811
    object_id = _waiting_object(ops)
    obj = _object(object_id)
    obj.state, obj.retry_times = "FETCH", 1          # taken, then the consumer was killed
    obj.save()
    queue.get_fetch_publisher().send({"harvest_object_id": object_id})  # resubmit_jobs()
    consumer = queue.get_fetch_consumer()

    queueing.fetch_callback(consumer, *_next_message(consumer))
    obj = _object(object_id)
    assert obj.state in queueing.FINISHED_STATES and obj.retry_times == 2
    assert not _unacknowledged(object_id)


@pytest.fixture
def gather_consumer(clean_db, request):
    consumers = Consumers(os.path.abspath(request.config.getoption("ckan_ini")))
    consumers.start(stages=("gather",))
    yield consumers
    consumers.stop()


@pytest.mark.req("R9.2", "R8.1")
def test_two_fetch_consumers_import_every_object_once_when_each_is_queued_twice(
        units, sector_db, gather_consumer):
    """What `harvest_jobs_run` does when it runs while objects are in flight,
    forced: every object of the job on the fetch queue twice, then two fetch
    consumers started side by side."""
    source = sector_sources.ensure_source("test-sector-db", sector_db.url, sector_db.config(),
                                          title="CSDL thử nghiệm", owner_org="cuc-nguoi-co-cong")
    job = gather_consumer.wait(gather_consumer.job(source["id"]),
                               until=lambda job: bool(job["gather_finished"]))
    ids = [i for (i,) in model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job["id"])]
    assert len(ids) == 4
    publisher = queue.get_fetch_publisher()
    for object_id in ids:
        publisher.send({"harvest_object_id": object_id})
    assert queue.get_connection().llen(queue.get_fetch_routing_key()) >= 8

    gather_consumer.start(stages=("fetch", "fetch"), purge=False)
    job = gather_consumer.wait(job)

    # the sector fixture's expected outcome: three published, the one with
    # personal data in its values stopped; nothing failed twice
    assert {k: v for k, v in job["stats"].items() if v} == {"added": 3, "errored": 1}, job
    objects = model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_job_id == job["id"]).all()
    assert sorted(o.retry_times for o in objects) == [1, 1, 1, 1]
    errors = [e.message for o in objects for e in o.errors]
    assert len(errors) == 1 and "ghi_chu" in errors[0], errors
    names = [name for (name,) in model.Session.query(model.Package.name).filter(
        model.Package.state == "active", model.Package.type == "dataset")]
    assert sorted(names) == ["test-bao-tro-theo-tinh", "test-hoc-vien-gdnn",
                             "test-nguoi-co-cong-theo-tinh"]
