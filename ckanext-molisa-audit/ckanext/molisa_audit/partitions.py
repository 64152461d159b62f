"""Monthly partitions of the event table: created ahead of time, and on demand
for any month an event falls in; each one as append-only as its parent.

Partitions are created by ``molisa_audit.molisa_audit_create_partition(month)``,
a SECURITY DEFINER function owned by molisa_audit_owner that creates exactly
one month's partition: the shipper's role, which owns nothing, may call it,
and can neither attach nor detach a table itself.
"""
from __future__ import annotations

import datetime
from typing import Iterable

from .model import SCHEMA

PARENT = "molisa_audit_event"
QUALIFIED_PARENT = f"{SCHEMA}.{PARENT}"

_known: set[str] = set()


def month_start(ts: datetime.datetime) -> datetime.datetime:
    ts = ts.astimezone(datetime.timezone.utc)
    return datetime.datetime(ts.year, ts.month, 1, tzinfo=datetime.timezone.utc)


def add_months(start: datetime.datetime, months: int) -> datetime.datetime:
    index = start.year * 12 + start.month - 1 + months
    return datetime.datetime(index // 12, index % 12 + 1, 1, tzinfo=datetime.timezone.utc)


def name_for(start: datetime.datetime) -> str:
    return f"{PARENT}_y{start.year:04d}m{start.month:02d}"


def ensure(cur, start: datetime.datetime) -> str:
    """Create the partition of the month that begins at ``start`` if missing."""
    name = name_for(start)
    if name in _known:
        return name
    cur.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.{name}",))
    if cur.fetchone()[0] is None:
        # one shipper per web node (make cluster): two may want the same
        # month at once; the lock (held to the end of the transaction) makes
        # the second wait for the first and then find the partition made
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('molisa_audit_partitions'))")
        cur.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.{name}",))
        if cur.fetchone()[0] is None:
            cur.execute(f"SELECT {SCHEMA}.molisa_audit_create_partition(%s)", (start,))
    _known.add(name)
    return name


def ensure_for(cur, timestamps: Iterable[datetime.datetime]) -> None:
    for start in {month_start(ts) for ts in timestamps}:
        ensure(cur, start)


def ensure_ahead(cur, months_ahead: int, now: datetime.datetime | None = None) -> list[str]:
    """This month's partition and the next ``months_ahead`` ones."""
    start = month_start(now or datetime.datetime.now(datetime.timezone.utc))
    return [ensure(cur, add_months(start, i)) for i in range(months_ahead + 1)]


def existing(cur) -> list[tuple[str, datetime.datetime, datetime.datetime]]:
    """(name, start, end) of every partition, oldest first."""
    cur.execute(
        """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = %s::regclass ORDER BY c.relname""", (QUALIFIED_PARENT,))
    result = []
    for name, _bound in cur.fetchall():
        year, month = int(name[-7:-3]), int(name[-2:])
        start = datetime.datetime(year, month, 1, tzinfo=datetime.timezone.utc)
        result.append((name, start, add_months(start, 1)))
    return result


def forget() -> None:
    """Drop the cache of known partitions (after a partition was dropped)."""
    _known.clear()
