"""Harvest log tables do not grow without limit (R15.2: the connection record
itself is kept 2 years by the audit log, not here)."""
from __future__ import annotations

import pytest

from ckan import model
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError

from ckanext.molisa_harvest import pruning
from ckanext.molisa_harvest.tests.scheduling import (  # noqa: F401 (fixture)
    ago, gather_error, make_job, make_object, make_source, ops)


def _exists(cls, id_: str) -> bool:
    return model.Session.query(cls).filter(cls.id == id_).count() == 1


@pytest.mark.req("R15.1", "R15.2")
def test_old_job_detail_is_pruned_but_current_objects_and_latest_jobs_stay(ops):
    source = make_source(ops)
    old_job = make_job(source["id"], ago(days=40))
    live = make_object(old_job, "added", current=True)
    replaced = make_object(old_job, "updated")
    failed = make_object(old_job, error="bad record")
    gather_error(old_job, "timeout")
    recent_job = make_job(source["id"], ago(days=2))
    recent = make_object(recent_job, error="recent problem")
    gather_error(recent_job, "recent timeout")

    lonely = make_source(ops)                  # its only (latest) job is old
    only_job = make_job(lonely["id"], ago(days=90))
    only_obj = make_object(only_job, error="kept for the health page")
    gather_error(only_job, "kept too")

    counts = pruning.run()
    model.Session.remove()

    assert counts == {"object_errors": 1, "gather_errors": 1, "object_extras": 0, "objects": 2}
    assert _exists(HarvestObject, live.id)
    assert not _exists(HarvestObject, replaced.id) and not _exists(HarvestObject, failed.id)
    assert model.Session.query(HarvestGatherError).filter_by(harvest_job_id=old_job.id).count() == 0
    assert _exists(HarvestJob, old_job.id)     # the job row stays as a summary
    assert _exists(HarvestObject, recent.id) and _exists(HarvestObject, only_obj.id)
    assert model.Session.query(HarvestObjectError).count() == 2
    assert model.Session.query(HarvestGatherError).count() == 2
    assert pruning.run() == {"object_errors": 0, "gather_errors": 0, "object_extras": 0,
                             "objects": 0}


@pytest.mark.req("R15.1")
@pytest.mark.ckan_config("ckanext.molisa_harvest.keep_job_days", "5")
def test_the_age_limit_is_configured(ops):
    source = make_source(ops)
    week_old = make_job(source["id"], ago(days=7))
    obj = make_object(week_old, "added")
    make_job(source["id"], ago(days=1))
    assert pruning.run()["objects"] == 1
    model.Session.remove()
    assert not _exists(HarvestObject, obj.id)
