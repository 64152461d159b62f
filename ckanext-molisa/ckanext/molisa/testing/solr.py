"""Solr cores for extra CKAN sites (the tests' national portal stand-in, the
benchmarks' targets): created on the running Solr with the configset of an
existing core."""
from __future__ import annotations

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
