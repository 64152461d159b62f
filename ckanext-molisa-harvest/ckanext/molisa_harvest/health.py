"""The health of one harvest source: its last runs with their times, status
and counts (added, updated, withdrawn, errored), the error messages of each
run (gather and object errors, truncated) and when it runs next."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa

from ckan import model
from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                   HarvestObjectError, HarvestSource)

from . import scheduler

#: error messages shown per run, and their length
ERRORS_PER_JOB = 20
MESSAGE_LENGTH = 500


def _iso(when: Optional[datetime.datetime]) -> Optional[str]:
    return when.isoformat() if when else None


def _truncate(message: Optional[str]) -> str:
    message = (message or "").strip()
    return message if len(message) <= MESSAGE_LENGTH else message[:MESSAGE_LENGTH - 1] + "…"


def _counts(job_ids: list[str]) -> dict[str, dict[str, int]]:
    counts = {job_id: {"added": 0, "updated": 0, "not_modified": 0, "deleted": 0,
                       "errored": 0} for job_id in job_ids}
    if not job_ids:
        return counts
    rows = model.Session.query(
        HarvestObject.harvest_job_id, HarvestObject.report_status,
        sa.func.count(HarvestObject.id)).filter(
        HarvestObject.harvest_job_id.in_(job_ids)).group_by(
        HarvestObject.harvest_job_id, HarvestObject.report_status)
    for job_id, status, count in rows:
        key = (status or "").replace(" ", "_")
        if key in counts[job_id]:
            counts[job_id][key] = count
    # as ckanext-harvest counts them: objects with an error, plus gather errors
    errored = dict(model.Session.query(
        HarvestObject.harvest_job_id,
        sa.func.count(sa.distinct(HarvestObjectError.harvest_object_id))).join(
        HarvestObjectError, HarvestObjectError.harvest_object_id == HarvestObject.id).filter(
        HarvestObject.harvest_job_id.in_(job_ids)).group_by(HarvestObject.harvest_job_id))
    gather = dict(model.Session.query(
        HarvestGatherError.harvest_job_id, sa.func.count(HarvestGatherError.id)).filter(
        HarvestGatherError.harvest_job_id.in_(job_ids)).group_by(
        HarvestGatherError.harvest_job_id))
    for job_id in job_ids:
        if errored.get(job_id) or gather.get(job_id):
            counts[job_id]["errored"] = errored.get(job_id, 0) + gather.get(job_id, 0)
    return counts


def _errors(job_id: str) -> list[dict[str, Any]]:
    gather = model.Session.query(HarvestGatherError).filter(
        HarvestGatherError.harvest_job_id == job_id).order_by(
        HarvestGatherError.created).limit(ERRORS_PER_JOB)
    errors = [{"stage": "gather", "guid": None, "message": _truncate(e.message),
               "created": _iso(e.created)} for e in gather]
    objects = model.Session.query(HarvestObjectError, HarvestObject.guid).join(
        HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id).filter(
        HarvestObject.harvest_job_id == job_id).order_by(
        HarvestObjectError.created).limit(ERRORS_PER_JOB)
    errors += [{"stage": (e.stage or "").lower(), "guid": guid, "message": _truncate(e.message),
                "created": _iso(e.created)} for e, guid in objects]
    return errors[:ERRORS_PER_JOB]


def source_health(source: HarvestSource, limit: int = 10) -> dict[str, Any]:
    package = model.Package.get(source.id)
    jobs = model.Session.query(HarvestJob).filter(HarvestJob.source_id == source.id).order_by(
        HarvestJob.created.desc()).limit(limit).all()
    counts = _counts([job.id for job in jobs])
    runs = []
    for job in jobs:
        runs.append({
            "id": job.id, "status": job.status, "created": _iso(job.created),
            "gather_started": _iso(job.gather_started),
            "gather_finished": _iso(job.gather_finished), "finished": _iso(job.finished),
            "stats": counts[job.id], "errors": _errors(job.id)})
    pending = any(job.status in ("New", "Running") for job in jobs)
    due = None if pending else scheduler.next_run(source, jobs[0] if jobs else None)
    return {
        "source": {"id": source.id, "name": package.name if package else source.id,
                   "title": source.title or (package.title if package else ""),
                   "url": source.url, "type": source.type, "frequency": source.frequency,
                   "active": bool(source.active),
                   "owner_org": package.owner_org if package else None},
        "running": pending,
        "next_run": _iso(due),
        "jobs": runs,
    }
