"""The harvest source search's facet titles in the visitor's language:
ckanext-harvest names them in English without ``_()`` ("Frequency",
"Type"); the titles are translated here, after harvest's own IFacets."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def molisa_harvest_source_facets(facets_dict: dict, package_type: str) -> dict:
    if package_type != "harvest":
        return facets_dict
    titles = {"frequency": tk._("Frequency"), "source_type": tk._("Type")}
    for key, title in titles.items():
        if key in facets_dict:
            facets_dict[key] = title
    return facets_dict
