"""Harvest log tables do not grow without limit: the detail of jobs created
more than ``ckanext.molisa_harvest.keep_job_days`` ago (their harvest objects,
object errors, object extras and gather errors) is deleted, except

* each source's latest job, whatever its age, and
* every harvest object that is ``current``: the link between a harvested
  dataset and its remote record, which the next run needs.

Job rows stay, as a summary of the run. ckanext-harvest's own database log
(``harvest_log``) is cleaned to the same age. The record of each connection
(channel ``harvest`` of the audit log) is not touched: the audit plugin keeps
it for 2 years (R15.2)."""
from __future__ import annotations

import datetime
import logging

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import clean_harvest_log

log = logging.getLogger(__name__)

KEEP_OPTION = "ckanext.molisa_harvest.keep_job_days"

_OLD_JOBS = """
    SELECT j.id FROM harvest_job j
    WHERE j.created < :cutoff
      AND j.id NOT IN (SELECT DISTINCT ON (source_id) id FROM harvest_job
                       ORDER BY source_id, created DESC)
"""
_STATEMENTS = {
    "object_errors": """DELETE FROM harvest_object_error WHERE harvest_object_id IN
        (SELECT id FROM harvest_object WHERE harvest_job_id IN ({old}))""",
    "gather_errors": "DELETE FROM harvest_gather_error WHERE harvest_job_id IN ({old})",
    "object_extras": """DELETE FROM harvest_object_extra WHERE harvest_object_id IN
        (SELECT id FROM harvest_object WHERE harvest_job_id IN ({old})
         AND current IS NOT TRUE)""",
    "objects": """DELETE FROM harvest_object WHERE harvest_job_id IN ({old})
        AND current IS NOT TRUE""",
}


def run(now: datetime.datetime | None = None) -> dict[str, int]:
    """Deletes the old job detail; returns how many rows of each kind."""
    now = now or datetime.datetime.utcnow()
    cutoff = now - datetime.timedelta(days=tk.config.get(KEEP_OPTION))
    counts = {}
    try:
        for kind, statement in _STATEMENTS.items():
            result = model.Session.execute(sa.text(statement.format(old=_OLD_JOBS)),
                                           {"cutoff": cutoff})
            counts[kind] = result.rowcount
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    clean_harvest_log(condition=cutoff)
    if any(counts.values()):
        log.info("pruned harvest job detail older than %s: %s", cutoff, counts)
    return counts
