"""Hashes that make the log tamper-evident.

Each event has a SHA-256 over its fields (canonical JSON). Events are written
in batches; a batch records the hash of its events' hashes in order and the
hash of the previous batch, so the batches form a chain. Altering, deleting or
inserting an event breaks its batch; altering or removing a batch breaks the
chain. Only the shipper extends the chain, one batch per transaction, so web
requests never wait on the chain's lock.
"""
from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import math
import uuid
from typing import Any, Iterable

from .model import HASHED_FIELDS

#: pg_advisory_xact_lock key of the chain ("MOLISAUD"): whoever extends the
#: chain (the shipper) or signs its head (anchors) holds it.
CHAIN_LOCK = 0x4D4F4C4953415544 & 0x7FFFFFFFFFFFFFFF

GENESIS = "0" * 64


_PLAIN = (str, int, bool, type(None))


def _canonical(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.timezone.utc)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


#: The hash definition of the batches the shipper writes now (the batch's
#: ``hash_version``). Version 1 (``event_hash``) is canonical JSON built in
#: Python; version 2 (``event_hash_v2``) is built so that PostgreSQL computes
#: exactly the same text (SQL function ``molisa_audit_event_hash``), which lets
#: ``verify`` hash millions of events inside the database, in parallel.
HASH_VERSION = 2


def event_hash(event: dict[str, Any]) -> str:
    """Version 1 (batches stored before hash_version 2)."""
    body = {f: _canonical(event.get(f)) for f in HASHED_FIELDS}
    body["id"] = str(body["id"])
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def events_hash(hashes: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for h in hashes:
        digest.update(h.encode("ascii"))
    return digest.hexdigest()


def batch_hash(batch_id: int, event_count: int, events_digest: str, prev_hash: str) -> str:
    text = f"{batch_id}:{event_count}:{events_digest}:{prev_hash}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# ------------------------------------------------------------------ version 2
class Unstorable(ValueError):
    """An event field that its column cannot hold (PostgreSQL would refuse it)."""

    def __init__(self, field: str, value: Any):
        super().__init__(f"{field}: cannot store {str(value)[:80]!r}")
        self.field = field


TEXT_FIELDS = ("request_id", "actor", "actor_id", "connection_account", "client_addr", "channel",
               "action", "error_class", "error_message")
ARRAY_FIELDS = ("actor_orgs", "datasets", "resources", "organizations")
INT_FIELDS = ("status", "bytes_sent")


def _text_value(field: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise Unstorable(field, value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _int_value(field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise Unstorable(field, value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise Unstorable(field, value) from None
    raise Unstorable(field, value)


_UTC = datetime.timezone.utc
_str, _int, _float, _list = str, int, float, list


def normalize(event: dict[str, Any]) -> dict[str, Any]:
    """The event with each field as its column will hold it (what COPY stores
    and both hash definitions read); ``Unstorable`` for a field that does not fit."""
    out = dict(event)
    try:
        event_id = event["id"]
        if (type(event_id) is not _str or len(event_id) != 36 or not event_id.islower()
                or event_id[8] != "-" or event_id[13] != "-" or event_id[18] != "-"
                or event_id[23] != "-"):
            # anything but the canonical text of a uuid (which PostgreSQL
            # prints as it is; it refuses a malformed one)
            event_id = _str(uuid.UUID(_str(event_id)))
        out["id"] = event_id
    except (KeyError, ValueError):
        raise Unstorable("id", event.get("id")) from None
    ts = event.get("ts")
    if type(ts) is _str:
        try:
            ts = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
        except ValueError:
            raise Unstorable("ts", ts) from None
    if not isinstance(ts, datetime.datetime) or ts.tzinfo is None:
        raise Unstorable("ts", ts)
    out["ts"] = ts if ts.tzinfo is _UTC else ts.astimezone(_UTC)
    for field in TEXT_FIELDS:
        value = event.get(field)
        if value is not None and type(value) is not _str:
            out[field] = _text_value(field, value)
        elif field not in out:
            out[field] = None
    if not out["channel"] or not out["action"]:
        raise Unstorable("channel" if not out["channel"] else "action", None)
    for field in ARRAY_FIELDS:
        value = event.get(field)
        if value is not None:
            if type(value) is not _list:
                raise Unstorable(field, value)
            if not all(type(v) is _str for v in value):
                value = [_text_value(field, v) for v in value]
        out[field] = value
    for field in INT_FIELDS:
        value = event.get(field)
        out[field] = value if value is None or type(value) is _int else _int_value(field, value)
    duration = event.get("duration_ms")
    if duration is not None and type(duration) is _float:
        if not math.isfinite(duration):
            raise Unstorable("duration_ms", duration)
    elif duration is not None:
        if isinstance(duration, bool):
            raise Unstorable("duration_ms", duration)
        try:
            duration = float(duration)
        except (TypeError, ValueError):
            raise Unstorable("duration_ms", duration) from None
        if not math.isfinite(duration):
            raise Unstorable("duration_ms", duration)
    out["duration_ms"] = duration
    extra = event.get("extra")
    if extra is not None and not isinstance(extra, dict):
        raise Unstorable("extra", extra)
    out["extra"] = extra
    return out


#: json.dumps(text, ensure_ascii=False) without the encoder's set-up: the
#: same function. PostgreSQL's escape_json and Python's json escape the same
#: characters the same way (\b \f \n \r \t \" \\, other controls as \u00xx).
_quote = json.encoder.encode_basestring


def jsonb_text(value: Any) -> str:
    """The text PostgreSQL prints for ``value`` stored as jsonb: keys ordered
    by length then bytes, ", " and ": " between items, numbers as numeric."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unstorable("extra", value)
        text = format(decimal.Decimal(repr(value)), "f")
        return text[1:] if text.startswith("-") and not decimal.Decimal(text) else text
    if isinstance(value, str):
        if "\x00" in value:
            raise Unstorable("extra", value)
        return _quote(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(jsonb_text(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(str(k).encode("utf-8")), str(k).encode("utf-8")))
        return "{" + ", ".join(_quote(str(k)) + ": " + jsonb_text(value[k]) for k in keys) + "}"
    raise Unstorable("extra", value)


def _json_array(values: list[str | None] | None) -> str:
    if values is None:
        return "null"
    return "[" + ",".join("null" if v is None else _quote(v) for v in values) + "]"


def _t(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def _i(value: int | None) -> str:
    return "null" if value is None else _str(value)


def event_text_v2(e: dict[str, Any]) -> str:
    """The canonical text of a normalized event: what PostgreSQL's
    ``json_build_array(...)::text`` in ``molisa_audit_event_hash`` prints."""
    ts = e["ts"]
    if ts.tzinfo is not _UTC:
        ts = ts.astimezone(_UTC)
    duration = e.get("duration_ms")
    extra = e.get("extra")
    g = e.get
    return "".join((
        '["', _str(e["id"]), '", "', f"{ts:%Y-%m-%dT%H:%M:%S.%fZ}", '", ',
        _t(g("request_id")), ", ", _t(g("actor")), ", ", _t(g("actor_id")), ", ",
        _json_array(g("actor_orgs")), ", ", _t(g("connection_account")), ", ",
        _t(g("client_addr")), ", ", _t(g("channel")), ", ", _t(g("action")), ", ",
        _json_array(g("datasets")), ", ", _json_array(g("resources")), ", ",
        _json_array(g("organizations")), ", ", _i(g("status")), ", ",
        _t(g("error_class")), ", ", _t(g("error_message")), ", ",
        "null" if duration is None else _str(round(duration * 1000)), ", ",
        _i(g("bytes_sent")), ", ", "null" if extra is None else jsonb_text(extra), "]"))


def event_hash_v2(e: dict[str, Any]) -> str:
    """SHA-256 of ``event_text_v2``; equal to PostgreSQL's
    ``molisa_audit.molisa_audit_event_hash(row)`` for the stored row."""
    return hashlib.sha256(event_text_v2(e).encode("utf-8")).hexdigest()


def event_hash_for(version: int, e: dict[str, Any]) -> str:
    return event_hash_v2(e) if version >= 2 else event_hash(e)
