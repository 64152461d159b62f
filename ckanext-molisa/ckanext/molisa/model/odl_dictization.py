"""Entries of the Open Data List as dicts, with their computed state."""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Optional

from ckan import model

from ckanext.molisa.odl import deadlines

from . import odl_queries as queries
from .odl import Entry, Version


def _date(value: Any) -> Optional[datetime.date]:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def publication(pkg: Optional[model.Package]) -> tuple[Optional[datetime.date],
                                                       Optional[datetime.date]]:
    """(first publication, last real update) of a linked dataset: the
    schema's ``issued`` and ``modified`` when given, else CKAN's
    ``metadata_created`` and ``metadata_modified``."""
    if pkg is None:
        return None, None
    extras = pkg.extras or {}
    published = _date(extras.get("issued")) or _date(pkg.metadata_created)
    updated = _date(extras.get("modified")) or _date(pkg.metadata_modified)
    return published, updated


def version_dict(version: Version) -> dict[str, Any]:
    return version.as_dict()


def entry_dicts(entries: Iterable[Entry], today: datetime.date) -> list[dict[str, Any]]:
    entries = list(entries)
    packages = queries.packages(e.package_id for e in entries)
    orgs = queries.organizations(e.owner_org for e in entries)
    missed = queries.missed_dues(e.key for e in entries)
    result = []
    for entry in entries:
        pkg = packages.get(entry.package_id)
        published, updated = publication(pkg)
        st = deadlines.status(entry.update_frequency, entry.first_due, today, published,
                              updated, missed.get(entry.key, ()))
        data = entry.as_dict()
        data["status"] = st.as_dict()
        data["state"] = st.state
        org = orgs.get(entry.owner_org)
        data["unit"] = {"id": entry.owner_org, "name": org.name if org else None,
                        "title": org.title if org else None,
                        "title_en": (org.extras or {}).get("title_en") if org else None}
        # a linked dataset that is no longer public is named to no one here
        data["dataset"] = ({"id": pkg.id, "name": pkg.name, "title": pkg.title,
                            "title_en": (pkg.extras or {}).get("title_en")}
                           if pkg is not None and not pkg.private else None)
        result.append(data)
    return result


def summary(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per state, overall and per unit, and each unit's on-time rate:
    entries on time among those due so far (planned ones not counted)."""
    def counts(items):
        c = {s: 0 for s in deadlines.STATES}
        for e in items:
            c[e["state"]] += 1
        due = c["on_time"] + c["late"] + c["overdue"]
        return c, (round(c["on_time"] / due, 4) if due else None)

    total, rate = counts(entries)
    by_unit: dict[str, list] = {}
    for e in entries:
        by_unit.setdefault(e["owner_org"], []).append(e)
    units = []
    for org_id, items in by_unit.items():
        c, r = counts(items)
        units.append(dict(items[0]["unit"], counts=c, entries=len(items), on_time_rate=r))
    units.sort(key=lambda u: (-(u["on_time_rate"] or 0), u["name"] or ""))
    return {"counts": total, "entries": len(entries), "on_time_rate": rate, "units": units}
