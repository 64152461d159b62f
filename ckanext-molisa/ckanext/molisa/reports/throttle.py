"""Throttling of visitors' reports, in Redis: at most
``ckanext.molisa.report.anonymous_per_hour`` per client address and per
e-mail address in a clock hour (a key per hour that expires with it)."""
from __future__ import annotations

import hashlib
import time
from typing import Optional

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

PREFIX = "molisa_report:throttle:"


def client_addr() -> Optional[str]:
    from flask import has_request_context, request
    return request.remote_addr if has_request_context() else None


def _keys(email: Optional[str], address: Optional[str]) -> list[str]:
    hour = int(time.time() // 3600)
    site = tk.config.get("ckan.site_id") or "ckan"
    keys = []
    if email:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        keys.append(f"{PREFIX}{site}:email:{digest}:{hour}")
    if address:
        keys.append(f"{PREFIX}{site}:addr:{address}:{hour}")
    return keys


def take(email: Optional[str], address: Optional[str]) -> bool:
    """Count one report; False (and nothing counted) when the address or the
    e-mail address has used up its hour."""
    limit = max(1, int(tk.config.get("ckanext.molisa.report.anonymous_per_hour")))
    return take_keys(_keys(email, address), limit, 3600)


def take_keys(keys: list[str], limit: int, ttl: int) -> bool:
    """Count one use under each key (each expiring ``ttl`` seconds after its
    last use); False, and nothing counted, when a key has reached ``limit``.
    Reports and WikiMolisa's daily limit both count this way."""
    redis = connect_to_redis()
    if any(int(redis.get(k) or 0) >= limit for k in keys):
        return False
    for key in keys:
        pipe = redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl)
        pipe.execute()
    return True


def forget(prefix: str = PREFIX) -> None:
    """Drop this site's counts under ``prefix`` (the tests' fixture)."""
    redis = connect_to_redis()
    site = tk.config.get("ckan.site_id") or "ckan"
    for key in redis.scan_iter(f"{prefix}{site}:*"):
        redis.delete(key)
