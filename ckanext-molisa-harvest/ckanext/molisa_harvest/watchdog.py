"""The watchdog: a harvest job left Running longer than
``ckanext.molisa_harvest.stuck_after_minutes`` (a consumer died, a remote
server hangs) is marked Finished with a gather error saying so, its
unfinished objects are marked ERROR (as ckanext-harvest's
``harvest_job_abort`` does), the connection log gets an event and the unit's
admins a mail. The source is then free for its next run, which ckanext-harvest
refuses while a job is New or Running."""
from __future__ import annotations

import datetime
import logging

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject

from . import connections, notify

log = logging.getLogger(__name__)

STUCK_OPTION = "ckanext.molisa_harvest.stuck_after_minutes"


def message(minutes: int) -> str:
    return f"stopped by the watchdog after {minutes} minutes"


def stuck_jobs(now: datetime.datetime | None = None) -> list[HarvestJob]:
    now = now or datetime.datetime.utcnow()
    limit = now - datetime.timedelta(minutes=tk.config.get(STUCK_OPTION))
    started = sa.func.coalesce(HarvestJob.gather_started, HarvestJob.created)
    return model.Session.query(HarvestJob).filter(
        HarvestJob.status == "Running", started < limit).all()


def run(now: datetime.datetime | None = None) -> list[str]:
    """Stops the stuck jobs; returns their ids."""
    now = now or datetime.datetime.utcnow()
    minutes = tk.config.get(STUCK_OPTION)
    stopped = []
    for job in stuck_jobs(now):
        text = message(minutes)
        job.status = "Finished"
        job.finished = now
        model.Session.query(HarvestObject).filter(
            HarvestObject.harvest_job_id == job.id,
            HarvestObject.state.notin_(["COMPLETE", "ERROR"])).update(
            {"state": "ERROR"}, synchronize_session=False)
        model.Session.add(HarvestGatherError(message=text, job=job))
        model.Session.commit()
        log.warning("harvest job %s of source %s %s", job.id, job.source_id, text)
        connections.record("watchdog_stop", job.source, error=text, job_id=job.id)
        notify.job_failed(job)
        stopped.append(job.id)
    return stopped
