"""Mail to a harvest source's unit admins when one of its runs fails (a job
that finishes with gather or object errors, or that the watchdog stopped).

Each job is mailed once: a Redis key per job (``SET NX`` with an expiry longer
than the window in which finished jobs are looked at) remembers it, whichever
scheduler process or watchdog round sees it first. Mail goes through CKAN's
mailer (``smtp.*``), in the portal's default language; a mail that cannot be
sent is logged and never stops the round (``ckanext.molisa.mail``)."""
from __future__ import annotations

import datetime
import logging
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError

from ckanext.molisa import mail, units

log = logging.getLogger(__name__)

#: finished jobs older than this are not looked at any more
WINDOW = datetime.timedelta(days=2)
#: how long Redis remembers that a job was mailed (longer than WINDOW)
REMEMBER_SECONDS = 7 * 24 * 3600


def _key(job_id: str) -> str:
    return f"molisa_harvest:{tk.config.get('ckan.site_id')}:notified:{job_id}"


def errors_of(job_id: str, limit: int = 10) -> list[str]:
    """The job's first gather and object error messages, truncated."""
    gather = [m for (m,) in model.Session.query(HarvestGatherError.message).filter(
        HarvestGatherError.harvest_job_id == job_id).order_by(
        HarvestGatherError.created).limit(limit)]
    objects = [m for (m,) in model.Session.query(HarvestObjectError.message).join(
        HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id).filter(
        HarvestObject.harvest_job_id == job_id).order_by(
        HarvestObjectError.created).limit(limit)]
    return [(m or "").strip()[:500] for m in gather + objects][:limit]


def failed_jobs_to_mail(now: datetime.datetime | None = None) -> list[HarvestJob]:
    """Jobs finished within WINDOW that have gather or object errors."""
    now = now or datetime.datetime.utcnow()
    has_gather_error = sa.exists().where(HarvestGatherError.harvest_job_id == HarvestJob.id)
    has_object_error = sa.exists().where(sa.and_(
        HarvestObject.harvest_job_id == HarvestJob.id,
        HarvestObjectError.harvest_object_id == HarvestObject.id))
    return model.Session.query(HarvestJob).filter(
        HarvestJob.status == "Finished", HarvestJob.finished >= now - WINDOW,
        sa.or_(has_gather_error, has_object_error)).all()


def job_failed(job: HarvestJob) -> bool:
    """Mails the unit admins of ``job``'s source, unless this job was mailed
    already. Returns whether it mailed now."""
    try:
        if not connect_to_redis().set(_key(job.id), "1", nx=True, ex=REMEMBER_SECONDS):
            return False
    except Exception:  # Redis down: better no mail than one each round
        log.exception("harvest failure mail for job %s skipped: Redis unavailable", job.id)
        return False
    package = model.Package.get(job.source_id)
    people = units.unit_admin_recipients(package.owner_org if package else None)
    if not people:
        log.warning("harvest job %s failed; its source has no unit admin to mail", job.id)
        return False
    with mail.portal_locale():
        _send(people, job, package)
    return True


def _send(people: list[tuple[str, str]], job: HarvestJob, package: Any) -> None:
    site = mail.site_title()
    title = (package.title or package.name) if package else job.source_id
    link = (tk.config.get("ckan.site_url") or "").rstrip("/") + "/harvest/{}/health".format(
        package.name if package else job.source_id)
    subject = tk._("[{site}] Harvesting of {source} failed").format(site=site, source=title)
    body = tk._("The run of the harvest source {source} started at {started} (UTC) ended with "
                "errors:\n\n{errors}\n\nRuns and errors of the source: {link}").format(
        source=title, started=job.created.strftime("%d/%m/%Y %H:%M"),
        errors="\n".join("- " + e for e in errors_of(job.id)), link=link)
    mail.send(people, subject, body, what="harvest failure mail")


def run(now: datetime.datetime | None = None) -> int:
    """Mails every recently failed job not mailed yet; how many were mailed."""
    return sum(1 for job in failed_jobs_to_mail(now) if job_failed(job))
