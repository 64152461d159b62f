"""The one-time password of "My data" (R17.2) for people without the e-ID:
they give their personal identification number, a code goes by e-mail to the
address that the sector data holds for that number (never one they type), and
the code opens a short server-side session in which ``/my-data`` shows their
records as it does to an e-ID user.

Everything lives in Redis under the site's prefix, and expires by itself:

- ``c:<challenge>``: one code (a hash: the person's subject hash, empty for a
  number the sector data does not hold; the code's keyed digest, never the
  code; the wrong attempts), ``ckanext.molisa_harvest.otp_code_minutes``;
  deleted by its first correct use or the attempt that goes over
  ``otp_attempts``;
- ``s:<sha256 of the session token>``: the subject hash of a verified session,
  ``otp_session_minutes``; the token itself is only in the person's cookie;
- ``n:<subject hash>`` and ``ip:<sha256 of the address>``: the throttles'
  counters, ``otp_window_minutes``.

The answer to a request is the same whether or not the number is known: a
challenge, and where the code went in masked form; for an unknown number the
masked address is a decoy derived from the number (the same each time) and no
mail leaves. The mail is a background job (RQ on the project's Redis, the
default queue that ``scripts/run.sh``'s worker serves), enqueued for an
unknown number too (a job that sends nothing), so that the time of the answer
does not say whether the number is in the data. The number itself is never
stored or logged.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ckanext.molisa import mail, subjects as subject_keys

from . import subjects

CODE_MINUTES = "ckanext.molisa_harvest.otp_code_minutes"
SESSION_MINUTES = "ckanext.molisa_harvest.otp_session_minutes"
WINDOW_MINUTES = "ckanext.molisa_harvest.otp_window_minutes"
PER_NUMBER = "ckanext.molisa_harvest.otp_per_number"
PER_IP = "ckanext.molisa_harvest.otp_per_ip"
ATTEMPTS = "ckanext.molisa_harvest.otp_attempts"
DECOY_DOMAINS = "ckanext.molisa_harvest.otp_decoy_domains"

CODE_DIGITS = 6

# One attempt at a code, atomically: nothing for a code that is not there,
# else the attempt is counted and the record returned.
_ATTEMPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local a = redis.call('HINCRBY', KEYS[1], 'a', 1)
return {a, redis.call('HGET', KEYS[1], 's') or '', redis.call('HGET', KEYS[1], 'c') or ''}
"""


class Throttled(Exception):
    """Too many requests for this number or from this address."""


def _redis():
    return connect_to_redis()


def _key(kind: str, value: str) -> str:
    site = tk.config.get("ckan.site_id") or "default"
    return f"{site}:molisa_mydata_otp:{kind}:{value}"


def _minutes(option: str) -> int:
    return int(tk.config.get(option)) * 60


def _count(conn, key: str, limit: int) -> None:
    """One more in a throttle's window; over ``limit``: :class:`Throttled`."""
    count = conn.incr(key)
    if count == 1:
        conn.expire(key, _minutes(WINDOW_MINUTES))
    if count > limit:
        raise Throttled()


def _ip_key(ip: str | None) -> str:
    return _key("ip", hashlib.sha256((ip or "-").encode("utf-8")).hexdigest())


def mask(address: str) -> str:
    """``nguyen.an@example.vn`` -> ``n***@example.vn``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def _decoy(digest: str) -> str:
    """A masked address for a number the sector data does not hold: derived
    from the number, so that asking twice shows the same."""
    pick = subject_keys.keyed_digest("otp-decoy", digest)
    domains = tk.config.get(DECOY_DOMAINS) or ["example.vn"]
    letter = "abcdeghiklmnpqrstuvxy"[int(pick[:4], 16) % 21]
    return f"{letter}***@{domains[int(pick[4:8], 16) % len(domains)]}"


def _code_digest(challenge: str, code: str) -> str:
    return subject_keys.keyed_digest("otp-code", f"{challenge}:{code}")


def address_of(pid: str) -> str | None:
    """The e-mail address the sector data holds for a number (the most
    recently updated dataset that has one), opened with the number."""
    for sealed in subjects.contacts_of(subject_keys.subject_hash(pid)):
        address = subject_keys.open_contact(pid, sealed)
        if address:
            return address
    return None


def request_code(pid: str, ip: str | None) -> dict[str, Any]:
    """A code for the (normalised) number ``pid``, mailed to the address the
    sector data holds for it, if any. Raises :class:`Throttled` when this
    number or this address asked too often."""
    digest = subject_keys.subject_hash(pid)
    conn = _redis()
    _count(conn, _ip_key(ip), int(tk.config.get(PER_IP)))
    _count(conn, _key("n", digest), int(tk.config.get(PER_NUMBER)))
    address = address_of(pid)
    challenge = secrets.token_urlsafe(24)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    ttl = _minutes(CODE_MINUTES)
    key = _key("c", challenge)
    conn.hset(key, mapping={"s": digest if address else "", "c": _code_digest(challenge, code),
                            "a": 0})
    conn.expire(key, ttl)
    # the mail leaves in a background job, enqueued whether or not the
    # number is known (a job that sends nothing for an unknown one): the
    # answer takes the same time either way, never the SMTP server's
    tk.enqueue_job(send_code_job, [address, code if address else None, ttl // 60],
                   title="molisa my data one-time password",
                   rq_kwargs={"result_ttl": 0, "failure_ttl": ttl})
    return {"challenge": challenge, "sent_to": mask(address) if address else _decoy(digest),
            "expires_in": ttl}


def send_code_job(address: str | None, code: str | None, minutes: int) -> None:
    """The background job of :func:`request_code`: the code's mail, or
    nothing for a number the sector data does not hold. The job is deleted
    once done (``result_ttl`` 0), and a failed one when the code expires."""
    if address and code:
        _send(address, code, minutes)


@mail.in_portal_locale
def _send(address: str, code: str, minutes: int) -> None:
    subject = tk._("Your code for \"My data\": {code}").format(code=code)
    body = tk._(
        "Someone, probably you, asked to read your records on {site} with your personal "
        "identification number.\n\nYour one-time code: {code}\n\nIt works once, for {minutes} "
        "minutes. If you did not ask for it, ignore this message: nobody can use your records "
        "without the code.").format(site=mail.site_title(), code=code, minutes=minutes)
    mail.send([("", address)], subject, body, what="one-time password of My data")


def verify_code(challenge: str, code: str, ip: str | None) -> dict[str, Any] | None:
    """A session for a correct code of a live challenge (the code is then
    spent), else None: a wrong, reused, expired or unknown code, a number
    the sector data does not hold, or one attempt too many (the code is then
    spent too). Raises :class:`Throttled` when this address tried too often."""
    conn = _redis()
    _count(conn, _ip_key(ip) + ":verify", int(tk.config.get(PER_IP)) * 2)
    key = _key("c", challenge)
    found = conn.eval(_ATTEMPT, 1, key)
    if not found:
        return None
    attempts, digest, expected = int(found[0]), _text(found[1]), _text(found[2])
    if attempts > int(tk.config.get(ATTEMPTS)):
        conn.delete(key)
        return None
    if not hmac.compare_digest(expected, _code_digest(challenge, code)):
        return None
    if not conn.delete(key) or not digest:   # spent by a parallel request / unknown number
        return None
    token = secrets.token_urlsafe(32)
    ttl = _minutes(SESSION_MINUTES)
    conn.set(_session_key(token), digest, ex=ttl)
    return {"session": token, "expires_in": ttl}


def _text(value) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else str(value or "")


def _session_key(token: str) -> str:
    return _key("s", hashlib.sha256(token.encode("utf-8")).hexdigest())


def session_subject(token: str | None) -> str | None:
    """The subject hash of a live verified session, or None."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    value = _redis().get(_session_key(token))
    return _text(value) if value else None


def end_session(token: str | None) -> None:
    if token and isinstance(token, str) and len(token) <= 100:
        _redis().delete(_session_key(token))
