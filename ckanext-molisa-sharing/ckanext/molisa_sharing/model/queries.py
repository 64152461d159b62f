"""The sharing records' queries: lists by who asks, the grant's tokens and
usage reports, and what the periodic sweep looks for."""
from __future__ import annotations

import datetime
from typing import Optional

from ckan import model

from ckanext.molisa import units
from ckanext.molisa_sharing.model import (
    TOKEN_GRANT_KEY, Grant, Inbound, Request, UsageReport, now)

#: who a list is for
ROLES = ("mine", "review", "all")


def scoped(query, cls, role: str, user: model.User):
    """``query`` (of requests or grants) narrowed to what ``role`` shows
    ``user``: ``all`` (the caller checks it is a sysadmin) everything,
    ``review`` the records of the units they administer (everything for a
    sysadmin), ``mine`` their own (a grant they hold or manage)."""
    if role == "all":
        return query
    if role == "review":
        if user.sysadmin:
            return query
        return query.filter(cls.owner_org.in_(units.units_administered(user) or [""]))
    if cls is Grant:
        return query.filter((Grant.holder_id == user.id) | (Grant.manager_id == user.id))
    return query.filter(cls.creator_id == user.id)


def requests(role: str, user: model.User, *, state: Optional[str] = None,
             kind: Optional[str] = None, overdue: bool = False):
    """Requests for ``role`` (see :func:`scoped`), newest change first."""
    query = scoped(model.Session.query(Request), Request, role, user)
    if state:
        query = query.filter(Request.state == state)
    if kind:
        query = query.filter(Request.kind == kind)
    if overdue:
        query = query.filter(Request.state == "submitted", Request.due_at < now())
    return query.order_by(Request.updated.desc())


def grants(role: str, user: model.User, *, state: Optional[str] = None):
    """Grants for ``role`` (see :func:`scoped`), newest first."""
    query = scoped(model.Session.query(Grant), Grant, role, user)
    if state:
        query = query.filter(Grant.state == state)
    return query.order_by(Grant.created.desc())


def inbound_requests(user: model.User, *, state: Optional[str] = None):
    """Inbound requests of the user's units (all, for a sysadmin), newest first."""
    query = model.Session.query(Inbound)
    if not user.sysadmin:
        query = query.filter(Inbound.owner_org.in_(units.units_of(user) or [""]))
    if state:
        query = query.filter(Inbound.state == state)
    return query.order_by(Inbound.created.desc())


def usage_reports(grant: Grant):
    """The usage reports asked of a grant, oldest first."""
    return model.Session.query(UsageReport).filter(
        UsageReport.grant_id == grant.id).order_by(UsageReport.requested_at)


def oldest_unanswered_report(grant_id: str) -> Optional[UsageReport]:
    return model.Session.query(UsageReport).filter(
        UsageReport.grant_id == grant_id, UsageReport.answer.is_(None)).order_by(
        UsageReport.requested_at).first()


def grant_tokens(grant: Grant) -> list[model.ApiToken]:
    """The API tokens bound to this grant (its holder's other tokens are not)."""
    return [token for token in model.Session.query(model.ApiToken).filter(
        model.ApiToken.user_id == grant.holder_id)
        if (token.plugin_extras or {}).get(TOKEN_GRANT_KEY) == grant.id]


def revoke_tokens(grant: Grant) -> list[str]:
    """Deletes the grant's tokens (in the session); their ids."""
    revoked = []
    for token in grant_tokens(grant):
        revoked.append(token.id)
        model.Session.delete(token)
    return revoked


def register_grants(today: datetime.date):
    """Grants in force on ``today``, newest first (the public register)."""
    return model.Session.query(Grant).filter(
        Grant.state == "active", Grant.period_end >= today, Grant.period_start <= today
    ).order_by(Grant.created.desc())


def grants_past_end(today: datetime.date):
    """Active or suspended grants whose period ended before ``today``."""
    return model.Session.query(Grant).filter(
        Grant.state.in_(["active", "suspended"]), Grant.period_end < today)


def overdue_requests_not_notified():
    return model.Session.query(Request).filter(
        Request.state == "submitted", Request.due_at < now(),
        Request.overdue_notified_at.is_(None))


def overdue_reports_not_notified():
    return model.Session.query(UsageReport).filter(
        UsageReport.answer.is_(None), UsageReport.due_at < now(),
        UsageReport.overdue_notified_at.is_(None))
