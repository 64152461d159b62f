"""Reports as dicts, for whoever may read them, and the public statistics."""
from __future__ import annotations

import statistics
from typing import Any, Iterable, Optional

from ckan import model

from . import report_queries as queries
from .report import CLOSED, Report


def _package(report: Report) -> Optional[dict[str, Any]]:
    pkg = model.Package.get(report.package_id) if report.package_id else None
    if pkg is None:
        return None
    return {"id": pkg.id, "name": pkg.name, "title": pkg.title,
            "title_en": (pkg.extras or {}).get("title_en"), "owner_org": pkg.owner_org}


def _resource(report: Report) -> Optional[dict[str, Any]]:
    res = model.Resource.get(report.resource_id) if report.resource_id else None
    if res is None:
        return None
    return {"id": res.id, "name": res.name or res.id,
            "hidden": queries.hidden_row(res.id) is not None}


def _unit(owner_org: Optional[str]) -> Optional[dict[str, Any]]:
    group = model.Group.get(owner_org) if owner_org else None
    if group is None:
        return None
    return {"id": group.id, "name": group.name, "title": group.title,
            "title_en": (group.extras or {}).get("title_en")}


def _author(user_id: Optional[str]) -> Optional[str]:
    user = model.User.get(user_id) if user_id else None
    return user.display_name if user else None


def report_dict(report: Report, *, handler: bool, with_messages: bool = True) -> dict[str, Any]:
    """The report as its reporter, its unit's admins and the IT Centre see it;
    the reporter's address only for those who handle it."""
    data = report.as_dict()
    if not handler:
        data.pop("reporter_email", None)
    data["package"] = _package(report)
    data["resource"] = _resource(report)
    data["unit"] = _unit(report.owner_org)
    if with_messages:
        data["messages"] = [dict(m.as_dict(), author=_author(m.author_id))
                            for m in queries.messages(report.id)]
    return data


def _hours(start, end) -> float:
    return round((end - start).total_seconds() / 3600, 1)


def _median(values: list[float]) -> Optional[float]:
    return round(statistics.median(values), 1) if values else None


def stats(reports: Iterable[Report]) -> dict[str, Any]:
    """Per unit: reports received (private ones counted), acknowledged,
    closed, open, and the median hours to acknowledge and to resolve. No
    report is named."""
    by_unit: dict[Optional[str], list[Report]] = {}
    for report in reports:
        by_unit.setdefault(report.owner_org, []).append(report)

    def figures(items: list[Report]) -> dict[str, Any]:
        ack = [_hours(r.created, r.acknowledged_at) for r in items if r.acknowledged_at]
        res = [_hours(r.created, r.closed_at) for r in items if r.closed_at]
        return {"received": len(items), "private": sum(1 for r in items if r.private),
                "acknowledged": len(ack), "closed": len(res),
                "open": sum(1 for r in items if r.state != CLOSED),
                "median_hours_to_acknowledge": _median(ack),
                "median_hours_to_resolve": _median(res)}

    units = []
    for owner_org, items in by_unit.items():
        units.append(dict(figures(items), unit=_unit(owner_org)))
    units.sort(key=lambda u: (-u["received"], (u["unit"] or {}).get("name") or ""))
    everything = [r for items in by_unit.values() for r in items]
    return dict(figures(everything), units=units)
