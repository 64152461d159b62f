"""A dataset's quality checks: each resource fetched once (bounded, guarded:
``fetch.py``), with at most ``ckanext.molisa.quality.parallel_fetches``
fetches at a time, then each check's result stored (history kept) and a
broken link mailed after its second failure in a row.

Fetches run in a thread pool and touch no database; results are written by
the calling thread. Once a dataset's resources are recorded, its own checks
run (metadata score, freshness). ``check_packages`` is what the background
job and the synchronous sweep run.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import time
from typing import Any, Iterable

import requests

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa.contexts import site_context
from ckanext.molisa.model import quality as qmodel

from . import fetch, freshness, links, metadata, openness, tables

log = logging.getLogger(__name__)


def parallel_fetches() -> int:
    return max(1, int(tk.config.get("ckanext.molisa.quality.parallel_fetches")))


def _package(package_id: str) -> dict[str, Any] | None:
    try:
        pkg = tk.get_action("package_show")(site_context(ignore_auth=True), {"id": package_id})
    except tk.ObjectNotFound:
        return None
    return pkg if pkg.get("state") == "active" else None


def record(pkg: dict[str, Any], resource: dict[str, Any],
           fetched: fetch.Fetched, timings: dict[str, int] | None = None) -> dict[str, str]:
    """Store the checks' results of one fetched resource; returns
    {kind: outcome}."""
    timings = {} if timings is None else timings
    started = time.perf_counter()
    now = qmodel.now()
    outcome, score, details = links.outcome(fetched)
    rows = [qmodel.Result(package_id=pkg["id"], resource_id=resource["id"], kind=qmodel.LINK,
                          outcome=outcome, score=score, details=details, checked_at=now)]
    if outcome == links.OK:
        stars, sdetails = openness.stars(fetched, bool(pkg.get("isopen")))
        sdetails["declared_format"] = resource.get("format") or ""
        rows.append(qmodel.Result(package_id=pkg["id"], resource_id=resource["id"],
                                  kind=qmodel.OPENNESS, outcome=str(stars), score=float(stars),
                                  details=sdetails, checked_at=now))
        if sdetails["sniffed"] in ("csv", "xlsx"):
            toutcome, tscore, tdetails = tables.validate(fetched, sdetails["sniffed"],
                                                         resource.get("columns"))
            rows.append(qmodel.Result(package_id=pkg["id"], resource_id=resource["id"],
                                      kind=qmodel.TABLE, outcome=toutcome, score=tscore,
                                      details=tdetails, checked_at=now))
    checked = time.perf_counter()
    timings["ms_checks"] = timings.get("ms_checks", 0) + round(1000 * (checked - started))
    model.Session.add_all(rows)
    model.repo.commit()
    timings["ms_store"] = timings.get("ms_store", 0) + round(
        1000 * (time.perf_counter() - checked))
    if outcome == links.BROKEN and links.newly_broken_twice(resource["id"]):
        sent = links.mail_broken(pkg, resource, details)
        rows[0].details = dict(details, mailed=sent)
        model.repo.commit()
    return {row.kind: row.outcome for row in rows}


def latest_results(package_id: str) -> dict[str, dict[str, dict]]:
    """resource id -> kind -> the latest result (as a dict)."""
    latest: dict[str, dict[str, dict]] = {}
    for row in qmodel.of_package(package_id):                # newest first
        if row.resource_id:
            latest.setdefault(row.resource_id, {}).setdefault(row.kind, row.as_dict())
    return latest


def record_dataset(pkg: dict[str, Any]) -> dict[str, str]:
    """The dataset's own checks (metadata score, freshness), once its
    resources are checked; returns {kind: outcome}."""
    now = qmodel.now()
    rating, points, details = metadata.score(pkg, latest_results(pkg["id"]))
    fresh, fscore, fdetails = freshness.check(pkg, now.date())
    rows = [qmodel.Result(package_id=pkg["id"], kind=qmodel.METADATA, outcome=rating,
                          score=points, details=details, checked_at=now),
            qmodel.Result(package_id=pkg["id"], kind=qmodel.FRESHNESS, outcome=fresh,
                          score=fscore, details=fdetails, checked_at=now)]
    model.Session.add_all(rows)
    model.repo.commit()
    return {row.kind: row.outcome for row in rows}


def check_packages(package_ids: Iterable[str]) -> dict[str, int]:
    """Run the checks on every resource of the datasets, then on each
    dataset; counts of outcomes."""
    counts: dict[str, int] = {"resources": 0}
    workers = parallel_fetches()
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=workers, pool_maxsize=workers)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    pending: dict[concurrent.futures.Future, tuple[dict, dict]] = {}
    left: dict[str, int] = {}               # dataset id -> resources not yet recorded

    @contextlib.contextmanager
    def timed(stage: str):
        """Milliseconds spent per stage, in the counts (``ms_<stage>``)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            key = "ms_" + stage
            counts[key] = counts.get(key, 0) + round(1000 * (time.perf_counter() - started))

    def count(outcomes: dict[str, str]) -> None:
        for kind, outcome in outcomes.items():
            key = f"{kind}:{outcome}"
            counts[key] = counts.get(key, 0) + 1

    def drain(until: int) -> None:
        while len(pending) > until:
            with timed("waiting_for_fetches"):
                done, _ = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                pkg, resource = pending.pop(future)
                count(record(pkg, resource, future.result(), counts))
                counts["resources"] += 1
                left[pkg["id"]] -= 1
                if not left[pkg["id"]]:
                    del left[pkg["id"]]
                    with timed("dataset_checks_and_store"):
                        count(record_dataset(pkg))

    with concurrent.futures.ThreadPoolExecutor(workers, "molisa-quality") as pool:
        for package_id in package_ids:
            with timed("package_show"):
                pkg = _package(package_id)
            if pkg is None:
                continue
            resources = pkg.get("resources") or []
            if not resources:
                count(record_dataset(pkg))
                continue
            left[pkg["id"]] = len(resources)
            for resource in resources:
                pending[pool.submit(fetch.fetch, resource, session)] = (pkg, resource)
                drain(2 * workers)        # a bounded window: memory stays flat
        drain(0)
    session.close()
    return counts
