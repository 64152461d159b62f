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
import hashlib
import json
from typing import Any, Iterable

from .model import HASHED_FIELDS

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


def event_hash(event: dict[str, Any]) -> str:
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
