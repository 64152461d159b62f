"""The harvest scheduler: no cron needed. ``ckan molisa-harvest scheduler``
runs a round every N seconds; each round

1. stops stuck jobs (``watchdog``),
2. sets each active source's ``next_run`` from its last job and its frequency
   (MANUAL, DAILY, WEEKLY, BIWEEKLY, MONTHLY, ALWAYS), so that a source run
   from the UI an hour ago is not run again because its ``next_run`` was empty,
3. calls ckanext-harvest's ``harvest_jobs_run``, which creates a job for every
   due source and sends it to the gather queue (``harvest_job_create``), marks
   finished jobs and resubmits lost queue items,
4. mails the unit admins about newly failed jobs (``notify``),
5. prunes old job detail (``pruning``).

A Redis lock (renewed each round) keeps a second scheduler from running
rounds at the same time; it waits and takes over if the first one stops."""
from __future__ import annotations

import contextlib
import datetime
import logging
import time
import uuid
from typing import Any, Callable, ContextManager, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckanext.harvest.model import HarvestJob, HarvestSource

from ckanext.molisa.contexts import site_context

from . import notify, pruning, watchdog

log = logging.getLogger(__name__)

#: time between two runs of a source, by ckanext-harvest's frequency
INTERVALS = {
    "ALWAYS": datetime.timedelta(0),
    "DAILY": datetime.timedelta(days=1),
    "WEEKLY": datetime.timedelta(weeks=1),
    "BIWEEKLY": datetime.timedelta(weeks=2),
    "MONTHLY": datetime.timedelta(days=30),
}


def next_run(source: HarvestSource, last_job: Optional[HarvestJob],
             now: Optional[datetime.datetime] = None) -> Optional[datetime.datetime]:
    """When ``source`` is due: never (None) for a MANUAL or inactive source,
    now for one never run, else its last job's start plus its interval."""
    interval = INTERVALS.get(source.frequency or "MANUAL")
    if interval is None or not source.active:
        return None
    if last_job is None:
        return now or datetime.datetime.utcnow()
    return last_job.created + interval


def last_jobs() -> dict[str, HarvestJob]:
    """Each source's latest job."""
    latest = sa.select(HarvestJob.id).distinct(HarvestJob.source_id).order_by(
        HarvestJob.source_id, HarvestJob.created.desc())
    return {job.source_id: job for job in
            model.Session.query(HarvestJob).filter(HarvestJob.id.in_(latest))}


def sync_next_run(now: Optional[datetime.datetime] = None) -> None:
    """Sets ``next_run`` of every active, scheduled source from its last job,
    which is what ckanext-harvest's ``harvest_jobs_run`` schedules by."""
    now = now or datetime.datetime.utcnow()
    jobs = last_jobs()
    sources = model.Session.query(HarvestSource).filter(
        HarvestSource.active.is_(True), HarvestSource.frequency != "MANUAL")
    for source in sources:
        source.next_run = next_run(source, jobs.get(source.id), now)
    model.Session.commit()


def run_round(now: Optional[datetime.datetime] = None) -> dict[str, Any]:
    """One round; returns what it did."""
    started = datetime.datetime.utcnow()
    report: dict[str, Any] = {"stopped": watchdog.run(now)}
    sync_next_run(now)
    tk.get_action("harvest_jobs_run")(site_context(ignore_auth=True), {})
    model.Session.remove()
    report["created"] = [job_id for (job_id,) in model.Session.query(HarvestJob.id).filter(
        HarvestJob.created >= started)]
    report["mailed"] = notify.run(now)
    report["pruned"] = pruning.run(now)
    return report


# -- the lock -----------------------------------------------------------------------

def _lock_key() -> str:
    return f"molisa_harvest:{tk.config.get('ckan.site_id')}:scheduler_lock"


_RELEASE = """if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1]) else return 0 end"""
_RENEW = """if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"""


class Lock:
    """A Redis lock held by one scheduler; it expires if its holder dies."""

    def __init__(self, ttl: int):
        self.redis = connect_to_redis()
        self.token = uuid.uuid4().hex
        self.ttl = max(int(ttl), 30)

    def acquire(self) -> bool:
        """Takes the lock, or renews it if this process holds it."""
        if self.redis.eval(_RENEW, 1, _lock_key(), self.token, self.ttl):
            return True
        return bool(self.redis.set(_lock_key(), self.token, nx=True, ex=self.ttl))

    def release(self) -> None:
        self.redis.eval(_RELEASE, 1, _lock_key(), self.token)


def loop(every: int = 60, once: bool = False,
         echo: Callable[[str], None] = log.info,
         should_stop: Callable[[], bool] = lambda: False,
         round_context: Callable[[], ContextManager[Any]] = contextlib.nullcontext) -> None:
    """Runs rounds every ``every`` seconds (one with ``once``) while holding
    the lock, each inside ``round_context()`` (the CLI gives a Flask request
    context). A failed round is logged; the next one runs as usual."""
    lock = Lock(ttl=every * 3 + 600)
    try:
        while not should_stop():
            if lock.acquire():
                try:
                    with round_context():
                        report = run_round()
                    busy = report["created"] or report["stopped"] or report["mailed"] or any(
                        report["pruned"].values())
                    if busy or once:
                        echo("harvest round: {} job(s) started, {} stopped by the watchdog, "
                             "{} failure mail(s), pruned {}".format(
                                 len(report["created"]), len(report["stopped"]),
                                 report["mailed"], report["pruned"]))
                except Exception:
                    model.Session.rollback()
                    log.exception("harvest scheduler round failed")
                finally:
                    model.Session.remove()
            else:
                echo("another harvest scheduler holds the lock; waiting")
            if once:
                break
            for _ in range(every):
                if should_stop():
                    break
                time.sleep(1)
    finally:
        lock.release()
