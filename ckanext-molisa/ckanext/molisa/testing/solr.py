"""Solr for the tests: cores for extra CKAN sites (the tests' national
portal stand-in, the benchmarks' targets), created on the running Solr with
the configset of an existing core; and indexing with one commit."""
from __future__ import annotations

import contextlib
import os
import shutil

import requests

from .webserver import ROOT


def ensure_core(solr_base: str, core: str, template_core: str = "ckan") -> None:
    """Creates ``core`` (instance dir .local/solr/<core>, the configset of
    ``template_core``) unless Solr has it already."""
    if requests.get(f"{solr_base}/{core}/schema/name", timeout=10).ok:
        return
    instance = os.path.join(ROOT, ".local", "solr", core)
    shutil.rmtree(os.path.join(instance, "conf"), ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, ".local", "solr", template_core, "conf"),
                    os.path.join(instance, "conf"))
    requests.get(f"{solr_base}/admin/cores", timeout=60, params={
        "action": "CREATE", "name": core, "instanceDir": instance}).raise_for_status()


@contextlib.contextmanager
def one_commit():
    """Index what the block creates with one Solr commit at its end instead
    of one per dataset change (``ckan.search.solr_commit`` off inside): a
    test world's dozen indexings each waited for a commit, a third of its
    build time. Searches inside the block may not see the new datasets."""
    from ckan.common import config
    from ckan.lib import search

    before = config.get("ckan.search.solr_commit")
    config["ckan.search.solr_commit"] = False
    try:
        yield
    finally:
        config["ckan.search.solr_commit"] = before
        search.commit()
