"""The identity tables: e-ID links (personal identification numbers as keyed
hashes), TOTP credentials (secrets encrypted), recovery codes (hashed) and
invitations of officials. Created by the alembic migration (``ckan db upgrade
-p molisa_identity``), never at start-up."""
from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class _Row:
    __table__: sa.Table

    @classmethod
    def get(cls, id_: str | None):
        if not id_ or not isinstance(id_, str):
            return None
        return model.Session.get(cls, id_)


class MolisaIdentityLink(tk.BaseModel, _Row):
    """A portal account bound to a person of the e-ID: the HMAC of their
    personal identification number, never the number itself."""

    __tablename__ = "molisa_identity_link"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    user_id = sa.Column(sa.Text, nullable=False, unique=True)
    pid_hash = sa.Column(sa.Text, nullable=False, unique=True)
    issuer = sa.Column(sa.Text, nullable=False)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    last_login = sa.Column(sa.DateTime(timezone=True))
    #: the number's hash under the subject key (ckanext.molisa.subjects), set
    #: at each e-ID log-in: "My data" looks the person up with it
    subject_hash = sa.Column(sa.Text)

    @classmethod
    def by_pid_hash(cls, pid_hash: str):
        return model.Session.query(cls).filter(cls.pid_hash == pid_hash).one_or_none()

    @classmethod
    def by_user(cls, user_id: str):
        return model.Session.query(cls).filter(cls.user_id == user_id).one_or_none()


class MolisaIdentityTotp(tk.BaseModel, _Row):
    """A user's TOTP credential: the secret encrypted (Fernet), the last
    time step accepted (a code is never accepted twice)."""

    __tablename__ = "molisa_identity_totp"

    user_id: Mapped[str] = sa.Column(sa.Text, primary_key=True)
    secret_enc = sa.Column(sa.Text, nullable=False)
    confirmed = sa.Column(sa.Boolean, nullable=False, default=False)
    last_step = sa.Column(sa.BigInteger, nullable=False, default=0)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    confirmed_at = sa.Column(sa.DateTime(timezone=True))


class MolisaIdentityRecoveryCode(tk.BaseModel, _Row):
    """One of a user's ten one-time recovery codes, hashed."""

    __tablename__ = "molisa_identity_recovery_code"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    user_id = sa.Column(sa.Text, nullable=False, index=True)
    code_hash = sa.Column(sa.Text, nullable=False)
    used_at = sa.Column(sa.DateTime(timezone=True))


class MolisaIdentityInvitation(tk.BaseModel, _Row):
    """An official invited into a unit with a role, by personal identification
    number (kept as its keyed hash), bound at their first e-ID login."""

    __tablename__ = "molisa_identity_invitation"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    pid_hash = sa.Column(sa.Text, nullable=False, index=True)
    label = sa.Column(sa.Text, nullable=False)
    organization_id = sa.Column(sa.Text, nullable=False, index=True)
    capacity = sa.Column(sa.Text, nullable=False)
    state = sa.Column(sa.Text, nullable=False, default="pending")
    invited_by = sa.Column(sa.Text, nullable=False)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    expires = sa.Column(sa.DateTime(timezone=True), nullable=False)
    bound_user_id = sa.Column(sa.Text)
    bound_at = sa.Column(sa.DateTime(timezone=True))

    def as_dict(self) -> dict[str, Any]:
        """Never the hash: an invitation is shown by its label."""
        effective = self.state
        if effective == "pending" and self.expires < now():
            effective = "expired"
        return {"id": self.id, "label": self.label, "organization_id": self.organization_id,
                "capacity": self.capacity, "state": effective, "invited_by": self.invited_by,
                "created": self.created.isoformat(), "expires": self.expires.isoformat(),
                "bound_user_id": self.bound_user_id,
                "bound_at": self.bound_at.isoformat() if self.bound_at else None}
