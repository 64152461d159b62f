"""Time-based one-time passwords (RFC 6238, pyotp) for local accounts:
enrolment with a QR code, verification with replay protection (a time step
once accepted is never accepted again), ten one-time recovery codes stored
hashed. Secrets are encrypted at rest (crypto.encrypt)."""
from __future__ import annotations

import datetime
import hmac
import io
import time

import pyotp
import segno

import ckan.plugins.toolkit as tk
from ckan import model

from . import crypto
from .model import MolisaIdentityRecoveryCode, MolisaIdentityTotp, now

RECOVERY_CODES = 10
WINDOW = 1   # one step either side: clocks drift
PENDING_FOR = datetime.timedelta(minutes=10)   # an unconfirmed secret is offered again


def credential(user_id: str) -> MolisaIdentityTotp | None:
    return model.Session.get(MolisaIdentityTotp, user_id)


def enrolled(user_id: str) -> bool:
    cred = credential(user_id)
    return bool(cred and cred.confirmed)


def begin(user: model.User) -> str:
    """A new (unconfirmed) secret for the user; returns the otpauth URI that
    the QR code carries. An enrolled credential is not replaced here."""
    cred = credential(user.id)
    if cred is not None and cred.confirmed:
        raise tk.ValidationError({"code": [tk._("An authenticator is already set up.")]})
    if cred is not None and now() - cred.created < PENDING_FOR:
        # the same QR code again (a reload, a wrong first code): the app that
        # scanned it keeps working
        secret = crypto.decrypt(cred.secret_enc)
        if secret:
            return provisioning_uri(user, secret)
    secret = pyotp.random_base32()
    if cred is None:
        cred = MolisaIdentityTotp(user_id=user.id, secret_enc=crypto.encrypt(secret),
                                  confirmed=False, last_step=0)
        model.Session.add(cred)
    else:
        cred.secret_enc, cred.last_step, cred.created = crypto.encrypt(secret), 0, now()
    model.Session.commit()
    return provisioning_uri(user, secret)


def provisioning_uri(user: model.User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.name, issuer_name=tk.config.get("ckanext.molisa_identity.totp_issuer"))


def pending_uri(user: model.User) -> str | None:
    cred = credential(user.id)
    if cred is None or cred.confirmed:
        return None
    secret = crypto.decrypt(cred.secret_enc)
    return provisioning_uri(user, secret) if secret else None


def qr_svg(uri: str) -> str:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True,
                                    title="QR")
    return out.getvalue().decode("utf-8")


def _matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    totp = pyotp.TOTP(secret)
    at = time.time() if at is None else at
    step = int(at // totp.interval)
    for candidate in range(step - WINDOW, step + WINDOW + 1):
        if hmac.compare_digest(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def check_code(user_id: str, code: str, *, confirming: bool = False) -> str | None:
    """``None`` when the code is right (and now used up), else why not:
    ``invalid`` or ``replayed``."""
    code = (code or "").strip().replace(" ", "")
    cred = credential(user_id)
    if cred is None or cred.confirmed == confirming or not code.isdigit() or len(code) != 6:
        return "invalid"
    secret = crypto.decrypt(cred.secret_enc)
    if secret is None:
        return "invalid"
    step = _matching_step(secret, code)
    if step is None:
        return "invalid"
    # replay protection: the step must be newer than the last one accepted,
    # claimed atomically (two requests with the same code: one wins)
    updated = model.Session.query(MolisaIdentityTotp).filter(
        MolisaIdentityTotp.user_id == user_id,
        MolisaIdentityTotp.last_step < step).update({"last_step": step},
                                                    synchronize_session=False)
    model.Session.commit()
    return None if updated == 1 else "replayed"


def confirm(user: model.User, code: str) -> list[str] | None:
    """Confirms the enrolment with a first code; returns the ten recovery
    codes (shown once, stored hashed) or None when the code is wrong."""
    if check_code(user.id, code, confirming=True) is not None:
        return None
    cred = credential(user.id)
    cred.confirmed, cred.confirmed_at = True, now()
    model.Session.commit()
    return new_recovery_codes(user.id)


def new_recovery_codes(user_id: str) -> list[str]:
    model.Session.query(MolisaIdentityRecoveryCode).filter(
        MolisaIdentityRecoveryCode.user_id == user_id).delete(synchronize_session=False)
    codes = [crypto.new_recovery_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        model.Session.add(MolisaIdentityRecoveryCode(user_id=user_id,
                                                     code_hash=crypto.recovery_hash(code)))
    model.Session.commit()
    return codes


def use_recovery_code(user_id: str, code: str) -> bool:
    digest = crypto.recovery_hash(code)
    updated = model.Session.query(MolisaIdentityRecoveryCode).filter(
        MolisaIdentityRecoveryCode.user_id == user_id,
        MolisaIdentityRecoveryCode.code_hash == digest,
        MolisaIdentityRecoveryCode.used_at.is_(None)).update({"used_at": now()},
                                                             synchronize_session=False)
    model.Session.commit()
    return updated == 1


def recovery_codes_left(user_id: str) -> int:
    return model.Session.query(MolisaIdentityRecoveryCode).filter(
        MolisaIdentityRecoveryCode.user_id == user_id,
        MolisaIdentityRecoveryCode.used_at.is_(None)).count()


def reset(user_id: str) -> bool:
    """Removes the user's authenticator and recovery codes (sysadmin reset)."""
    found = model.Session.query(MolisaIdentityTotp).filter(
        MolisaIdentityTotp.user_id == user_id).delete(synchronize_session=False)
    model.Session.query(MolisaIdentityRecoveryCode).filter(
        MolisaIdentityRecoveryCode.user_id == user_id).delete(synchronize_session=False)
    model.Session.commit()
    return bool(found)
