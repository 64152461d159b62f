"""ckanext-molisa's blueprint: the dataset pages' former addresses.

Every dataset is of CKAN's one type, ``dataset`` (the MOLISA schema). Until
the portal's second release its datasets had a type of their own and lived
under ``/molisa_dataset/...``; those addresses, bookmarked and linked from
elsewhere, now answer with a permanent redirect to the same page under
``/dataset/...`` (query string kept).
"""
from __future__ import annotations

from flask import Blueprint, redirect, request

molisa = Blueprint("molisa", __name__)

def former_dataset_address(rest: str = ""):
    target = request.script_root + "/dataset/" + rest
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, code=301)


molisa.add_url_rule("/molisa_dataset/", view_func=former_dataset_address,
                    endpoint="former_dataset_address")
molisa.add_url_rule("/molisa_dataset/<path:rest>", view_func=former_dataset_address,
                    endpoint="former_dataset_page")

from ckanext.molisa.odl.views import molisa_odl  # noqa: E402  the Open Data List's pages
from ckanext.molisa.quality.views import molisa_quality  # noqa: E402  the units' quality pages
from ckanext.molisa.reports.views import molisa_report  # noqa: E402  reports of problems
from ckanext.molisa.wiki.views import molisa_wiki  # noqa: E402  WikiMolisa

__all__ = ["molisa", "molisa_odl", "molisa_quality", "molisa_report", "molisa_wiki"]
