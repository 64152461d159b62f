"""Solr commits while harvesting.

CKAN commits Solr after every dataset it writes (``ckan.search.solr_commit``,
default true). In a harvest import that commit is about a fifth of the time,
and harvesting writes thousands of datasets in a row. CKAN's own advice for
that setting: turn it off when Solr commits on its own (``autoSoftCommit``).
The project's Solr configset does, every second.

So the fetch consumers (``ckan molisa-harvest consumer fetch``) stop committing
after each dataset when, and only when, the Solr core has an automatic soft
commit of at most :data:`MAX_SOFT_COMMIT_MS`: a harvested dataset is then
searchable within that time. When ``harvest_jobs_run`` marks a job finished,
one explicit commit makes all of its datasets searchable at once.
``ckanext.molisa_harvest.defer_solr_commits = false`` keeps CKAN's behaviour.
"""
from __future__ import annotations

import logging

import requests

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

DEFER_OPTION = "ckanext.molisa_harvest.defer_solr_commits"
MAX_SOFT_COMMIT_MS = 10_000


def soft_commit_ms() -> int | None:
    """The Solr core's ``autoSoftCommit`` maxTime in ms, or None when it has
    none (or Solr cannot say)."""
    url = tk.config.get("solr_url").rstrip("/") + "/config/updateHandler"
    user, password = tk.config.get("solr_user"), tk.config.get("solr_password")
    try:
        response = requests.get(url, params={"wt": "json"}, timeout=10,
                                auth=(user, password) if user and password else None)
        response.raise_for_status()
        handler = response.json()["config"]["updateHandler"]
        max_time = int(handler.get("autoSoftCommit", {}).get("maxTime", -1))
    except (requests.RequestException, ValueError, KeyError, TypeError) as e:
        log.warning("cannot read the Solr core's commit settings: %s", e)
        return None
    return max_time if max_time > 0 else None


def defer_commits() -> bool:
    """Turns off CKAN's commit after each dataset in this process, if the
    option allows it and Solr soft-commits on its own; says whether it did."""
    if not tk.config.get(DEFER_OPTION):
        return False
    max_time = soft_commit_ms()
    if max_time is None or max_time > MAX_SOFT_COMMIT_MS:
        log.warning("Solr has no automatic soft commit of at most %d ms: harvested datasets are"
                    " committed one by one", MAX_SOFT_COMMIT_MS)
        return False
    tk.config["ckan.search.solr_commit"] = False
    log.info("harvest imports leave the Solr commit to Solr (autoSoftCommit %d ms)", max_time)
    return True


def commit() -> None:
    """Makes everything indexed so far searchable now."""
    from ckan.lib.search import index_for
    index_for("Package").commit()
