"""The portal's reference code lists (R11.1).

Sectors, provinces (the 34 in force since 1 July 2025 and the 63 earlier
ones, with the mapping between them), update frequencies, access levels,
source systems, formats, unit types and the units themselves ship as JSON files
in ``codelists/``. ``ckanext.molisa.codelist_directory`` points at another folder
with the same files, so that the IT Centre can update a list without a release.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

import ckan.plugins.toolkit as tk

HERE = os.path.join(os.path.dirname(__file__), "codelists")

#: The code lists that can be asked for by name.
NAMES = (
    "sectors",
    "provinces",
    "access_levels",
    "update_frequencies",
    "source_systems",
    "formats",
    "unit_types",
    "units",
)


def _directory() -> str:
    return tk.config.get("ckanext.molisa.codelist_directory") or HERE


@lru_cache(maxsize=None)
def _read(directory: str, filename: str) -> dict[str, Any]:
    with open(os.path.join(directory, filename), encoding="utf-8") as f:
        return json.load(f)


def items(name: str) -> list[dict[str, Any]]:
    """The entries of code list ``name``, each with ``value`` and ``label``."""
    if name not in NAMES:
        raise KeyError(name)
    directory = _directory()
    if name == "unit_types":
        return _read(directory, "units.json")["unit_types"]
    if name == "units":
        return [
            dict(unit, value=unit["name"],
                 label={"vi": unit["title_vi"], "en": unit["title_en"]})
            for unit in _read(directory, "units.json")["items"]
        ]
    return _read(directory, name + ".json")["items"]


def values(name: str) -> set[str]:
    return {item["value"] for item in items(name)}


def user_lang() -> str:
    """The user's language for labels: "en" under ``/en/``, otherwise (and
    outside a request: CLI, background jobs) "vi"."""
    from flask import has_request_context
    if not has_request_context():
        return "vi"
    from ckan.lib.i18n import get_lang
    return "en" if get_lang() == "en" else "vi"


def label(name: str, value: str, lang: str = "vi") -> str:
    """The label of ``value`` in ``lang`` (the value itself if unknown)."""
    for item in items(name):
        if item["value"] == value:
            return item["label"].get(lang) or item["label"]["vi"]
    return value


def current_province(value: str) -> str:
    """The province in force since 1 July 2025 that ``value`` is now part of."""
    for item in items("provinces"):
        if item["value"] == value:
            return item.get("merged_into") or value
    return value
