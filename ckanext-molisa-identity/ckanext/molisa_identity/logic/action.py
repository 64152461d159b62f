"""Actions of ckanext-molisa-identity: invitations of officials (R20.2,
R6.4), the user's own second factor (enrolment, verification, status) and
the sysadmin's reset. The views and the CLI call these."""
from __future__ import annotations

import datetime
from typing import Any

from flask import has_request_context, request

import ckan.plugins.toolkit as tk
from ckan import model

from .. import accounts, crypto, events, throttle, totp
from ..model import MolisaIdentityInvitation, MolisaIdentityLink, now
from . import schema


def _validate(data_dict, schema_, context) -> dict:
    if not isinstance(data_dict, dict):
        raise tk.ValidationError({"__all__": [tk._("Parameters must be an object")]})
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _user(context) -> model.User:
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("You must be logged in."))
    return user


def _organization(ref: str) -> model.Group:
    org = model.Group.get(ref)
    if org is None or not org.is_organization or org.state != "active":
        raise tk.ValidationError({"organization": [tk._("Unit not found")]})
    return org


def molisa_identity_invitation_create(context, data_dict):
    """Invite an official, by personal identification number, into a unit
    with a role; bound at their first e-ID login (at once when they already
    have an e-ID account). The number is kept only as a keyed hash.

    :param pid: the official's 12-digit personal identification number
    :type pid: string
    :param organization: the unit (id or name)
    :type organization: string
    :param role: ``member``, ``editor`` or ``admin``
    :type role: string
    :param label: who it is, for the unit's list (e.g. name and position)
    :type label: string
    :returns: the invitation (never the number)
    """
    data = _validate(data_dict, schema.molisa_identity_invitation_create(), context)
    org = _organization(data["organization"])
    tk.check_access("molisa_identity_invitation_create", context,
                    {"organization": org.id, "role": data["role"]})
    inviter = _user(context)
    digest = crypto.pid_hash(data["pid"])
    days = tk.config.get("ckanext.molisa_identity.invitation_days")
    inv = MolisaIdentityInvitation(pid_hash=digest, label=data["label"], organization_id=org.id,
                                   capacity=data["role"], state="pending", invited_by=inviter.id,
                                   expires=now() + datetime.timedelta(days=days))
    model.Session.add(inv)
    model.Session.commit()
    events.record("invitation_create", actor=inviter.name, organizations=[org.id],
                  invitation_id=inv.id, capacity=inv.capacity)
    link = MolisaIdentityLink.by_pid_hash(digest)
    if link is not None:
        user = model.User.get(link.user_id)
        if user is not None and user.state == "active":
            accounts.bind(inv, user)
    return inv.as_dict()


@tk.side_effect_free
def molisa_identity_invitation_list(context, data_dict):
    """The invitations of a unit, newest first.

    :param organization: the unit (id or name)
    :type organization: string
    :returns: list of invitations
    """
    data = _validate(data_dict, {"organization": schema.molisa_identity_invitation_create()[
        "organization"]}, context)
    org = _organization(data["organization"])
    tk.check_access("molisa_identity_invitation_list", context, {"organization": org.id})
    rows = model.Session.query(MolisaIdentityInvitation).filter(
        MolisaIdentityInvitation.organization_id == org.id).order_by(
        MolisaIdentityInvitation.created.desc()).limit(500).all()
    return [r.as_dict() for r in rows]


def molisa_identity_invitation_revoke(context, data_dict):
    """Withdraw a pending invitation.

    :param id: the invitation
    :type id: string
    :returns: the invitation
    """
    ref = data_dict.get("id") if isinstance(data_dict, dict) else None
    if not isinstance(ref, str) or not ref:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    inv = MolisaIdentityInvitation.get(ref)
    if inv is None:
        raise tk.ObjectNotFound(tk._("Invitation not found"))
    tk.check_access("molisa_identity_invitation_revoke", context,
                    {"organization": inv.organization_id})
    if inv.state != "pending":
        raise tk.ValidationError({"id": [tk._("Only a pending invitation can be withdrawn")]})
    inv.state = "revoked"
    model.Session.commit()
    events.record("invitation_revoke", actor=context.get("user"),
                  organizations=[inv.organization_id], invitation_id=inv.id)
    return inv.as_dict()


@tk.side_effect_free
def molisa_identity_status_show(context, data_dict):
    """The logged-in user's own log-in methods and second factor.

    :returns: ``vneid_linked``, ``totp_enrolled``, ``recovery_codes_left``,
        ``second_factor_needed``, ``session`` (method, acr, second_factor)
    """
    tk.check_access("molisa_identity_status_show", context, data_dict)
    user = _user(context)
    from .. import guard
    return {"user": user.name,
            "vneid_linked": MolisaIdentityLink.by_user(user.id) is not None,
            "totp_enrolled": totp.enrolled(user.id),
            "recovery_codes_left": totp.recovery_codes_left(user.id),
            "second_factor_needed": accounts.can_edit(user),
            "session": guard.session_info() if has_request_context() else {}}


def molisa_identity_totp_enrol_begin(context, data_dict):
    """Start setting up an authenticator app: returns the QR code (SVG) to
    scan. Confirmed by ``molisa_identity_totp_enrol_confirm``.

    :returns: ``qr_svg``
    """
    tk.check_access("molisa_identity_totp_enrol_begin", context, data_dict)
    user = _user(context)
    uri = totp.begin(user)
    events.record("totp_enrol_begin", actor=user.name)
    return {"qr_svg": totp.qr_svg(uri)}


def _throttled_code(user: model.User, kind: str) -> None:
    addr = request.remote_addr if has_request_context() else None
    if throttle.locked(kind, user.name, addr):
        events.record("code_refused_locked", actor=user.name, status=429,
                      error_class="LockedOut", kind=kind)
        from .. import guard
        raise tk.ValidationError({"code": [guard.locked_message()]})


def _code_failed(user: model.User, kind: str, reason: str) -> None:
    addr = request.remote_addr if has_request_context() else None
    events.record("code_failed", actor=user.name, status=401, error_class=reason, kind=kind)
    if throttle.fail(kind, user.name, addr):
        events.record("lockout", actor=user.name, status=429, error_class="LockedOut", kind=kind)


def molisa_identity_totp_enrol_confirm(context, data_dict):
    """Confirm the authenticator with a first code; returns ten one-time
    recovery codes, shown this once (stored hashed).

    :param code: the 6-digit code the app shows
    :type code: string
    :returns: ``recovery_codes``
    """
    tk.check_access("molisa_identity_totp_enrol_confirm", context, data_dict)
    data = _validate(data_dict, schema.molisa_identity_code(), context)
    user = _user(context)
    _throttled_code(user, "code")
    codes = totp.confirm(user, data["code"])
    if codes is None:
        _code_failed(user, "code", "WrongCode")
        raise tk.ValidationError({"code": [tk._("The code is not right. Check the time on "
                                                "your phone and enter the newest code.")]})
    throttle.clear_account("code", user.name)
    events.record("totp_enrolled", actor=user.name)
    return {"recovery_codes": codes}


def molisa_identity_second_factor_verify(context, data_dict):
    """Check the user's second factor: a 6-digit code of their authenticator
    (each code once) or one of their recovery codes (each once). Failures
    are throttled per account and per client address.

    :param code: the code
    :type code: string
    :returns: ``verified`` and ``method`` (``totp`` or ``recovery_code``)
    """
    tk.check_access("molisa_identity_second_factor_verify", context, data_dict)
    data = _validate(data_dict, schema.molisa_identity_code(), context)
    user = _user(context)
    _throttled_code(user, "code")
    code = data["code"]
    if code.isdigit():
        why = totp.check_code(user.id, code)
        if why is None:
            throttle.clear_account("code", user.name)
            events.record("second_factor", actor=user.name, method="totp")
            return {"verified": True, "method": "totp"}
        _code_failed(user, "code", "ReplayedCode" if why == "replayed" else "WrongCode")
        message = (tk._("This code was used already. Wait for the next code.")
                   if why == "replayed" else tk._("The code is not right."))
        raise tk.ValidationError({"code": [message]})
    if totp.enrolled(user.id) and totp.use_recovery_code(user.id, code):
        throttle.clear_account("code", user.name)
        events.record("recovery_code_used", actor=user.name, method="recovery_code",
                      left=totp.recovery_codes_left(user.id))
        return {"verified": True, "method": "recovery_code"}
    _code_failed(user, "code", "WrongRecoveryCode")
    raise tk.ValidationError({"code": [tk._("The code is not right.")]})


def molisa_identity_totp_reset(context, data_dict):
    """Remove a user's authenticator and recovery codes (the IT Centre, when
    a phone is lost); they enrol again at their next log-in.

    :param user: the user (name or id)
    :type user: string
    :returns: ``user``, ``reset`` (whether there was one)
    """
    tk.check_access("molisa_identity_totp_reset", context, data_dict)
    data = _validate(data_dict, schema.molisa_identity_user(), context)
    user = model.User.get(data["user"])
    if user is None:
        raise tk.ValidationError({"user": [tk._("User not found")]})
    found = totp.reset(user.id)
    throttle.clear_account("code", user.name)
    events.record("totp_reset", actor=context.get("user") or None, subject=user.name,
                  had_authenticator=found)
    return {"user": user.name, "reset": found}


def get_actions() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith("molisa_identity_") and callable(fn)}
