"""The sharing tables: requests (applications for data, including state
agencies' default-sharing requests), the grants that approved requests
become, usage reports asked of grantees, and inbound connection requests.

Rows are records of the organisations involved: no action deletes them.
Tables are created by the alembic migration (``ckan db upgrade -p
molisa_sharing``), never at start-up.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid

from ckanext.molisa_sharing import deadlines

#: plugin_extras key of an API token bound to one grant
TOKEN_GRANT_KEY = "molisa_sharing_grant_id"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _iso(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


class _Record:
    """Shared helpers of the sharing tables."""

    __table__: sa.Table

    def as_dict(self) -> dict[str, Any]:
        return {c.name: _iso(getattr(self, c.name)) for c in self.__table__.columns}

    def log(self, state: str, user_id: str | None, reason: str | None = None) -> None:
        """Append one transition to the record's history (kept with the row)."""
        self.history = list(self.history or []) + [{
            "state": state, "at": _now().isoformat(), "by": user_id, "reason": reason}]

    @classmethod
    def get(cls, id_: str | None):
        if not id_:
            return None
        return model.Session.get(cls, id_)


class MolisaSharingRequest(tk.BaseModel, _Record):
    """An application for data that is not open (kind ``special``), or a
    state agency's request to connect to default-sharing services (kind
    ``service``)."""

    __tablename__ = "molisa_sharing_request"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    kind = sa.Column(sa.Text, nullable=False)
    state = sa.Column(sa.Text, nullable=False)
    creator_id = sa.Column(sa.Text, nullable=False)
    owner_org = sa.Column(sa.Text, nullable=False)
    datasets = sa.Column(JSONB, nullable=False, default=list)
    resources = sa.Column(JSONB, nullable=False, default=list)
    fields = sa.Column(JSONB, nullable=False, default=list)
    requester_type = sa.Column(sa.Text)
    requester_organization = sa.Column(sa.Text)
    user_name = sa.Column(sa.Text)
    user_position = sa.Column(sa.Text)
    user_email = sa.Column(sa.Text)
    user_phone = sa.Column(sa.Text)
    purpose = sa.Column(sa.Text)
    scope = sa.Column(sa.Text)
    content = sa.Column(sa.Text)
    period_start = sa.Column(sa.Date)
    period_end = sa.Column(sa.Date)
    legal_basis = sa.Column(sa.Text)
    security_level = sa.Column(sa.Integer)
    system_connection = sa.Column(sa.Boolean, nullable=False, default=False)
    attachments = sa.Column(JSONB, nullable=False, default=list)
    fee_amount = sa.Column(sa.BigInteger, nullable=False, default=0)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    updated = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    submitted_at = sa.Column(sa.DateTime(timezone=True))
    due_at = sa.Column(sa.DateTime(timezone=True))
    decided_at = sa.Column(sa.DateTime(timezone=True))
    decided_by = sa.Column(sa.Text)
    decision_reason = sa.Column(sa.Text)
    grant_id = sa.Column(sa.Text)
    overdue_notified_at = sa.Column(sa.DateTime(timezone=True))
    history = sa.Column(JSONB, nullable=False, default=list)


class MolisaSharingGrant(tk.BaseModel, _Record):
    """What an approved request grants, exactly: datasets, resources, fields,
    period, limits. ``holder_id`` is the user whose requests it opens (the
    applicant, or the connection account created for a state agency)."""

    __tablename__ = "molisa_sharing_grant"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    request_id = sa.Column(sa.Text, sa.ForeignKey("molisa_sharing_request.id"), nullable=False,
                           unique=True)
    kind = sa.Column(sa.Text, nullable=False)
    state = sa.Column(sa.Text, nullable=False)
    holder_id = sa.Column(sa.Text, nullable=False)
    manager_id = sa.Column(sa.Text, nullable=False)
    owner_org = sa.Column(sa.Text, nullable=False)
    organization = sa.Column(sa.Text)
    purpose = sa.Column(sa.Text)
    datasets = sa.Column(JSONB, nullable=False, default=list)
    resources = sa.Column(JSONB, nullable=False, default=list)
    fields = sa.Column(JSONB, nullable=False, default=list)
    period_start = sa.Column(sa.Date, nullable=False)
    period_end = sa.Column(sa.Date, nullable=False)
    rate_limit_per_minute = sa.Column(sa.Integer)
    quota_per_day = sa.Column(sa.Integer)
    allowed_ips = sa.Column(JSONB, nullable=False, default=list)
    fee_amount = sa.Column(sa.BigInteger, nullable=False, default=0)
    fee_exempt = sa.Column(sa.Boolean, nullable=False, default=False)
    conditions = sa.Column(sa.Text)
    state_reason = sa.Column(sa.Text)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    updated = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    history = sa.Column(JSONB, nullable=False, default=list)


class MolisaSharingUsageReport(tk.BaseModel, _Record):
    """The ministry asks a grantee how the data is used (R18.2)."""

    __tablename__ = "molisa_sharing_usage_report"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    grant_id = sa.Column(sa.Text, sa.ForeignKey("molisa_sharing_grant.id"), nullable=False,
                         index=True)
    question = sa.Column(sa.Text, nullable=False)
    requested_by = sa.Column(sa.Text, nullable=False)
    requested_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    due_at = sa.Column(sa.DateTime(timezone=True), nullable=False)
    answer = sa.Column(sa.Text)
    answered_by = sa.Column(sa.Text)
    answered_at = sa.Column(sa.DateTime(timezone=True))
    overdue_notified_at = sa.Column(sa.DateTime(timezone=True))
    history = sa.Column(JSONB, nullable=False, default=list)


class MolisaSharingInbound(tk.BaseModel, _Record):
    """A unit's request to receive data from an outside system (R13); once
    approved it is linked to the harvest source that carries it."""

    __tablename__ = "molisa_sharing_inbound"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    state = sa.Column(sa.Text, nullable=False)
    creator_id = sa.Column(sa.Text, nullable=False)
    owner_org = sa.Column(sa.Text, nullable=False)
    target = sa.Column(sa.Text, nullable=False)
    source_system = sa.Column(sa.Text, nullable=False)
    scope = sa.Column(sa.Text, nullable=False)
    schedule = sa.Column(sa.Text, nullable=False)
    frequency = sa.Column(sa.Text, nullable=False)
    details = sa.Column(sa.Text)
    contact_name = sa.Column(sa.Text, nullable=False)
    contact_position = sa.Column(sa.Text)
    contact_email = sa.Column(sa.Text, nullable=False)
    contact_phone = sa.Column(sa.Text)
    source_url = sa.Column(sa.Text)
    source_type = sa.Column(sa.Text)
    harvest_source_id = sa.Column(sa.Text)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    updated = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    decided_at = sa.Column(sa.DateTime(timezone=True))
    decided_by = sa.Column(sa.Text)
    decision_reason = sa.Column(sa.Text)
    history = sa.Column(JSONB, nullable=False, default=list)


def grant_effective_state(grant: Any, on: Optional[datetime.date] = None) -> str:
    """A grant's state today (or ``on``): ``active`` only inside its period;
    an active (or suspended) grant past its end is ``expired`` at once, before
    the sweep records it. ``grant`` is a row or a copy with the same fields."""
    on = on or deadlines.today()
    if grant.state in ("active", "suspended") and on > grant.period_end:
        return "expired"
    if grant.state == "active" and on < grant.period_start:
        return "not_started"
    return grant.state


Request = MolisaSharingRequest
Grant = MolisaSharingGrant
UsageReport = MolisaSharingUsageReport
Inbound = MolisaSharingInbound
now = _now
