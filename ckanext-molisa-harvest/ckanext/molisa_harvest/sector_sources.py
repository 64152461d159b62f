"""Registering and running sector-database harvest sources (used by the CLI,
``make run`` and the tests): thin callers of ckanext-harvest's actions and of
its gather/fetch/import stage functions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.logic import HarvestJobExists
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

from ckanext.molisa.contexts import site_context

from .harvesters.sector_db import SOURCE_TYPE


def ensure_source(name: str, url: str, config: str, title: str | None = None,
                  owner_org: str | None = None) -> dict[str, Any]:
    """Creates the harvest source ``name``, or updates it if it exists and
    differs (a second call with the same arguments changes nothing)."""
    data = {"name": name, "url": url, "source_type": SOURCE_TYPE, "title": title or name,
            "config": config, "frequency": "MANUAL", "active": True}
    if owner_org:
        data["owner_org"] = owner_org
    try:
        current = tk.get_action("harvest_source_show")(site_context(ignore_auth=True), {"id": name})
    except tk.ObjectNotFound:
        source = tk.get_action("harvest_source_create")(site_context(ignore_auth=True), data)
        return {"id": source["id"], "name": source["name"], "status": "created"}
    stored = HarvestSource.get(current["id"])
    have = {"url": stored.url, "title": stored.title, "config": stored.config,
            "owner_org": current.get("owner_org")}
    want = {"url": url, "title": data["title"], "config": config,
            "owner_org": tk.get_action("organization_show")(
                site_context(ignore_auth=True), {"id": owner_org})["id"] if owner_org else have["owner_org"]}
    if have == want:
        return {"id": current["id"], "name": current["name"], "status": "unchanged"}
    tk.get_action("harvest_source_update")(site_context(ignore_auth=True), dict(data, id=current["id"]))
    return {"id": current["id"], "name": current["name"], "status": "updated"}


def run_source(source_id: str) -> dict[str, int]:
    """Runs one harvest job of the source (id or name) now, in this process: the same
    gather, fetch and import stage functions that the queue consumers call."""
    context = site_context(ignore_auth=True)
    source_id = tk.get_action("harvest_source_show")(dict(context), {"id": source_id})["id"]
    try:
        job_dict = tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id,
                                                                      "run": False})
    except HarvestJobExists:
        # a job left unfinished (a crash, a stopped consumer): abort it, then run
        tk.get_action("harvest_job_abort")(dict(context), {"source_id": source_id})
        job_dict = tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id,
                                                                      "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(SOURCE_TYPE)
    ids = queue.gather_stage(harvester, job)
    report = {"changed": 0, "errors": 0, "withdrawn": 0}
    for obj_id in ids if isinstance(ids, list) else []:
        obj = HarvestObject.get(obj_id)
        queue.fetch_and_import_stages(harvester, obj)
        if obj.state == "ERROR":
            report["errors"] += 1
        elif obj.report_status == "deleted":
            report["withdrawn"] += 1
        else:
            report["changed"] += 1
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source_id})
    model.Session.remove()
    return report
