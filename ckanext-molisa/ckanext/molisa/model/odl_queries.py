"""Queries of the Open Data List's tables."""
from __future__ import annotations

import datetime
from typing import Iterable, Optional

import sqlalchemy as sa

from ckan import model

from .odl import DRAFT, IN_FORCE, Entry, Notice, Version


def version_in_force() -> Optional[Version]:
    return model.Session.query(Version).filter(Version.state == IN_FORCE).one_or_none()


def versions(include_drafts: bool) -> list[Version]:
    q = model.Session.query(Version)
    if not include_drafts:
        q = q.filter(Version.state != DRAFT)
    return q.order_by(Version.number.desc()).all()


def next_number() -> int:
    return (model.Session.query(sa.func.max(Version.number)).scalar() or 0) + 1


def entries(version_id: str, owner_org: Optional[str] = None) -> list[Entry]:
    q = model.Session.query(Entry).filter(Entry.version_id == version_id)
    if owner_org:
        q = q.filter(Entry.owner_org == owner_org)
    return q.order_by(Entry.owner_org, Entry.first_due, Entry.title).all()


def noticed(entry_key: str, due: datetime.date, kind: str) -> bool:
    return model.Session.query(Notice.id).filter(
        Notice.entry_key == entry_key, Notice.due == due, Notice.kind == kind).first() is not None


def missed_dues(keys: Iterable[str]) -> dict[str, list[datetime.date]]:
    """The due dates recorded as passed without an update, per entry key."""
    keys = list(keys)
    result: dict[str, list[datetime.date]] = {k: [] for k in keys}
    if not keys:
        return result
    rows = model.Session.query(Notice.entry_key, Notice.due).filter(
        Notice.entry_key.in_(keys), Notice.kind == "overdue")
    for key, due in rows:
        result[key].append(due)
    return result


def packages(ids: Iterable[str]) -> dict[str, model.Package]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    return {p.id: p for p in model.Session.query(model.Package).filter(
        model.Package.id.in_(ids), model.Package.state == "active")}


def organizations(ids: Iterable[str]) -> dict[str, model.Group]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    return {g.id: g for g in model.Session.query(model.Group).filter(model.Group.id.in_(ids))}
