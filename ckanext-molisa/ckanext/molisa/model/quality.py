"""Quality check results (R6.2, R14.1, R9.2): one row per check of one
resource (or of a dataset as a whole), never overwritten: the history of a
resource's link, openness, ... is the sequence of its rows by ``checked_at``.

``kind`` names the check (``link``, ``openness``, ``table`` of a resource; ``metadata``,
``freshness`` of a dataset), ``outcome`` its verdict
(``ok``, ``broken``, ``refused``, ...), ``score`` a number on the check's
own scale (link: 1 or 0, openness: 0 to 5 stars, table: the share of rows without error, metadata: MQA points out of 405,
freshness: 1 or 0), ``details`` what was
measured (status, content type, size, error, ...).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid

LINK, OPENNESS, TABLE = "link", "openness", "table"
#: the dataset's own checks (``resource_id`` empty)
METADATA, FRESHNESS = "metadata", "freshness"
KINDS = (LINK, OPENNESS, TABLE, METADATA, FRESHNESS)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class MolisaQualityResult(tk.BaseModel):
    __tablename__ = "molisa_quality_result"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    package_id = sa.Column(sa.Text, nullable=False)
    resource_id = sa.Column(sa.Text)
    kind = sa.Column(sa.Text, nullable=False)
    outcome = sa.Column(sa.Text, nullable=False)
    score = sa.Column(sa.Float)
    details = sa.Column(JSONB, nullable=False, default=dict)
    checked_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "package_id": self.package_id, "resource_id": self.resource_id,
                "kind": self.kind, "outcome": self.outcome, "score": self.score,
                "details": dict(self.details or {}),
                "checked_at": self.checked_at.isoformat() if self.checked_at else None}


Result = MolisaQualityResult

TABLES = ("molisa_quality_result",)


def history(resource_id: str, kind: str, limit: Optional[int] = None) -> list[Result]:
    """The resource's results of one check, newest first."""
    q = (model.Session.query(Result)
         .filter(Result.resource_id == resource_id, Result.kind == kind)
         .order_by(Result.checked_at.desc(), Result.id))
    if limit:
        q = q.limit(limit)
    return q.all()


def of_package(package_id: str) -> list[Result]:
    """Every result of the dataset and its resources, newest first."""
    return (model.Session.query(Result).filter(Result.package_id == package_id)
            .order_by(Result.checked_at.desc(), Result.id).all())


def dataset_history(package_id: str, kind: str, limit: Optional[int] = None) -> list[Result]:
    """The dataset's own results of one check, newest first."""
    q = (model.Session.query(Result)
         .filter(Result.package_id == package_id, Result.resource_id.is_(None),
                 Result.kind == kind)
         .order_by(Result.checked_at.desc(), Result.id))
    if limit:
        q = q.limit(limit)
    return q.all()


def latest_of_packages(package_ids: list[str]) -> list[Result]:
    """The latest result of each (dataset or resource, check) of these
    datasets."""
    if not package_ids:
        return []
    ranked = (model.Session.query(
        Result.id, sa.func.row_number().over(
            partition_by=(Result.package_id, Result.resource_id, Result.kind),
            order_by=(Result.checked_at.desc(), Result.id)).label("n"))
        .filter(Result.package_id.in_(package_ids)).subquery())
    return (model.Session.query(Result).join(ranked, ranked.c.id == Result.id)
            .filter(ranked.c.n == 1).all())


def daily_trend(package_ids: list[str], since: datetime.datetime) -> list[dict[str, Any]]:
    """Per day since ``since``: the mean metadata points, the share of link
    checks that were ok and the mean openness stars of these datasets."""
    if not package_ids:
        return []
    day = sa.func.date(sa.func.timezone("UTC", Result.checked_at)).label("day")
    rows = (model.Session.query(day, Result.kind, sa.func.avg(Result.score), sa.func.count())
            .filter(Result.package_id.in_(package_ids), Result.checked_at >= since,
                    Result.kind.in_((METADATA, LINK, OPENNESS)), Result.score.isnot(None))
            .group_by(day, Result.kind).order_by(day).all())
    days: dict[str, dict[str, Any]] = {}
    for d, kind, avg, count in rows:
        entry = days.setdefault(d.isoformat(), {"day": d.isoformat(), "metadata": None,
                                                "links_ok": None, "openness": None})
        key = {METADATA: "metadata", LINK: "links_ok", OPENNESS: "openness"}[kind]
        entry[key] = round(float(avg), 3)
    return list(days.values())
