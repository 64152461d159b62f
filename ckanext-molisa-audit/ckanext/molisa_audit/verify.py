"""``ckan molisa-audit verify``: recompute the hashes and report what differs.

Every run checks, for the whole log and at little cost:

* the chain of batches: each batch points at the previous batch's hash and
  hashes to what it says (``chain_broken``, ``batch_altered``, ``batch_missing``);
* every signed checkpoint, in the database and in the files outside it
  (``ckanext.molisa_audit.anchor_dir``), against the public key
  (``checkpoint_signature_invalid``, ``anchor_signature_invalid``; an anchored
  checkpoint gone from the database: ``checkpoint_missing``);
* what they signed against the batches the database holds now: a batch whose
  hash differs from the prefix signed for it, a head whose hash or event count
  differs, or a signed batch that is gone, means the log was rewritten
  (``rewritten``, ``anchored_batch_missing``), even if every hash in the
  database was recomputed; ``first_rewritten_batch`` names the first such batch.

Then it recomputes the events' hashes: by default of the batches after the
last signed checkpoint (the ones before it are held by their signed,
anchored batch hashes), with ``full`` of every batch. A batch's events, read
back by position, must hash to their stored hashes (else ``altered``), be all
there (else ``deleted``) and no more (else ``inserted``). Version-2 batches
are hashed inside PostgreSQL (``molisa_audit_event_hash``, several connections
in parallel); a batch that does not add up there is checked again, event by
event, in Python, which names what differs. Batches whose partition was
archived are checked against the archive register.
"""
from __future__ import annotations

import concurrent.futures
import logging
import time
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from . import anchors, chain
from .model import EVENT, HASHED_FIELDS, archive, batch, checkpoint, event

log = logging.getLogger(__name__)

#: events per query of the parallel hash check
CHUNK_EVENTS = 250_000

_CHUNK_SQL = f"""
SELECT e.batch_id, count(*),
       count(*) FILTER (WHERE molisa_audit.molisa_audit_event_hash(e) IS DISTINCT FROM e.hash),
       encode(sha256(convert_to(string_agg(e.hash, '' ORDER BY e.seq), 'UTF8')), 'hex'),
       min(e.seq), max(e.seq), min(e.ts), max(e.ts)
FROM {EVENT} e
WHERE e.batch_id >= %(lo)s AND e.batch_id <= %(hi)s {{ts}}
GROUP BY e.batch_id
"""


def _jobs() -> int:
    return max(1, int(tk.config.get("ckanext.molisa_audit.verify_jobs") or 2))


def verify(full: bool = False, jobs: int | None = None,
           limit_problems: int = 1000) -> dict[str, Any]:
    started = time.monotonic()
    session = model.Session
    problems: list[dict[str, Any]] = []

    def report(kind: str, **detail):
        if len(problems) < limit_problems:
            problems.append(dict(kind=kind, **detail))

    archived = [(r.range_start, r.range_end) for r in session.execute(sa.select(archive))]

    # 1. the chain of batches
    batches: dict[int, Any] = {}
    cumulative: dict[int, int] = {}
    prev_hash, expected_id, total = chain.GENESIS, 1, 0
    for b in session.execute(sa.select(batch).order_by(batch.c.id)).yield_per(5000):
        if b.id != expected_id:
            report("batch_missing", batch=expected_id, detail=f"next batch is {b.id}")
        expected_id = b.id + 1
        if b.prev_hash != prev_hash:
            report("chain_broken", batch=b.id)
        if chain.batch_hash(b.id, b.event_count, b.events_hash, b.prev_hash) != b.hash:
            report("batch_altered", batch=b.id)
        prev_hash = b.hash
        total += b.event_count
        batches[b.id] = b
        cumulative[b.id] = total

    # 2. signed checkpoints: in the database, and anchored outside it
    key = anchors.public_key()
    stored_cps = {r.batch_id: dict(r._mapping) for r in session.execute(sa.select(checkpoint))}
    anchored, unreadable = anchors.read()
    for where in unreadable:
        report("anchor_unreadable", detail=where)
    if (stored_cps or anchored) and key is None:
        report("no_public_key", detail="checkpoints cannot be checked without "
                                       "ckanext.molisa_audit.public_key_file")
    signed: list[tuple[str, dict]] = []
    if key is not None:
        for batch_id in sorted(stored_cps):
            if anchors.valid(stored_cps[batch_id], key):
                signed.append(("database", stored_cps[batch_id]))
            else:
                report("checkpoint_signature_invalid", batch=batch_id)
        for a in anchored:
            if not anchors.valid(a, key):
                report("anchor_signature_invalid", batch=a["batch_id"], detail=a["file"])
                continue
            signed.append((a["file"], a))
            if a["batch_id"] in batches and a["batch_id"] not in stored_cps:
                report("checkpoint_missing", batch=a["batch_id"])

    # 3. what was signed against what the database holds now: a batch whose
    # hash differs from the prefix signed for it, a head whose hash or event
    # count differs, a signed batch that is gone, all mean the log was
    # rewritten, whatever the database says about itself
    rewritten: dict[int, str] = {}
    confirmed: set[int] = set()
    for source, cp in signed:
        when = f"signed {anchors.created_text(cp['created'])} ({source})"
        bad = False
        for batch_id, prefix in anchors.prefixes(cp).items():
            b = batches.get(batch_id)
            if b is None or not b.hash.startswith(prefix):
                rewritten.setdefault(batch_id, when)
                bad = True
        head = batches.get(cp["batch_id"])
        if head is None:
            if source != "database":
                report("anchored_batch_missing", batch=cp["batch_id"], detail=when)
            rewritten.setdefault(cp["batch_id"], when)
        elif head.hash != cp["head_hash"] or cumulative[cp["batch_id"]] != cp["event_count"]:
            rewritten.setdefault(cp["batch_id"], when)
        elif not bad:
            confirmed.add(cp["batch_id"])
    for batch_id in sorted(rewritten):
        report("rewritten", batch=batch_id, detail="differs from the checkpoint " + rewritten[batch_id])
    anchored_ok = sum(1 for a in anchored if a["batch_id"] in confirmed)
    good_cps = sorted(b for b in confirmed if not rewritten or b < min(rewritten))

    # 4. the events
    if full or not good_cps:
        first = 1
    else:
        first = good_cps[-1] + 1
    todo = [b for bid, b in sorted(batches.items()) if bid >= first
            and not any(start <= b.first_ts < end for start, end in archived)]
    events_checked = _check_events(todo, full, jobs or _jobs(), report, first)

    problems.sort(key=lambda p: (p.get("batch") is None, p.get("batch") or 0))
    return {"ok": not problems, "full": full, "from_batch": first, "batches": len(batches),
            "events": events_checked, "head": prev_hash, "problems": problems,
            "checkpoints": len(stored_cps),
            "anchors": {"checkpoints": len(anchored), "confirmed": anchored_ok,
                        "last_batch": anchored[-1]["batch_id"] if anchored else None},
            "first_rewritten_batch": min(rewritten) if rewritten else None,
            "seconds": round(time.monotonic() - started, 2)}


def _chunks(todo: list, full: bool) -> list[tuple[int, int, Any, Any]]:
    """(lowest id, highest id, first ts, last ts) of runs of batches holding
    about CHUNK_EVENTS events; the first and last are open-ended on a full run
    (so that events claiming a batch that does not exist are read too)."""
    chunks, current, n = [], [], 0
    for b in todo:
        current.append(b)
        n += b.event_count
        if n >= CHUNK_EVENTS:
            chunks.append(current)
            current, n = [], 0
    if current:
        chunks.append(current)
    result = []
    for i, c in enumerate(chunks):
        lo, hi = c[0].id, c[-1].id
        first_ts, last_ts = min(b.first_ts for b in c), max(b.last_ts for b in c)
        if i == 0 and full:
            lo, first_ts = -(2 ** 62), None
        if i == len(chunks) - 1:
            hi, last_ts = 2 ** 62, None
        result.append((lo, hi, first_ts, last_ts))
    return result


def _run_chunk(lo, hi, first_ts, last_ts):
    clauses, params = [], {"lo": lo, "hi": hi}
    if first_ts is not None:
        clauses.append("AND e.ts >= %(first_ts)s")
        params["first_ts"] = first_ts
    if last_ts is not None:
        clauses.append("AND e.ts <= %(last_ts)s")
        params["last_ts"] = last_ts
    conn = model.meta.engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute(_CHUNK_SQL.format(ts=" ".join(clauses)), params)
        rows = cur.fetchall()
        conn.rollback()
        return rows
    finally:
        conn.close()


def _check_events(todo: list, full: bool, jobs: int, report, first: int) -> int:
    if not todo:
        return 0
    by_id = {b.id: b for b in todo}
    results: dict[int, tuple] = {}
    chunks = _chunks(todo, full)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for rows in pool.map(lambda c: _run_chunk(*c), chunks):
            for row in rows:
                results[row[0]] = row
    checked = sum(r[1] for r in results.values())
    to_recheck = []
    for batch_id, row in results.items():
        if batch_id not in by_id:
            if batch_id >= first or full:
                _orphans(batch_id, report)
            continue
    for b in todo:
        row = results.get(b.id)
        if (row is None or b.hash_version < 2 or row[1] != b.event_count or row[2]
                or row[3] != b.events_hash or row[4] != 0 or row[5] != b.event_count - 1
                or row[6] < b.first_ts or row[7] > b.last_ts):
            to_recheck.append(b)
    for b in to_recheck:
        _check_batch(b, report)
    return checked


def _orphans(batch_id: int, report) -> None:
    for row in model.Session.execute(
            sa.select(event.c.id, event.c.seq).where(event.c.batch_id == batch_id).limit(100)):
        report("inserted", batch=batch_id, event=str(row.id), seq=row.seq)


def _check_batch(b, report) -> None:
    """One batch, event by event, in Python (the canonical definitions)."""
    columns = [event.c[f] for f in HASHED_FIELDS] + [event.c.seq, event.c.hash]
    rows = model.Session.execute(
        sa.select(*columns).where(event.c.batch_id == b.id).order_by(event.c.seq, event.c.ts)).all()
    by_seq: dict[int, Any] = {}
    for row in rows:
        data = dict(row._mapping)
        if (data["seq"] in by_seq or not 0 <= data["seq"] < b.event_count
                or not b.first_ts <= data["ts"] <= b.last_ts):
            report("inserted", batch=b.id, event=str(data["id"]), seq=data["seq"])
            continue
        by_seq[data["seq"]] = data
        try:
            recomputed = chain.event_hash_for(b.hash_version, chain.normalize(data)
                                              if b.hash_version >= 2 else data)
        except chain.Unstorable:
            recomputed = None
        if recomputed != data["hash"]:
            report("altered", batch=b.id, event=str(data["id"]), seq=data["seq"])
    for seq in range(b.event_count):
        if seq not in by_seq:
            report("deleted", batch=b.id, seq=seq)
    if len(by_seq) == b.event_count:
        digest = chain.events_hash(by_seq[s]["hash"] for s in range(b.event_count))
        if digest != b.events_hash:
            report("altered", batch=b.id, detail="event hashes differ from the batch")
