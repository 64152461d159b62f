"""Builds audit events and writes them to the spool.

``record()`` is the one way in: the request hooks, the auth signals, the
``molisa_audit_event_create`` action and other plugins all call it.
"""
from __future__ import annotations

import datetime
import json
import os
import threading
import uuid
from typing import Any, Iterable

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.molisa.redact import redact

from .interfaces import IMolisaAudit
from .spool import SpoolWriter

#: "audit": the log about itself (an event PostgreSQL refused and the shipper set aside).
CHANNELS = ("api", "web", "download", "harvest", "sharing", "auth", "audit", "report", "wiki")

_writers: dict[str, SpoolWriter] = {}
_writers_lock = threading.Lock()

#: the longest error message stored; anything that looks like a credential is
#: cut out of it first (the kernel's redactor, ``credentials=True``)
ERROR_MESSAGE_MAX = 500


def audit_dir(name: str) -> str:
    """``ckanext.molisa_audit.<name>_dir``, or <ckan.storage_path>/molisa_audit/<name>."""
    configured = tk.config.get(f"ckanext.molisa_audit.{name}_dir")
    if configured:
        return configured
    return os.path.join(tk.config.get("ckan.storage_path") or "/var/lib/ckan",
                        "molisa_audit", name)


def spool_dir() -> str:
    return audit_dir("spool")


def writer() -> SpoolWriter:
    """This process's spool writer (one per spool directory, shared by its threads)."""
    directory = spool_dir()
    found = _writers.get(directory)
    if found is None:
        interval = tk.asint(tk.config.get("ckanext.molisa_audit.public_read_flush_ms")) / 1000
        with _writers_lock:
            found = _writers.setdefault(directory, SpoolWriter(directory, interval))
    return found


def now_ms() -> datetime.datetime:
    ts = datetime.datetime.now(datetime.timezone.utc)
    return ts.replace(microsecond=ts.microsecond // 1000 * 1000)


def _text(value: Any) -> Any:
    """Strings without NUL characters (which PostgreSQL cannot store)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_text(k): _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def _list(values: Iterable[str] | None) -> list[str] | None:
    if not values:
        return None
    return sorted({_text(str(v)) for v in values if v})


def record(channel: str, action: str, *, actor: str | None = None,
           actor_id: str | None = None, actor_orgs: Iterable[str] | None = None,
           connection_account: str | None = None, client_addr: str | None = None,
           datasets: Iterable[str] | None = None, resources: Iterable[str] | None = None,
           organizations: Iterable[str] | None = None, status: int | None = None,
           error_class: str | None = None, error_message: str | None = None,
           duration_ms: float | None = None, bytes_sent: int | None = None,
           request_id: str | None = None, extra: dict[str, Any] | None = None,
           ts: datetime.datetime | None = None, durable: bool = True) -> dict[str, Any]:
    """Write one event durably (appended and fsync'd) and return it.
    ``durable=False`` (anonymous reads of the public catalogue only): appended
    at once, fsync'd within ``ckanext.molisa_audit.public_read_flush_ms``."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown audit channel {channel!r}")
    event = {
        "id": str(uuid.uuid4()),
        "ts": (ts or now_ms()).astimezone(datetime.timezone.utc).isoformat(
            timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": request_id,
        "actor": actor,
        "actor_id": actor_id,
        "actor_orgs": _list(actor_orgs),
        "connection_account": connection_account,
        "client_addr": client_addr,
        "channel": channel,
        "action": action[:200],
        "datasets": _list(datasets),
        "resources": _list(resources),
        "organizations": _list(organizations),
        "status": status,
        "error_class": error_class,
        "error_message": redact(error_message, credentials=True, limit=ERROR_MESSAGE_MAX),
        "duration_ms": round(duration_ms, 3) if duration_ms is not None else None,
        "bytes_sent": bytes_sent,
        "extra": extra,
    }
    for plugin in _hooks():
        event = plugin.molisa_audit_before_write(event)
    line = _encode(event)
    if "\\u0000" in line:   # NUL, which PostgreSQL cannot store: cut out
        line = _encode({k: _text(v) for k, v in event.items()})
    writer().write_line(line, durable=durable)
    return event


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
_hooks_cache: list = [None, ()]


def _hooks() -> tuple:
    """The plugins implementing IMolisaAudit, looked up again when the
    configured plugins change (not on every event: it costs a request more
    than the rest of record())."""
    key = tk.config.get("ckan.plugins")
    key = " ".join(key) if isinstance(key, (list, tuple)) else str(key)
    if _hooks_cache[0] != key:
        _hooks_cache[1] = tuple(p.PluginImplementations(IMolisaAudit))
        _hooks_cache[0] = key
    return _hooks_cache[1]
