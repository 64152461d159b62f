"""Signed checkpoints of the hash chain, kept outside the database.

At most once every ``ckanext.molisa_audit.checkpoint_seconds`` (default 60;
0: after every shipping round), and whenever the chain has grown since, the
shipper signs the chain head with its Ed25519 key: the head batch and its
hash, the number of events in the chain up to it, the time, and the first 16
hex digits of the hash of every batch since the previous checkpoint (so that
verify can name the first batch a rewrite changed). The checkpoint is stored
in ``molisa_audit_checkpoint`` and, once committed, appended to a file outside
the database (``ckanext.molisa_audit.anchor_dir``, one file per month,
fsync'd); once a day the newest one is mailed to the IT Centre. ``verify`` needs only the public
key: it checks every signature and compares the chain with the files, so a
rewrite of the whole log by the database superuser, every hash recomputed, is
found, and the first rewritten batch named.

The private key (PEM, PKCS#8) is read only by the shipper:
``ckanext.molisa_audit.signing_key_file``, mode 600. The public key (PEM) is
``ckanext.molisa_audit.public_key_file``, by default the same path + ``.pub``.
"""
from __future__ import annotations

import base64
import datetime
import glob
import hashlib
import json
import logging
import os
from typing import Any, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (Ed25519PrivateKey,
                                                               Ed25519PublicKey)

import ckan.plugins.toolkit as tk

from . import mail, recorder

log = logging.getLogger(__name__)

UTC = datetime.timezone.utc
PAYLOAD_PREFIX = "molisa-audit-checkpoint:1"
MAILED_STATE = "mailed-day"


class SigningKeyError(RuntimeError):
    pass


# ------------------------------------------------------------------------- keys
def private_key_path() -> str:
    return tk.config.get("ckanext.molisa_audit.signing_key_file") or ""


def public_key_path() -> str:
    configured = tk.config.get("ckanext.molisa_audit.public_key_file")
    if configured:
        return configured
    private = private_key_path()
    return private + ".pub" if private else ""


def generate(path: str) -> tuple[str, str]:
    """A new key pair: the private key at ``path`` (mode 600, never
    overwritten), the public key at ``path + '.pub'``. Returns both paths."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public = path + ".pub"
    with open(public + ".tmp", "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))
    os.chmod(public + ".tmp", 0o644)
    os.replace(public + ".tmp", public)
    return path, public


_private: dict[str, Ed25519PrivateKey] = {}


def private_key() -> Ed25519PrivateKey:
    path = private_key_path()
    if not path:
        raise SigningKeyError("ckanext.molisa_audit.signing_key_file is not set: the shipper "
                        "cannot sign checkpoints")
    if path not in _private:
        mode = os.stat(path).st_mode & 0o777
        if mode & 0o077:
            raise SigningKeyError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
        with open(path, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError(f"{path} is not an Ed25519 private key")
        _private[path] = key
    return _private[path]


def public_key() -> Ed25519PublicKey | None:
    path = public_key_path()
    if not path or not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} is not an Ed25519 public key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# ------------------------------------------------------------------ checkpoints
def created_text(created: datetime.datetime) -> str:
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


#: batch hash prefixes kept in one checkpoint at most (a first checkpoint
#: over a long chain lists the newest ones; the head hash covers all)
MAX_PREFIXES = 20000
PREFIX_DIGITS = 16


def payload(batch_id: int, head_hash: str, event_count: int, created: datetime.datetime,
            from_batch: int, batch_hashes: str) -> bytes:
    return (f"{PAYLOAD_PREFIX}:{int(batch_id)}:{head_hash}:{int(event_count)}:"
            f"{created_text(created)}:{int(from_batch)}:{batch_hashes}").encode("ascii")


def sign(batch_id: int, head_hash: str, event_count: int, from_batch: int,
         batch_hashes: list[str], created: datetime.datetime | None = None) -> dict[str, Any]:
    """A checkpoint of the head ``batch_id``; ``batch_hashes``: the hashes of
    batches ``from_batch`` .. ``batch_id``, of which the prefixes are signed."""
    key = private_key()
    created = (created or datetime.datetime.now(UTC)).astimezone(UTC)
    prefixes = ",".join(h[:PREFIX_DIGITS] for h in batch_hashes)
    signature = key.sign(payload(batch_id, head_hash, event_count, created, from_batch,
                                 prefixes))
    return {"batch_id": int(batch_id), "head_hash": head_hash, "event_count": int(event_count),
            "created": created, "from_batch": int(from_batch), "batch_hashes": prefixes,
            "key_id": key_id(key.public_key()),
            "signature": base64.b64encode(signature).decode("ascii")}


def valid(checkpoint: dict[str, Any], key: Ed25519PublicKey) -> bool:
    created = checkpoint["created"]
    if isinstance(created, str):
        created = datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
    try:
        key.verify(base64.b64decode(checkpoint["signature"]),
                   payload(checkpoint["batch_id"], checkpoint["head_hash"],
                           checkpoint["event_count"], created, checkpoint["from_batch"],
                           checkpoint["batch_hashes"]))
        return True
    except (InvalidSignature, ValueError, TypeError, KeyError):
        return False


def prefixes(checkpoint: dict[str, Any]) -> dict[int, str]:
    """batch id -> the prefix of its hash that ``checkpoint`` signed."""
    listed = [h for h in str(checkpoint.get("batch_hashes") or "").split(",") if h]
    first = int(checkpoint["from_batch"])
    return {first + i: h for i, h in enumerate(listed)}


def every() -> float:
    return float(tk.config.get("ckanext.molisa_audit.checkpoint_seconds") or 0)


def checkpoint(conn, force: bool = False,
               now: datetime.datetime | None = None) -> dict[str, Any] | None:
    """Sign the chain head if it moved since the last checkpoint and the last
    one is at least ``checkpoint_seconds`` old (or ``force``); store it
    (``conn``: the shipper's role), commit, and anchor it. Returns it, or None."""
    from .model import BATCH, CHECKPOINT
    from .chain import CHAIN_LOCK
    now = now or datetime.datetime.now(UTC)
    cur = conn.cursor()
    # the chain's lock first: a consistent head, and one checkpoint per head
    # however many shippers run
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    cur.execute(f"SELECT batch_id, event_count, created FROM {CHECKPOINT} "
                "ORDER BY batch_id DESC LIMIT 1")
    last = cur.fetchone()
    cur.execute(f"SELECT max(id) FROM {BATCH}")
    head_id = cur.fetchone()[0]
    if head_id is None or (last and last[0] >= head_id):
        conn.rollback()
        return None
    if last and not force and (now - last[2]).total_seconds() < every():
        conn.rollback()
        return None
    since = last[0] if last else 0
    cur.execute(f"SELECT id, hash, event_count FROM {BATCH} WHERE id > %s ORDER BY id", (since,))
    rows = cur.fetchall()
    if not rows:
        conn.rollback()
        return None
    total = (last[1] if last else 0) + sum(r[2] for r in rows)
    listed = rows[-MAX_PREFIXES:]
    cp = sign(rows[-1][0], rows[-1][1], total, listed[0][0], [r[1] for r in listed], now)
    cur.execute(f"INSERT INTO {CHECKPOINT} (batch_id, head_hash, event_count, created, "
                "from_batch, batch_hashes, key_id, signature) VALUES (%(batch_id)s, "
                "%(head_hash)s, %(event_count)s, %(created)s, %(from_batch)s, "
                "%(batch_hashes)s, %(key_id)s, %(signature)s)", cp)
    conn.commit()
    append([cp])
    return cp


# ---------------------------------------------------------------------- anchors
def anchor_dir() -> str:
    return recorder.audit_dir("anchor")


def _line(checkpoint: dict[str, Any]) -> str:
    return json.dumps(dict(checkpoint, created=created_text(checkpoint["created"])),
                      separators=(",", ":")) + "\n"


def append(checkpoints: Iterable[dict[str, Any]], directory: str | None = None) -> None:
    """Append committed checkpoints to this month's anchor file, durably."""
    checkpoints = list(checkpoints)
    if not checkpoints:
        return
    directory = directory or anchor_dir()
    new_dir = not os.path.isdir(directory)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    by_file: dict[str, list[str]] = {}
    for cp in checkpoints:
        name = f"anchors-{cp['created'].astimezone(UTC):%Y-%m}.jsonl"
        by_file.setdefault(name, []).append(_line(cp))
    for name, lines in by_file.items():
        path = os.path.join(directory, name)
        created = not os.path.exists(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, "".join(lines).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created or new_dir:
            _fsync_dir(directory)


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read(directory: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every anchored checkpoint (oldest batch first; a batch anchored twice
    appears twice) and the lines that could not be read."""
    directory = directory or anchor_dir()
    found, bad = [], []
    for path in sorted(glob.glob(os.path.join(directory, "anchors-*.jsonl"))):
        with open(path, encoding="ascii", errors="replace") as f:
            for number, line in enumerate(f, 1):
                if not line.endswith("\n"):
                    continue  # a line being written, or cut short by a crash
                try:
                    cp = json.loads(line)
                    cp["batch_id"] = int(cp["batch_id"])
                    cp["event_count"] = int(cp["event_count"])
                    cp["from_batch"] = int(cp["from_batch"])
                    cp["created"] = datetime.datetime.fromisoformat(
                        cp["created"].replace("Z", "+00:00"))
                    cp["file"] = os.path.basename(path)
                    found.append(cp)
                except (ValueError, KeyError, TypeError, AttributeError):
                    bad.append(f"{os.path.basename(path)}:{number}")
    found.sort(key=lambda cp: cp["batch_id"])
    return found, bad


# ------------------------------------------------------------------ daily mail
def _day(now: datetime.datetime) -> str:
    return now.astimezone(UTC).date().isoformat()


def mail_due(now: datetime.datetime | None = None, directory: str | None = None) -> bool:
    path = os.path.join(directory or anchor_dir(), MAILED_STATE)
    try:
        with open(path) as f:
            return f.read().strip() != _day(now or datetime.datetime.now(UTC))
    except FileNotFoundError:
        return True


def mail_head(checkpoint: dict[str, Any], now: datetime.datetime | None = None,
              directory: str | None = None) -> bool:
    """Mail ``checkpoint`` (the newest) to the IT Centre, once a day."""
    now = now or datetime.datetime.now(UTC)
    directory = directory or anchor_dir()
    if not mail_due(now, directory):
        return False
    key = private_key().public_key()
    with mail.portal_locale():
        site = tk.config.get("ckan.site_title") or tk.config.get("ckan.site_url")
        subject = tk._("[{site}] Audit log: signed chain head of {day}").format(
            site=site, day=_day(now))
        body = tk._(
            "The audit log's chain head, signed by the shipper. Keep this message: it lets "
            "anyone with the public key detect a later rewrite of the log, even by the "
            "database's administrator (ckan molisa-audit verify).\n\n"
            "Batch: {batch}\nEvents in the chain: {events}\nChain head (SHA-256): {head}\n"
            "Signed at (UTC): {created}\nKey: {key_id}\n\nCheckpoint (one line, as in the "
            "anchor files):\n{line}\nPublic key:\n{pem}").format(
                batch=checkpoint["batch_id"], events=checkpoint["event_count"],
                head=checkpoint["head_hash"], created=created_text(checkpoint["created"]),
                key_id=checkpoint["key_id"], line=_line(checkpoint), pem=public_pem(key))
        sent = mail.send(subject, body)
    if sent:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        with open(os.path.join(directory, MAILED_STATE), "w") as f:
            f.write(_day(now))
    return sent
