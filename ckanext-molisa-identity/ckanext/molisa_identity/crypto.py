"""Keys of the installation applied to identity data: personal
identification numbers as HMAC-SHA256 (never stored in clear), TOTP secrets
encrypted at rest (Fernet), recovery codes hashed (SHA-256 of a random
code: they carry 50 bits, so a plain hash is not brute-forced offline)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken

import ckan.plugins.toolkit as tk

PID_RE = re.compile(r"^[0-9]{12}$")


class KeyMissing(RuntimeError):
    pass


def _key(option: str) -> bytes:
    value = tk.config.get(option) or ""
    if len(value) < 16:
        raise KeyMissing(f"{option} is not set (a secret of the installation, 16+ characters)")
    return value.encode("utf-8")


def valid_pid(pid: object) -> bool:
    return isinstance(pid, str) and bool(PID_RE.match(pid))


def pid_hash(pid: str) -> str:
    """The keyed hash under which a personal identification number is kept."""
    return hmac.new(_key("ckanext.molisa_identity.pid_hash_key"), pid.encode("ascii"),
                    hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"molisa-identity-totp:" + _key("ckanext.molisa_identity.totp_key"))
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None


def new_recovery_code() -> str:
    """xxxxx-xxxxx from an alphabet without look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return raw[:5] + "-" + raw[5:]


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def recovery_hash(code: str) -> str:
    return hashlib.sha256(b"molisa-identity-recovery:" + normalise_code(code).encode()).hexdigest()


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
