"""Portal accounts and the people behind them: the account of an e-ID
person (found by the keyed hash of their personal identification number,
never by e-mail), the data-user account a first e-ID login creates, the
invitations it binds, and who must give a second factor."""
from __future__ import annotations

import re
import secrets
from typing import Any

from slugify import slugify
from sqlalchemy import func

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import subjects
from ckanext.molisa.contexts import site_context

from . import crypto, events
from .model import MolisaIdentityInvitation, MolisaIdentityLink, now

EDIT_CAPACITIES = ("editor", "admin")


def is_connection_account(user: model.User | None) -> bool:
    """A state agency's connection account (sharing): API tokens only."""
    extras = (getattr(user, "plugin_extras", None) or {}).get("molisa_sharing") or {}
    return bool(extras.get("connection_account"))


def can_edit(user: model.User | None) -> bool:
    """Sysadmins and anyone who is an editor or admin of a unit: they need a
    second factor in each session."""
    if user is None or not getattr(user, "id", None):
        return False
    if user.sysadmin:
        return True
    return model.Session.query(model.Member.id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active", model.Member.capacity.in_(EDIT_CAPACITIES),
        model.Group.state == "active").first() is not None


def user_for_claims(claims: dict) -> tuple[model.User, bool]:
    """The account of the person the ID token names: (user, created)."""
    pid = claims.get(tk.config.get("ckanext.molisa_identity.oidc.pid_claim"))
    if not crypto.valid_pid(pid):
        raise ValueError("the ID token carries no valid personal identification number")
    digest = crypto.pid_hash(pid)
    link = MolisaIdentityLink.by_pid_hash(digest)
    if link is not None:
        user = model.User.get(link.user_id)
        if user is None:
            raise ValueError("the linked account no longer exists")
        link.last_login = now()
        link.subject_hash = _subject_hash(pid)
        model.Session.commit()
        return user, False
    user = _create_user(claims)
    model.Session.add(MolisaIdentityLink(user_id=user.id, pid_hash=digest,
                                         issuer=tk.config.get("ckanext.molisa_identity.oidc.issuer"),
                                         last_login=now(), subject_hash=_subject_hash(pid)))
    model.Session.commit()
    events.record("account_created", actor=user.name, method="vneid")
    return user, True


def _subject_hash(pid: str) -> str | None:
    """The number under the subject key, or None when the installation has
    none (then "My data" has nothing to show, and the log-in goes on)."""
    try:
        return subjects.subject_hash(pid)
    except subjects.SubjectKeyMissing:
        return None


def subject_hash_of(user_id: str) -> str | None:
    """The subject hash verified at the account's last e-ID log-in."""
    link = MolisaIdentityLink.by_user(user_id)
    return link.subject_hash if link is not None else None


def _create_user(claims: dict) -> model.User:
    """A data-user account: no unit, no role; no password (e-ID only). The
    e-mail from the token is kept only when no other account has it: an
    address never links or merges accounts."""
    fullname = claims.get(tk.config.get("ckanext.molisa_identity.oidc.name_claim")) or " ".join(
        str(claims.get(k) or "") for k in ("family_name", "given_name")).strip()
    fullname = fullname if isinstance(fullname, str) else ""
    base = slugify(fullname or "vneid", separator="-")[:40].strip("-") or "vneid"
    name = f"{base}-{secrets.token_hex(3)}"
    while model.User.get(name) is not None:
        name = f"{base}-{secrets.token_hex(3)}"
    email = claims.get("email") if claims.get("email_verified") is not False else None
    if not isinstance(email, str) or not re.match(r"^[^@\s]+@[^@\s]+$", email) or \
            model.Session.query(model.User.id).filter(
                func.lower(model.User.email) == email.lower()).first() is not None:
        email = None
    user = model.User(name=name, fullname=fullname[:200] or None, email=email,
                      password=secrets.token_urlsafe(48))
    user.plugin_extras = {"molisa_identity": {"vneid": True}}
    model.Session.add(user)
    model.Session.flush()
    return user


def bind_invitations(user: model.User, pid: str) -> list[dict[str, Any]]:
    """The pending invitations of this person become memberships."""
    digest = crypto.pid_hash(pid)
    bound = []
    rows = model.Session.query(MolisaIdentityInvitation).filter(
        MolisaIdentityInvitation.pid_hash == digest,
        MolisaIdentityInvitation.state == "pending",
        MolisaIdentityInvitation.expires > now()).all()
    for inv in rows:
        bind(inv, user)
        bound.append(inv.as_dict())
    return bound


def bind(inv: MolisaIdentityInvitation, user: model.User) -> None:
    tk.get_action("organization_member_create")(
        site_context(ignore_auth=True),
        {"id": inv.organization_id, "username": user.name, "role": inv.capacity})
    inv.state, inv.bound_user_id, inv.bound_at = "bound", user.id, now()
    model.Session.commit()
    events.record("invitation_bound", actor=user.name, organizations=[inv.organization_id],
                  invitation_id=inv.id, capacity=inv.capacity)
