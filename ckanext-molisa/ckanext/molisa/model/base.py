"""What the kernel's tables share: the current time (aware, UTC) and a row
that turns itself into a dict and is fetched by id."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa

from ckan import model


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def iso(value: Any, utc: bool = False) -> Any:
    """Dates and times as ISO text; with ``utc``, aware times in UTC first
    (as CKAN's activities are)."""
    if utc and isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


class Row:
    """Mixed into a model: ``as_dict()`` and ``get(id)`` (None for a missing
    or malformed id)."""

    __table__: sa.Table
    #: times in UTC in ``as_dict``
    utc_times = False

    def as_dict(self) -> dict[str, Any]:
        return {c.name: iso(getattr(self, c.name), self.utc_times)
                for c in self.__table__.columns}

    @classmethod
    def get(cls, id_: Optional[str]):
        if not id_ or not isinstance(id_, str) or len(id_) > 200:
            return None
        return model.Session.get(cls, id_)
