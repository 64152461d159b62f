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

import ckan.plugins.toolkit as tk

from . import anchors, chain, db, mail, partitions, recorder, spool
from .model import BATCH, CHECKPOINT, DURATION_BINS, EVENT, HIST_COLUMNS, ROLLUP

log = logging.getLogger(__name__)

#: pg_advisory_xact_lock key of the chain ("MOLISAUD").
CHAIN_LOCK = 0x4D4F4C4953415544 & 0x7FFFFFFFFFFFFFFF

EVENT_COLUMNS = ("id", "ts", "batch_id", "seq", "request_id", "actor", "actor_id", "actor_orgs",
                 "connection_account", "client_addr", "channel", "action", "datasets",
                 "resources", "organizations", "status", "error_class", "error_message",
                 "duration_ms", "bytes_sent", "extra", "hash")


ROLLUP_UPSERT = (
    f"INSERT INTO {ROLLUP} AS r (hour, dim, key, events, errors, bytes, "
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
        value = "{" + ",".join("NULL" if v is None else
                               '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
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


class Refused(Exception):
    """Events that cannot be stored (PostgreSQL refused them, or a field does
    not fit its column)."""


def _copy_row(e: dict[str, Any], batch_id: int, seq: int, h: str) -> str:
    values = ([e["id"], e["ts"].isoformat(), batch_id, seq]
              + [e.get(c) for c in EVENT_COLUMNS[4:-1]] + [h])
    return "\t".join(copy_text(v) for v in values)


def ship_batch(conn, events: list[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
    """Store ``events`` as one batch on the chain, with its signed checkpoint;
    returns (how many were new, the checkpoints to anchor once committed).
    ``conn`` is a psycopg2 connection as the shipper's role; the caller commits."""
    try:
        events = [chain.normalize(e) for e in events]
    except chain.Unstorable as e:
        raise Refused(str(e)) from e
    for e in events:
        e["ts_parsed"] = e["ts"]
    cur = conn.cursor()
    partitions.ensure_for(cur, {e["ts"] for e in events})
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    first = min(e["ts"] for e in events)
    last = max(e["ts"] for e in events)
    cur.execute(f"SELECT id::text FROM {EVENT} WHERE ts BETWEEN %s AND %s AND id = ANY(%s::uuid[])",
                (first, last, [e["id"] for e in events]))
    stored = {row[0] for row in cur.fetchall()}
    fresh, seen = [], set()
    for e in events:
        if e["id"] not in stored and e["id"] not in seen:
            seen.add(e["id"])
            fresh.append(e)
    if not fresh:
        return 0, []
    cur.execute(f"SELECT id, hash FROM {BATCH} ORDER BY id DESC LIMIT 1")
    row = cur.fetchone()
    batch_id, prev_hash = (row[0] + 1, row[1]) if row else (1, chain.GENESIS)
    cur.execute(f"SELECT batch_id, event_count FROM {CHECKPOINT} ORDER BY batch_id DESC LIMIT 1")
    row = cur.fetchone()
    if row and row[0] == batch_id - 1:
        total = row[1]
    else:  # the first checkpoint (or one missing): count the chain once
        cur.execute(f"SELECT coalesce(sum(event_count), 0) FROM {BATCH}")
        total = int(cur.fetchone()[0])
    hashes = [chain.event_hash_v2(e) for e in fresh]
    lines = [_copy_row(e, batch_id, seq, h) for seq, (e, h) in enumerate(zip(fresh, hashes))]
    digest = chain.events_hash(hashes)
    head = chain.batch_hash(batch_id, len(fresh), digest, prev_hash)
    cur.execute(
        f"INSERT INTO {BATCH} (id, event_count, first_ts, last_ts, events_hash,"
        " prev_hash, hash, hash_version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (batch_id, len(fresh), min(e["ts"] for e in fresh), max(e["ts"] for e in fresh),
         digest, prev_hash, head, chain.HASH_VERSION))
    # COPY: several times faster than INSERTs for thousands of rows
    cur.copy_expert(f"COPY {EVENT} ({', '.join(EVENT_COLUMNS)}) FROM STDIN",
                    io.StringIO("\n".join(lines) + "\n"))
    rollup_rows = [(hour, dim, key, v[0], v[1], v[2], *v[3])
                   for (hour, dim, key), v in _rollups(fresh).items()]
    psycopg2.extras.execute_values(cur, ROLLUP_UPSERT, rollup_rows, page_size=1000)
    checkpoint = anchors.sign(batch_id, head, total + len(fresh))
    cur.execute(f"INSERT INTO {CHECKPOINT} (batch_id, head_hash, event_count, created, key_id,"
                " signature) VALUES (%(batch_id)s, %(head_hash)s, %(event_count)s, %(created)s,"
                " %(key_id)s, %(signature)s)", checkpoint)
    return len(fresh), [checkpoint]


def _ship_events(conn, events: list[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
    """One batch per month, so that archiving a month's partition takes whole
    batches with it."""
    by_month = collections.defaultdict(list)
    for e in events:
        by_month[str(e.get("ts"))[:7]].append(e)
    shipped, checkpoints = 0, []
    for month in sorted(by_month):
        n, cps = ship_batch(conn, by_month[month])
        shipped += n
        checkpoints += cps
    return shipped, checkpoints


def _rollback(conn) -> None:
    """Roll back, and forget the partitions this transaction may have created."""
    conn.rollback()
    partitions.forget()


def _committed(conn, checkpoints: list[dict[str, Any]]) -> None:
    conn.commit()
    anchors.append(checkpoints)
    if checkpoints:
        _last_checkpoint[0] = checkpoints[-1]


_last_checkpoint: list[dict[str, Any] | None] = [None]


def _set_aside(directory: str, event: dict[str, Any], reason: str) -> str:
    rejected = os.path.join(directory, "rejected")
    os.makedirs(rejected, mode=0o700, exist_ok=True)
    path = os.path.join(rejected, "rejected.jsonl")
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"error": reason, "event": event},
                           ensure_ascii=False, default=str) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return path


def _incident(event: dict[str, Any], reason: str, path: str) -> None:
    """An event set aside is never unseen: an incident in the log itself
    (``molisa_audit_incident_list``) and a mail to the IT Centre."""
    event_id = str(event.get("id"))[:64]
    recorder.record("audit", "molisa_audit_event_rejected", status=500,
                    error_class="AuditEventRejected",
                    error_message=f"event {event_id} refused by PostgreSQL: {reason}",
                    extra={"event_id": event_id, "set_aside_in": path,
                           "event_channel": str(event.get("channel"))[:40],
                           "event_action": str(event.get("action"))[:200]})
    with mail.portal_locale():
        site = tk.config.get("ckan.site_title") or tk.config.get("ckan.site_url")
        subject = tk._("[{site}] Audit log: an event was refused and set aside").format(site=site)
        body = tk._(
            "PostgreSQL refused an audit event; the shipper set it aside so that the events "
            "behind it are stored. It is kept, unchanged, in {path} on the shipper's machine, "
            "and the incident is in the audit log's incidents (action "
            "molisa_audit_event_rejected).\n\nEvent: {event_id}\nTime: {ts}\nChannel: "
            "{channel}\nAction: {action}\nReason: {reason}\n").format(
                path=path, event_id=event_id, ts=event.get("ts"), channel=event.get("channel"),
                action=event.get("action"), reason=reason)
        mail.send(subject, body)


def _ship_one_by_one(conn, events: list[dict[str, Any]], directory: str) -> int:
    shipped = 0
    for e in events:
        try:
            n, cps = _ship_events(conn, [e])
            _committed(conn, cps)
            shipped += n
        except (psycopg2.DataError, psycopg2.IntegrityError, Refused) as error:
            _rollback(conn)
            reason = recorder.redact(str(error).strip()) or error.__class__.__name__
            path = _set_aside(directory, e, reason)
            log.error("audit event %s refused by PostgreSQL and set aside in %s: %s",
                      e.get("id"), path, reason[:200])
            _incident(e, reason, path)
    return shipped


def ship(directory: str, batch_size: int = 5000, conn=None) -> int:
    """Ship every complete event waiting in ``directory``; returns how many
    events were stored. Raises if PostgreSQL cannot be reached (the events
    stay in the spool). ``conn``: an open connection as the shipper's role
    (one is opened, and closed, if not given)."""
    shipped = 0
    own = conn is None
    if own:
        conn = db.shipper_connection()
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
                        n, cps = _ship_events(conn, events)
                        _committed(conn, cps)
                        shipped += n
                    except (psycopg2.DataError, psycopg2.IntegrityError, Refused):
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
        if _last_checkpoint[0] is not None and anchors.mail_due():
            anchors.mail_head(_last_checkpoint[0])
    finally:
        if own:
            conn.close()
    return shipped


def run_forever(directory: str, interval: float = 1.0, batch_size: int = 5000) -> None:
    """The shipper process: ship, sleep, repeat; retry when PostgreSQL is down."""
    backoff = interval
    conn = None
    while True:
        try:
            if conn is None or conn.closed:
                conn = db.shipper_connection()
            count = ship(directory, batch_size, conn)
            backoff = interval
            if count:
                log.info("shipped %d audit events", count)
            if count >= batch_size // 2:
                continue  # a backlog: no pause
            if count:
                time.sleep(min(0.2, interval))  # traffic: short pauses, batches of a moment
                continue
        except Exception as e:  # PostgreSQL down or restarting: keep the spool, retry
            if conn is not None:
                try:
                    conn.close()
                except Exception:
                    pass
                conn = None
            log.warning("audit shipper: %s; retrying in %.0fs", e.__class__.__name__, backoff)
            backoff = min(backoff * 2, 30)
        time.sleep(backoff)
