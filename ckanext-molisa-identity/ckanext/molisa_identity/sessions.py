"""The portal's record of a log-in session.

The browser's session (CKAN's, signed) carries ``molisa_identity``: a random
session id, the method (``password`` or ``vneid``), the e-ID's ``acr``,
whether a second factor was given, and when the session was last used. Its
server-side record lives in Redis (``molisa_identity:session:<sid>``), with
the provider's session id and ID token (for RP-initiated logout), and an
index by the provider's session id (back-channel logout). A session whose
record is gone is over: logging out, a back-channel logout and the idle
timeout delete the record, so a copied cookie dies with it."""
from __future__ import annotations

import json
import time
from typing import Any

from flask import current_app, session

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from . import crypto

KEY = "molisa_identity"
PREFIX = "molisa_identity:session:"
OIDC_PREFIX = "molisa_identity:oidc-sid:"


def _ttl() -> int:
    return max(1, tk.config.get("ckanext.molisa_identity.session_max_hours")) * 3600


def regenerate() -> None:
    """A new session: a server-side session gets a new id; the signed cookie
    session is emptied, so nothing of the anonymous session carries over."""
    session.clear()
    regenerate_ = getattr(current_app.session_interface, "regenerate", None)
    if regenerate_ is not None:
        regenerate_(session)


def start(user_id: str, method: str, *, acr: str | None = None, second_factor: bool = False,
          oidc_sid: str | None = None, id_token: str | None = None) -> dict[str, Any]:
    sid = crypto.random_token(24)
    record = {"user_id": user_id, "method": method, "oidc_sid": oidc_sid, "id_token": id_token,
              "started": int(time.time())}
    redis = connect_to_redis()
    pipe = redis.pipeline()
    pipe.set(PREFIX + sid, json.dumps(record), ex=_ttl())
    if oidc_sid:
        pipe.sadd(OIDC_PREFIX + oidc_sid, sid)
        pipe.expire(OIDC_PREFIX + oidc_sid, _ttl())
    pipe.execute()
    state = {"sid": sid, "method": method, "acr": acr, "mfa": bool(second_factor),
             "seen": int(time.time()), "user_id": user_id}
    session[KEY] = state
    session.modified = True
    return state


def current() -> dict[str, Any] | None:
    state = session.get(KEY)
    return state if isinstance(state, dict) and isinstance(state.get("sid"), str) else None


def record(state: dict[str, Any]) -> dict[str, Any] | None:
    raw = connect_to_redis().get(PREFIX + state["sid"])
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def update(**changes: Any) -> None:
    state = current()
    if state is not None:
        state.update(changes)
        session[KEY] = state
        session.modified = True


def rotate_sid() -> None:
    """A new session id for the same log-in (after a step-up)."""
    state = current()
    if state is None:
        return
    redis = connect_to_redis()
    raw = redis.get(PREFIX + state["sid"])
    if raw is None:
        return
    new = crypto.random_token(24)
    rec = json.loads(raw)
    pipe = redis.pipeline()
    pipe.set(PREFIX + new, raw, ex=_ttl())
    pipe.delete(PREFIX + state["sid"])
    if rec.get("oidc_sid"):
        pipe.srem(OIDC_PREFIX + rec["oidc_sid"], state["sid"])
        pipe.sadd(OIDC_PREFIX + rec["oidc_sid"], new)
    pipe.execute()
    update(sid=new)


def end(state: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Deletes the session's record; returns it (for the ID token hint)."""
    state = state or current()
    if state is None:
        return None
    redis = connect_to_redis()
    rec = record(state)
    redis.delete(PREFIX + state["sid"])
    if rec and rec.get("oidc_sid"):
        redis.srem(OIDC_PREFIX + rec["oidc_sid"], state["sid"])
    session.pop(KEY, None)
    return rec


def end_provider_session(oidc_sid: str) -> int:
    """Back-channel logout: every portal session of the provider's session."""
    redis = connect_to_redis()
    sids = redis.smembers(OIDC_PREFIX + oidc_sid)
    for sid in sids:
        redis.delete(PREFIX + (sid.decode() if isinstance(sid, bytes) else sid))
    redis.delete(OIDC_PREFIX + oidc_sid)
    return len(sids)
