"""A dataset's quality checks: each resource fetched once (bounded, guarded:
``fetch.py``), with at most ``ckanext.molisa.quality.parallel_fetches``
fetches at a time, then each check's result stored (history kept) and a
broken link mailed after its second failure in a row.

Fetches run in a thread pool and touch no database; results are written by
the calling thread. Once a dataset's resources are recorded, its own checks
run (metadata score, freshness), and all its results are committed at once
(one commit per dataset, not per resource). A table whose bytes and declared
structure are those of its previous check keeps that result without running
Frictionless again. ``check_packages`` is what the background job and the
synchronous sweep run.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import logging
import time
from typing import Any, Iterable

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


#: bump when tables.validate judges differently: every table is validated again
TABLE_RULES = b"tables-1"


def _content_key(fetched: fetch.Fetched, columns: Any) -> str:
    """What a table's result depends on: the rules, the bytes read and the
    declared structure."""
    digest = hashlib.sha256(TABLE_RULES)
    digest.update(fetched.body)
    digest.update(b"\0truncated" if fetched.truncated else b"\0")
    digest.update(json.dumps(columns, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def record(pkg: dict[str, Any], resource: dict[str, Any], fetched: fetch.Fetched,
           previous: dict[str, dict] | None = None,
           timings: dict[str, int] | None = None) -> list[qmodel.Result]:
    """The checks' results of one fetched resource, added to the session
    (the caller commits once per dataset). ``previous`` is the resource's
    latest result per check: a table whose bytes and declared structure are
    those of the previous table check keeps that result (Frictionless is not
    run again; ``details.same_as`` names the result it repeats)."""
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
            key = _content_key(fetched, resource.get("columns"))
            before = (previous or {}).get(qmodel.TABLE)
            if before and (before.get("details") or {}).get("content_key") == key:
                toutcome, tscore = before["outcome"], before["score"]
                tdetails = dict(before["details"], same_as=before["details"].get(
                    "same_as") or before["id"])
            else:
                toutcome, tscore, tdetails = tables.validate(fetched, sdetails["sniffed"],
                                                             resource.get("columns"))
                tdetails["content_key"] = key
            rows.append(qmodel.Result(package_id=pkg["id"], resource_id=resource["id"],
                                      kind=qmodel.TABLE, outcome=toutcome, score=tscore,
                                      details=tdetails, checked_at=now))
    timings["ms_checks"] = timings.get("ms_checks", 0) + round(
        1000 * (time.perf_counter() - started))
    model.Session.add_all(rows)
    return rows


def latest_results(package_id: str) -> dict[str, dict[str, dict]]:
    """resource id -> kind -> the latest result (as a dict)."""
    latest: dict[str, dict[str, dict]] = {}
    for row in qmodel.latest_of_packages([package_id]):
        if row.resource_id:
            latest.setdefault(row.resource_id, {})[row.kind] = row.as_dict()
    return latest


def record_dataset(pkg: dict[str, Any]) -> list[qmodel.Result]:
    """The dataset's own checks (metadata score, freshness), once its
    resources' results are in the session (flushed here), added to it."""
    model.Session.flush()
    now = qmodel.now()
    rating, points, details = metadata.score(pkg, latest_results(pkg["id"]))
    fresh, fscore, fdetails = freshness.check(pkg, now.date())
    rows = [qmodel.Result(package_id=pkg["id"], kind=qmodel.METADATA, outcome=rating,
                          score=points, details=details, checked_at=now),
            qmodel.Result(package_id=pkg["id"], kind=qmodel.FRESHNESS, outcome=fresh,
                          score=fscore, details=fdetails, checked_at=now)]
    model.Session.add_all(rows)
    return rows


def finish_dataset(pkg: dict[str, Any], resources: dict[str, dict],
                   links_broken: list[qmodel.Result],
                   timings: dict[str, int] | None = None) -> list[qmodel.Result]:
    """A dataset whose resources are all checked: its own checks, one
    commit for all its results, then the mail of each link newly broken
    twice."""
    timings = {} if timings is None else timings
    started = time.perf_counter()
    rows = record_dataset(pkg)
    to_mail = [row for row in links_broken if links.newly_broken_twice(row.resource_id)]
    model.repo.commit()
    timings["ms_store"] = timings.get("ms_store", 0) + round(
        1000 * (time.perf_counter() - started))
    for row in to_mail:
        sent = links.mail_broken(pkg, resources[row.resource_id], row.details)
        row.details = dict(row.details, mailed=sent)
    if to_mail:
        model.repo.commit()
    return rows


class _Open:
    """A dataset whose resources are being checked."""

    def __init__(self, pkg: dict[str, Any]):
        self.pkg = pkg
        self.resources = {r["id"]: r for r in pkg.get("resources") or []}
        self.left = len(self.resources)
        self.previous = latest_results(pkg["id"]) if self.resources else {}
        self.broken: list[qmodel.Result] = []


def check_packages(package_ids: Iterable[str]) -> dict[str, int]:
    """Run the checks on every resource of the datasets, then on each
    dataset; counts of outcomes (and ``ms_<stage>``: milliseconds spent
    waiting for fetches, in package_show, in the checks, in storing)."""
    counts: dict[str, int] = {"resources": 0}
    workers = parallel_fetches()
    session = fetch.new_session(workers)
    pending: dict[concurrent.futures.Future, tuple[_Open, dict]] = {}

    @contextlib.contextmanager
    def timed(stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            key = "ms_" + stage
            counts[key] = counts.get(key, 0) + round(1000 * (time.perf_counter() - started))

    def count(rows: list[qmodel.Result]) -> None:
        for row in rows:
            key = f"{row.kind}:{row.outcome}"
            counts[key] = counts.get(key, 0) + 1

    def drain(until: int) -> None:
        while len(pending) > until:
            with timed("waiting_for_fetches"):
                done, _ = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                dataset, resource = pending.pop(future)
                rows = record(dataset.pkg, resource, future.result(),
                              dataset.previous.get(resource["id"]), counts)
                count(rows)
                if rows[0].outcome == links.BROKEN:
                    dataset.broken.append(rows[0])
                counts["resources"] += 1
                dataset.left -= 1
                if not dataset.left:
                    count(finish_dataset(dataset.pkg, dataset.resources, dataset.broken,
                                         counts))

    try:
        with concurrent.futures.ThreadPoolExecutor(workers, "molisa-quality") as pool:
            for package_id in package_ids:
                with timed("package_show"):
                    pkg = _package(package_id)
                if pkg is None:
                    continue
                dataset = _Open(pkg)
                if not dataset.left:
                    count(finish_dataset(pkg, {}, [], counts))
                    continue
                for resource in dataset.resources.values():
                    pending[pool.submit(fetch.fetch, resource, session)] = (dataset, resource)
                    drain(2 * workers)        # a bounded window: memory stays flat
            drain(0)
    finally:
        session.close()
    return counts
