"""The keyed hash of a person's personal identification number, the one key
under which the people in the sector data are indexed ("My data", R17.2,
R18.5): HMAC-SHA256 with the installation's secret
``ckanext.molisa.subject_key``. The number itself is never stored, and the key
is never logged. The harvest plugin fills the index with it; whoever looks a
person up (the identity plugin, from a verified e-ID) computes it the same way.
"""
from __future__ import annotations

import hashlib
import hmac
import re

import ckan.plugins.toolkit as tk

KEY_OPTION = "ckanext.molisa.subject_key"
PID_RE = re.compile(r"^[0-9]{12}$")


class SubjectKeyMissing(RuntimeError):
    """The installation has no subject key (a secret of 16+ characters)."""


def _key() -> bytes:
    value = tk.config.get(KEY_OPTION) or ""
    if len(value) < 16:
        raise SubjectKeyMissing(f"{KEY_OPTION} is not set (a secret of the installation,"
                                " 16+ characters)")
    return value.encode("utf-8")


def normalise(pid: object) -> str | None:
    """A personal identification number as the 12 digits it is, or None
    (surrounding spaces, as a ``char(12)`` column pads, are dropped)."""
    if pid is None:
        return None
    text = str(pid).strip()
    return text if PID_RE.match(text) else None


def subject_hash(pid: str) -> str:
    """The keyed hash of a (normalised) personal identification number."""
    return hmac.new(_key(), pid.encode("ascii"), hashlib.sha256).hexdigest()


def keyed_digest(label: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the installation's key, for a purpose
    named by ``label`` (a one-time password's check value, a decoy): never
    equal to :func:`subject_hash` of the same value."""
    return hmac.new(_key(), f"molisa:{label}\x00{value}".encode("utf-8"),
                    hashlib.sha256).hexdigest()


def key_fingerprint() -> str:
    """A value that changes with the key and reveals nothing of it: a harvest
    re-imports the indexed datasets when the key changes."""
    return hmac.new(_key(), b"molisa-subject-key-fingerprint", hashlib.sha256).hexdigest()[:16]


def subject_of(user_id: str | None) -> str | None:
    """The keyed hash of the verified personal identification number of an
    account (:class:`ckanext.molisa.interfaces.IMolisaSubjects`), or None."""
    if not user_id:
        return None
    from ckan import plugins

    from .interfaces import IMolisaSubjects
    for plugin in plugins.PluginImplementations(IMolisaSubjects):
        digest = plugin.molisa_subject_hash(user_id)
        if digest:
            return digest
    return None


# -- a person's contact address, readable only with their number ----------------------

_CONTACT_LABEL = b"molisa-subject-contact\x00"


def _contact_key(pid: str) -> bytes:
    """The AES-256 key that seals one person's contact address: derived from
    the installation's key and the person's number (a different label from
    :func:`subject_hash`, so the index's hash does not open it)."""
    return hmac.new(_key(), _CONTACT_LABEL + pid.encode("ascii"), hashlib.sha256).digest()


def seal_contact(pid: str, address: str) -> str:
    """``address`` encrypted (AES-256-GCM, bound to the person's hash) under a
    key that only someone who knows both the installation's key and the
    person's number can derive: the stored value says nothing to a reader of
    the database, nor to the portal itself until the person gives their
    number. URL-safe base64 of nonce + ciphertext."""
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    nonce = os.urandom(12)
    sealed = AESGCM(_contact_key(pid)).encrypt(nonce, address.encode("utf-8"),
                                              subject_hash(pid).encode("ascii"))
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_contact(pid: str, sealed: str) -> str | None:
    """The address :func:`seal_contact` sealed for ``pid``, or None when it
    cannot be opened (another number, another key, a damaged value)."""
    import base64

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    try:
        raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
        return AESGCM(_contact_key(pid)).decrypt(raw[:12], raw[12:],
                                                 subject_hash(pid).encode("ascii")).decode("utf-8")
    except (InvalidTag, ValueError, UnicodeError):
        return None
