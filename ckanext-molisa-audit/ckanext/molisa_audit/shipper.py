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

from ckanext.molisa.redact import redact

from . import anchors, chain, db, mail, partitions, recorder, spool
from .chain import CHAIN_LOCK
from .model import BATCH, DURATION_BINS, EVENT, HIST_COLUMNS, ROLLUP

log = logging.getLogger(__name__)

EVENT_COLUMNS = ("id", "ts", "batch_id", "seq", "request_id", "actor", "actor_id", "actor_orgs",
                 "connection_account", "client_addr", "channel", "action", "datasets",
                 "resources", "organizations", "status", "error_class", "error_message",
                 "duration_ms", "bytes_sent", "extra", "hash")


ROLLUP_UPSERT = (
    f"INSERT INTO {ROLLUP} AS r (hour, dim, key, events, errors, bytes, "
    + ", ".join(HIST_COLUMNS) + ") VALUES %s ON CONFLICT (hour, dim, key) DO UPDATE SET "
    + ", ".join(f"{c} = r.{c} + EXCLUDED.{c}" for c in ("events", "errors", "bytes") + HIST_COLUMNS))


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_json_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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
        value = _json_compact(value)
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
    get = acc.get
    last_bin = len(DURATION_BINS) - 1
    nbins = len(DURATION_BINS)
    bins = DURATION_BINS
    right = bisect.bisect_right
    hour_of: dict[tuple, datetime.datetime] = {}
    for e in events:
        ts = e["ts_parsed"]
        hkey = (ts.year, ts.month, ts.day, ts.hour)
        hour = hour_of.get(hkey)
        if hour is None:
            hour = hour_of[hkey] = ts.replace(minute=0, second=0, microsecond=0)
        error = 1 if (e.get("error_class") or (e.get("status") or 0) >= 400) else 0
        nbytes = e.get("bytes_sent") or 0
        b = right(bins, e.get("duration_ms") or 0)
        if b > last_bin:
            b = last_bin
        keys = [(hour, "all", ""), (hour, "channel", e["channel"]),
                (hour, "actor", e.get("actor") or "anonymous")]
        for o in e.get("organizations") or ():
            keys.append((hour, "organization", o))
        for d in e.get("datasets") or ():
            keys.append((hour, "dataset", d))
        for k in keys:
            row = get(k)
            if row is None:
                row = acc[k] = [0, 0, 0, [0] * nbins]
            row[0] += 1
            row[1] += error
            row[2] += nbytes
            row[3][b] += 1
    return acc


class Refused(Exception):
    """Events that cannot be stored (PostgreSQL refused them, or a field does
    not fit its column)."""


_MIDDLE_COLUMNS = EVENT_COLUMNS[4:-1]


def _copy_row(e: dict[str, Any], batch_id: int | str, seq: int, h: str) -> str:
    """One normalized event as a line of COPY's text format (without the newline)."""
    return "\t".join((e["id"], e["ts"].isoformat(), str(batch_id), str(seq),
                      *[copy_text(e.get(c)) for c in _MIDDLE_COLUMNS], h))


def ship_batch(conn, events: list[dict[str, Any]]) -> int:
    """Store ``events`` as one batch on the chain; returns how many were new.
    ``conn`` is a psycopg2 connection as the shipper's role; the caller commits
    (and anchors.checkpoint() signs the head when due)."""
    try:
        events = [chain.normalize(e) for e in events]
        hashes_of = {e["id"]: chain.event_hash_v2(e) for e in events}
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
        return 0
    cur.execute(f"SELECT id, hash FROM {BATCH} ORDER BY id DESC LIMIT 1")
    row = cur.fetchone()
    batch_id, prev_hash = (row[0] + 1, row[1]) if row else (1, chain.GENESIS)
    hashes = [hashes_of[e["id"]] for e in fresh]
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
    return len(fresh)


def _ship_events(conn, events: list[dict[str, Any]]) -> int:
    """One batch per month, so that archiving a month's partition takes whole
    batches with it."""
    by_month = collections.defaultdict(list)
    for e in events:
        by_month[str(e.get("ts"))[:7]].append(e)
    return sum(ship_batch(conn, by_month[month]) for month in sorted(by_month))


def _rollback(conn) -> None:
    """Roll back, and forget the partitions this transaction may have created."""
    conn.rollback()
    partitions.forget()


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
            n = _ship_events(conn, [e])
            conn.commit()
            shipped += n
        except (psycopg2.DataError, psycopg2.IntegrityError, Refused) as error:
            _rollback(conn)
            reason = redact(str(error).strip(), credentials=True,
                            limit=recorder.ERROR_MESSAGE_MAX) or error.__class__.__name__
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
                        n = _ship_events(conn, events)
                        conn.commit()
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
        cp = anchors.checkpoint(conn)
        if cp is not None:
            _last_checkpoint[0] = cp
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
            # otherwise one round per interval: the events are durable in the
            # spool already, and fewer rounds cost the web processes less CPU
        except Exception as e:  # PostgreSQL down or restarting: keep the spool, retry
            if conn is not None:
                try:
                    conn.close()
                except Exception:
                    pass
                conn = None
            log.warning("audit shipper: %s (%s); retrying in %.0fs", e.__class__.__name__,
                        redact(str(e).strip().splitlines()[0] if str(e).strip() else "",
                               credentials=True, limit=recorder.ERROR_MESSAGE_MAX),
                        backoff)
            backoff = min(backoff * 2, 30)
        time.sleep(backoff)
