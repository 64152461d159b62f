"""Throttling of failed log-ins and failed codes, in Redis: per account and
per client address, in a sliding window; a lock-out lasts the window."""
from __future__ import annotations

import hashlib

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

PREFIX = "molisa_identity:throttle:"


def _window() -> int:
    return max(1, tk.config.get("ckanext.molisa_identity.throttle.window_minutes")) * 60


def _limits() -> tuple[int, int]:
    per_account = max(1, tk.config.get("ckanext.molisa_identity.throttle.max_failures"))
    return per_account, per_account * 4


def _keys(kind: str, account: str | None, address: str | None) -> list[tuple[str, int]]:
    per_account, per_address = _limits()
    keys = []
    if account:
        digest = hashlib.sha256(account.strip().lower().encode()).hexdigest()[:32]
        keys.append((f"{PREFIX}{kind}:account:{digest}", per_account))
    if address:
        keys.append((f"{PREFIX}{kind}:addr:{address}", per_address))
    return keys


def locked(kind: str, account: str | None, address: str | None) -> bool:
    """True while the account or the address has used up its failures."""
    redis = connect_to_redis()
    for key, limit in _keys(kind, account, address):
        count = redis.get(key)
        if count is not None and int(count) >= limit:
            return True
    return False


def fail(kind: str, account: str | None, address: str | None) -> bool:
    """Counts one failure; True when it locks the account or the address."""
    redis = connect_to_redis()
    now_locked = False
    for key, limit in _keys(kind, account, address):
        pipe = redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, _window())
        count, _ = pipe.execute()
        if int(count) == limit:
            now_locked = True
    return now_locked


def clear_account(kind: str, account: str) -> None:
    """A success clears the account's count (not the address's)."""
    redis = connect_to_redis()
    for key, _ in _keys(kind, account, None):
        redis.delete(key)
