"""Queries of the reports' tables."""
from __future__ import annotations

import datetime
from typing import Iterable, Optional

import sqlalchemy as sa

from ckan import model

from .report import CLOSED, Hidden, Message, Notice, Report


def messages(report_id: str) -> list[Message]:
    return model.Session.query(Message).filter(Message.report_id == report_id).order_by(
        Message.created, Message.id).all()


def reports_for(user_id: Optional[str], units: Iterable[str], everything: bool,
                mine_only: bool = False, state: Optional[str] = None,
                owner_org: Optional[str] = None) -> list[Report]:
    """The reports a user may read: their own, their units' and, for the IT
    Centre (``everything``), all; newest first."""
    q = model.Session.query(Report)
    units = list(units)
    if mine_only:
        q = q.filter(Report.reporter_id == user_id)
    elif not everything:
        clauses = [Report.reporter_id == user_id]
        if units:
            clauses.append(Report.owner_org.in_(units))
        q = q.filter(sa.or_(*clauses))
    if state:
        q = q.filter(Report.state == state)
    if owner_org:
        q = q.filter(Report.owner_org == owner_org)
    return q.order_by(Report.created.desc()).limit(1000).all()


def open_reports() -> list[Report]:
    return model.Session.query(Report).filter(Report.state != CLOSED).order_by(
        Report.created).all()


def noticed(report_id: str, kind: str, due: datetime.date) -> bool:
    return model.Session.query(Notice.id).filter(
        Notice.report_id == report_id, Notice.kind == kind, Notice.due == due
    ).first() is not None


def hidden_row(resource_id: str) -> Optional[Hidden]:
    return model.Session.query(Hidden).filter(
        Hidden.resource_id == resource_id, Hidden.restored_at.is_(None)).one_or_none()


def hidden_resources(package_id: str) -> set[str]:
    """The ids of the package's resources hidden now."""
    rows = model.Session.query(Hidden.resource_id).filter(
        Hidden.package_id == package_id, Hidden.restored_at.is_(None))
    return {row[0] for row in rows}


def hidden_by_package() -> dict[str, set[str]]:
    """Every resource hidden now, by dataset id (a handful of rows at most)."""
    found: dict[str, set[str]] = {}
    rows = model.Session.query(Hidden.package_id, Hidden.resource_id).filter(
        Hidden.restored_at.is_(None))
    for package_id, resource_id in rows:
        found.setdefault(package_id, set()).add(resource_id)
    return found


def all_reports(owner_org: Optional[str] = None) -> list[Report]:
    q = model.Session.query(Report)
    if owner_org:
        q = q.filter(Report.owner_org == owner_org)
    return q.all()
