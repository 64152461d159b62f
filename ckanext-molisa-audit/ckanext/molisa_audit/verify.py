"""``ckan molisa-audit verify``: recompute every hash and report what differs.

For each batch, in chain order: the batch must point at the previous batch's
hash and hash to what it says; its events, read back by position, must hash
to their stored hashes (else "altered"), be all there (else "deleted") and be
no more than it counted (else "inserted"). Events in no batch are "inserted".
Batches whose partition was archived are checked against the archive register.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ckan import model

from . import chain
from .model import HASHED_FIELDS, archive, batch, event


def verify(limit_problems: int = 1000) -> dict[str, Any]:
    session = model.Session
    problems: list[dict[str, Any]] = []
    archived = [(r.range_start, r.range_end) for r in session.execute(sa.select(archive))]

    def report(kind: str, **detail):
        if len(problems) < limit_problems:
            problems.append(dict(kind=kind, **detail))

    prev_hash = chain.GENESIS
    expected_id = 1
    batches = 0
    events_checked = 0
    columns = [event.c[f] for f in HASHED_FIELDS] + [event.c.seq, event.c.hash]
    for b in session.execute(sa.select(batch).order_by(batch.c.id)).yield_per(1000):
        batches += 1
        if b.id != expected_id:
            report("batch_missing", batch=expected_id, detail=f"next batch is {b.id}")
        expected_id = b.id + 1
        if b.prev_hash != prev_hash:
            report("chain_broken", batch=b.id)
        if chain.batch_hash(b.id, b.event_count, b.events_hash, b.prev_hash) != b.hash:
            report("batch_altered", batch=b.id)
        prev_hash = b.hash
        if any(start <= b.first_ts < end for start, end in archived):
            continue
        rows = session.execute(
            sa.select(*columns).where(event.c.batch_id == b.id,
                                      event.c.ts.between(b.first_ts, b.last_ts))
            .order_by(event.c.seq)).all()
        by_seq: dict[int, Any] = {}
        for row in rows:
            events_checked += 1
            data = row._mapping
            if data["seq"] in by_seq or data["seq"] >= b.event_count:
                report("inserted", batch=b.id, event=str(data["id"]), seq=data["seq"])
                continue
            by_seq[data["seq"]] = data
            if chain.event_hash(dict(data)) != data["hash"]:
                report("altered", batch=b.id, event=str(data["id"]), seq=data["seq"])
        for seq in range(b.event_count):
            if seq not in by_seq:
                report("deleted", batch=b.id, seq=seq)
        if len(by_seq) == b.event_count:
            digest = chain.events_hash(by_seq[s]["hash"] for s in range(b.event_count))
            if digest != b.events_hash:
                report("altered", batch=b.id, detail="event hashes differ from the batch")
    # events that claim a batch that does not exist, or sit outside its time range
    orphans = session.execute(
        sa.select(event.c.id, event.c.batch_id).select_from(
            event.outerjoin(batch, batch.c.id == event.c.batch_id))
        .where(sa.or_(batch.c.id.is_(None),
                      event.c.ts < batch.c.first_ts, event.c.ts > batch.c.last_ts))
        .limit(limit_problems)).all()
    for row in orphans:
        report("inserted", batch=row.batch_id, event=str(row.id))
    return {"ok": not problems, "batches": batches, "events": events_checked,
            "head": prev_hash, "problems": problems}
