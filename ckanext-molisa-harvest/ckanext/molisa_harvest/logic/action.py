"""``molisa_harvest_*`` actions: the health of a harvest source and running it
now. ``get_actions`` also returns the DCAT output actions of ``logic.dcat``."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.logic import HarvestJobExists, HarvestSourceInactiveError
from ckanext.harvest.model import HarvestJob, HarvestSource

from .. import connections, health, indexing
from . import dcat, schema

HEALTH_JOBS_OPTION = "ckanext.molisa_harvest.health_jobs"
MAX_HEALTH_JOBS = 100


def _source(id_or_name: str) -> HarvestSource:
    package = model.Package.get(id_or_name)
    source = HarvestSource.get(package.id) if package is not None else None
    if source is None:
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    return source


@tk.side_effect_free
def molisa_harvest_source_health(context, data_dict):
    """The last runs of a harvest source, their counts and errors, and its
    next scheduled run.

    :param id: the id or name of the harvest source
    :type id: string
    :param limit: how many runs, newest first (default
        ``ckanext.molisa_harvest.health_jobs``, at most 100)
    :type limit: int
    :returns: ``source``, ``running``, ``next_run`` (ISO UTC or None) and
        ``jobs``: each with ``status``, ``created``, ``gather_started``,
        ``gather_finished``, ``finished``, ``stats`` (added, updated,
        not_modified, deleted, errored) and ``errors`` (stage, guid, message)
    :rtype: dictionary
    """
    source = _source(data_dict.get("id") or "")
    tk.check_access("molisa_harvest_source_health", context, {"id": source.id})
    data, errors = tk.navl_validate(dict(data_dict, id=source.id),
                                    schema.source_health_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    limit = min(data.get("limit") or tk.config.get(HEALTH_JOBS_OPTION), MAX_HEALTH_JOBS)
    return health.source_health(source, limit=limit)


def molisa_harvest_source_run_now(context, data_dict):
    """Creates a job for a harvest source and sends it to the gather queue.

    :param id: the id or name of the harvest source
    :type id: string
    :returns: the job: ``id``, ``status``, ``created``
    :rtype: dictionary
    """
    source = _source(data_dict.get("id") or "")
    tk.check_access("molisa_harvest_source_run_now", context, {"id": source.id})
    data, errors = tk.navl_validate(dict(data_dict, id=source.id),
                                    schema.source_run_now_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    job_context: dict[str, Any] = {"user": context.get("user"), "ignore_auth": True}
    try:
        job = tk.get_action("harvest_job_create")(job_context,
                                                  {"source_id": source.id, "run": True})
    except HarvestJobExists:
        raise tk.ValidationError({"id": [tk._("A run of this source is already waiting or "
                                              "running")]})
    except HarvestSourceInactiveError:
        raise tk.ValidationError({"id": [tk._("This harvest source is not active")]})
    connections.record("run_now", source, requested_by=context.get("user"), job_id=job["id"])
    return {"id": job["id"], "status": job["status"], "created": job["created"]}


@tk.chained_action
def harvest_jobs_run(original_action, context, data_dict):
    """ckanext-harvest's ``harvest_jobs_run``; when it marks a job finished,
    the datasets the fetch consumers indexed without a commit are committed
    (searchable at once rather than at Solr's next soft commit)."""
    running = _running_jobs(data_dict.get("source_id"))
    result = original_action(context, data_dict)
    if running - _running_jobs(data_dict.get("source_id")):
        indexing.commit()
    return result


def _running_jobs(source_id: str | None) -> set[str]:
    query = model.Session.query(HarvestJob.id).filter(HarvestJob.status == "Running")
    if source_id:
        query = query.filter(HarvestJob.source_id == source_id)
    return {row.id for row in query}


def get_actions() -> dict:
    actions = dict(dcat.get_actions())
    actions.update({"molisa_harvest_source_health": molisa_harvest_source_health,
                    "molisa_harvest_source_run_now": molisa_harvest_source_run_now,
                    "harvest_jobs_run": harvest_jobs_run})
    return actions
