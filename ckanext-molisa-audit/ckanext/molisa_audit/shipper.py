"""Moves spooled events into PostgreSQL, one hash-chained batch per
transaction, and keeps the hourly rollups in the same transaction.

Only one shipper extends the chain at a time (a transaction-level advisory
lock), so the web processes never take a lock: they only append to their spool.
Replays are safe: events already stored (same time and id) are skipped, so a
crash between the commit and the offset update loses nothing and doubles nothing.
"""
from __future__ import annotations

import bisect
import collections
import datetime
import io
import json
import os
import re
import logging
import time
from typing import Any

import psycopg2
import psycopg2.extras

from ckan import model

from . import chain, partitions, spool
from .model import DURATION_BINS, HIST_COLUMNS

log = logging.getLogger(__name__)

#: pg_advisory_xact_lock key of the chain ("MOLISAUD").
CHAIN_LOCK = 0x4D4F4C4953415544 & 0x7FFFFFFFFFFFFFFF

EVENT_COLUMNS = ("id", "ts", "batch_id", "seq", "request_id", "actor", "actor_id", "actor_orgs",
                 "connection_account", "client_addr", "channel", "action", "datasets",
                 "resources", "organizations", "status", "error_class", "error_message",
                 "duration_ms", "bytes_sent", "extra", "hash")


ROLLUP_UPSERT = (
    "INSERT INTO molisa_audit_rollup AS r (hour, dim, key, events, errors, bytes, "
    + ", ".join(HIST_COLUMNS) + ") VALUES %s ON CONFLICT (hour, dim, key) DO UPDATE SET "
    + ", ".join(f"{c} = r.{c} + EXCLUDED.{c}" for c in ("events", "errors", "bytes") + HIST_COLUMNS))


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def copy_text(value: Any) -> str:
    """A value in COPY's text format (arrays and JSON included)."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str and not _COPY_SPECIAL.search(value):
        return value
    if isinstance(value, list):
        value = "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
                               for v in value) + "}"
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    elif isinstance(value, float):
        value = repr(value)
    else:
        value = str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def is_error(event: dict[str, Any]) -> bool:
    return bool(event.get("error_class")) or (event.get("status") or 0) >= 400


def _parse_ts(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _rollups(events: list[dict[str, Any]]) -> dict[tuple, list]:
    acc: dict[tuple, list] = {}
    for e in events:
        hour = e["ts_parsed"].replace(minute=0, second=0, microsecond=0)
        keys = [("all", ""), ("channel", e["channel"]), ("actor", e.get("actor") or "anonymous")]
        keys += [("organization", o) for o in e.get("organizations") or []]
        keys += [("dataset", d) for d in e.get("datasets") or []]
        error = is_error(e)
        b = min(bisect.bisect_right(DURATION_BINS, e.get("duration_ms") or 0), len(DURATION_BINS) - 1)
        for dim, key in keys:
            row = acc.get((hour, dim, key))
            if row is None:
                row = acc[(hour, dim, key)] = [0, 0, 0, [0] * len(DURATION_BINS)]
            row[0] += 1
            row[1] += error
            row[2] += e.get("bytes_sent") or 0
            row[3][b] += 1
    return acc


def ship_batch(conn, events: list[dict[str, Any]]) -> int:
    """Store ``events`` as one batch on the chain; returns how many were new.
    ``conn`` is a psycopg2 connection; the caller commits."""
    for e in events:
        e["ts_parsed"] = _parse_ts(e["ts"])
    cur = conn.cursor()
    partitions.ensure_for(cur, {e["ts_parsed"] for e in events})
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    first = min(e["ts_parsed"] for e in events)
    last = max(e["ts_parsed"] for e in events)
    cur.execute("SELECT id::text FROM molisa_audit_event WHERE ts BETWEEN %s AND %s AND id = ANY(%s::uuid[])",
                (first, last, [e["id"] for e in events]))
    stored = {row[0] for row in cur.fetchall()}
    fresh, seen = [], set()
    for e in events:
        if e["id"] not in stored and e["id"] not in seen:
            seen.add(e["id"])
            fresh.append(e)
    if not fresh:
        return 0
    cur.execute("SELECT id, hash FROM molisa_audit_batch ORDER BY id DESC LIMIT 1")
    row = cur.fetchone()
    batch_id, prev_hash = (row[0] + 1, row[1]) if row else (1, chain.GENESIS)
    hashes = []
    lines = []
    for seq, e in enumerate(fresh):
        h = chain.event_hash(dict(e, ts=e["ts_parsed"]))
        hashes.append(h)
        values = [e["id"], e["ts"], batch_id, seq] + [e.get(c) for c in EVENT_COLUMNS[4:-1]] + [h]
        lines.append("\t".join(copy_text(v) for v in values))
    digest = chain.events_hash(hashes)
    cur.execute(
        "INSERT INTO molisa_audit_batch (id, event_count, first_ts, last_ts, events_hash,"
        " prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (batch_id, len(fresh), min(e["ts_parsed"] for e in fresh),
         max(e["ts_parsed"] for e in fresh), digest, prev_hash,
         chain.batch_hash(batch_id, len(fresh), digest, prev_hash)))
    # COPY: several times faster than INSERTs for thousands of rows
    cur.copy_expert(f"COPY molisa_audit_event ({', '.join(EVENT_COLUMNS)}) FROM STDIN",
                    io.StringIO("\n".join(lines) + "\n"))
    rollup_rows = [(hour, dim, key, v[0], v[1], v[2], *v[3])
                   for (hour, dim, key), v in _rollups(fresh).items()]
    psycopg2.extras.execute_values(cur, ROLLUP_UPSERT, rollup_rows, page_size=1000)
    return len(fresh)


def _ship_events(conn, events: list[dict[str, Any]]) -> int:
    """One batch per month, so that archiving a month's partition takes whole
    batches with it."""
    by_month = collections.defaultdict(list)
    for e in events:
        by_month[e["ts"][:7]].append(e)
    return sum(ship_batch(conn.driver_connection, by_month[m]) for m in sorted(by_month))


def _rollback(conn) -> None:
    """Roll back, and forget the partitions this transaction may have created."""
    conn.rollback()
    partitions.forget()


def _ship_one_by_one(conn, events: list[dict[str, Any]], directory: str) -> int:
    shipped = 0
    for e in events:
        try:
            shipped += _ship_events(conn, [e])
            conn.commit()
        except psycopg2.DataError as error:
            _rollback(conn)
            rejected = os.path.join(directory, "rejected")
            os.makedirs(rejected, mode=0o700, exist_ok=True)
            with open(os.path.join(rejected, "rejected.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps({"error": str(error).strip()[:500], "event": e},
                                   ensure_ascii=False, default=str) + "\n")
                f.flush()
                os.fsync(f.fileno())
            log.error("audit event %s refused by PostgreSQL and set aside in %s: %s",
                      e.get("id"), rejected, str(error).strip()[:200])
    return shipped


def ship(directory: str, batch_size: int = 5000) -> int:
    """Ship every complete event waiting in ``directory``; returns how many
    events were stored. Raises if PostgreSQL cannot be reached (the events
    stay in the spool)."""
    shipped = 0
    conn = model.meta.engine.raw_connection()
    try:
        for spool_file in spool.spool_files(directory):
            while True:
                start = spool_file.offset()
                try:
                    events, end, torn = spool_file.read(start, batch_size)
                except FileNotFoundError:
                    # its writer closed it (renamed .closed): next round
                    events, torn = [], 0
                    break
                if events:
                    try:
                        shipped += _ship_events(conn, events)
                        conn.commit()
                    except psycopg2.DataError:
                        # An event PostgreSQL refuses would block the spool for
                        # ever: store the others one batch each, set the
                        # refused ones aside (never silently) and go on.
                        _rollback(conn)
                        shipped += _ship_one_by_one(conn, events, directory)
                    except Exception:
                        _rollback(conn)
                        raise
                    spool_file.set_offset(end)
                if len(events) < batch_size:
                    break
            if spool_file.closed and os.path.exists(spool_file.path):
                if torn:
                    # A line cut short by a crash was never acknowledged
                    # to anyone (the response waits for the fsync).
                    log.warning("audit spool %s ends with a torn line of %d bytes",
                                spool_file.path, torn)
                spool_file.remove()
        spool.remove_stray_offsets(directory)
    finally:
        conn.close()
    return shipped


def run_forever(directory: str, interval: float = 1.0, batch_size: int = 5000) -> None:
    """The shipper process: ship, sleep, repeat; retry when PostgreSQL is down."""
    backoff = interval
    while True:
        try:
            count = ship(directory, batch_size)
            backoff = interval
            if count:
                log.info("shipped %d audit events", count)
            if count >= batch_size // 2:
                continue  # a backlog: no pause
            if count:
                time.sleep(min(0.2, interval))  # traffic: short pauses, batches of a moment
                continue
        except Exception as e:  # PostgreSQL down or restarting: keep the spool, retry
            log.warning("audit shipper: %s; retrying in %.0fs", e.__class__.__name__, backoff)
            backoff = min(backoff * 2, 30)
        time.sleep(backoff)
