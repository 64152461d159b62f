"""Quality checks as CKAN background jobs (RQ on Redis): enqueued once the
change that calls for them is committed (a job that ran before the commit
would not see the dataset), one job per dataset changed, and in chunks by
the sweep."""
from __future__ import annotations

import logging
from typing import Iterable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

log = logging.getLogger(__name__)

PENDING = "molisa_quality_pending"
#: datasets per job of the sweep
SWEEP_CHUNK = 50


def check_job(package_ids: list[str]) -> dict[str, int]:
    """The background job: the checks of these datasets, at the checks' own
    CPU priority (``priority.lower``: the work horse RQ forks for the job,
    and the job worker's session when the worker has one of its own, as
    ``make run`` starts it: from then on every background job of that
    worker runs below the web server)."""
    from . import priority
    from .runner import check_packages
    niceness = priority.lower()
    counts = dict(check_packages(package_ids), niceness=niceness["thread"],
                  niceness_session=niceness["autogroup"])
    log.info("quality checks of %d dataset(s): %s", len(package_ids), counts)
    return counts


def enqueue(package_ids: list[str], title: str | None = None):
    return tk.enqueue_job(check_job, [list(package_ids)],
                          title=title or "molisa quality " + ",".join(package_ids[:3]))


def on_change(package_id: str | None) -> None:
    """Called by the plugin's hooks after a dataset or resource changed: the
    dataset is checked once the transaction commits."""
    if not package_id or not tk.asbool(tk.config.get("ckanext.molisa.quality.check_on_change")):
        return
    model.Session.info.setdefault(PENDING, set()).add(package_id)


@sa.event.listens_for(model.Session, "after_commit")
def _after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    for package_id in sorted(pending or ()):
        try:
            enqueue([package_id])
        except Exception:  # Redis down: the sweep checks it later
            log.exception("could not enqueue the quality checks of %s", package_id)


@sa.event.listens_for(model.Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(PENDING, None)


def sweep(sync: bool) -> dict[str, int]:
    """Every active dataset: checked here (``sync``) or enqueued in chunks."""
    ids = [row[0] for row in model.Session.query(model.Package.id).filter(
        model.Package.state == "active").order_by(model.Package.id)]
    if sync:
        from .runner import check_packages
        return dict(check_packages(ids), datasets=len(ids))
    jobs = 0
    for start in range(0, len(ids), SWEEP_CHUNK):
        enqueue(ids[start:start + SWEEP_CHUNK], title=f"molisa quality sweep {start}")
        jobs += 1
    return {"datasets": len(ids), "jobs": jobs}
