"""Loads the demo Open Data List (``open_data_list.yaml``) through the
``molisa_odl_*`` actions, after the demo catalogue and the units: each
version as a draft (the later ones amending the version in force), its
entries linked to their demo datasets, then approved. Does nothing when a
list exists already."""
from __future__ import annotations

import logging
import os
from typing import Any

import yaml

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

HERE = os.path.dirname(__file__)
ENTRY_KEYS = ("title", "title_en", "sector", "update_frequency", "first_due")


def _fresh(context: dict[str, Any]) -> dict[str, Any]:
    return {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)}


def data() -> dict[str, Any]:
    with open(os.path.join(HERE, "open_data_list.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def load(context: dict[str, Any]) -> dict[str, Any]:
    act = lambda name, **d: tk.get_action(name)(_fresh(context), d)  # noqa: E731
    if act("molisa_odl_version_list"):
        return {"versions": 0, "entries": 0, "linked": 0, "skipped": True}
    counts = {"versions": 0, "entries": 0, "linked": 0, "skipped": False}
    for spec in data()["versions"]:
        version = act("molisa_odl_version_create", copy_in_force=True, note=spec.get("note", ""))
        for item in spec["entries"]:
            entry = act("molisa_odl_entry_create", version_id=version["id"],
                        owner_org=item["unit"], coverage=item.get("coverage", "Toàn quốc, theo tỉnh"),
                        legal_basis=item.get("legal_basis", "Quyết định 2327/QĐ-BLĐTBXH"),
                        **{k: str(item[k]) for k in ENTRY_KEYS})
            counts["entries"] += 1
            if item.get("dataset"):
                act("molisa_odl_entry_link", id=entry["id"], package_id=item["dataset"])
                counts["linked"] += 1
        act("molisa_odl_version_approve", id=version["id"],
            decision_number=spec["decision_number"], decision_date=str(spec["decision_date"]),
            approver=spec["approver"], note=spec.get("note", ""))
        counts["versions"] += 1
    return counts
