"""The units (organizations) and the people who administer them: "the admins
of this unit" and "the units a user administers", asked by sharing (who
reviews a request), harvesting (who sees a source that is not public, who is
mailed when its run fails) and the templates.

An admin is an active member with CKAN's ``admin`` capacity; a deleted or
pending membership, or a deleted user, does not count.
"""
from __future__ import annotations

from typing import Optional

from ckan import model

ADMIN = "admin"


def _known(user) -> bool:
    """A logged-in account: not None and not CKAN's anonymous user (which
    search permission labels are asked for on every anonymous search; it is
    a member of nothing, so no query)."""
    return user is not None and not getattr(user, "is_anonymous", False) \
        and bool(getattr(user, "id", None))


def units_administered(user: Optional[model.User]) -> list[str]:
    """The ids of the units ``user`` is an admin of (not all units for a
    sysadmin: callers decide what a sysadmin may do)."""
    if not _known(user):
        return []
    rows = model.Session.query(model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active", model.Member.capacity == ADMIN)
    return [row[0] for row in rows]


def units_of(user: Optional[model.User]) -> list[str]:
    """The ids of the units ``user`` is an active member of (any capacity)."""
    if not _known(user):
        return []
    rows = model.Session.query(model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active")
    return [row[0] for row in rows]


def unit_admins(owner_org: Optional[str]) -> list[model.User]:
    """The active users who administer the unit ``owner_org``."""
    if not owner_org:
        return []
    return model.Session.query(model.User).join(
        model.Member, model.Member.table_id == model.User.id).filter(
        model.Member.group_id == owner_org, model.Member.table_name == "user",
        model.Member.state == "active", model.Member.capacity == ADMIN,
        model.User.state == "active").all()


def unit_admin_recipients(owner_org: Optional[str]) -> list[tuple[str, str]]:
    """(name, address) of the unit's admins who have an e-mail address."""
    return [(u.display_name, u.email) for u in unit_admins(owner_org) if u.email]


def sysadmin_recipients() -> list[tuple[str, str]]:
    """(name, address) of the active sysadmins who have an e-mail address."""
    return [(u.display_name, u.email) for u in model.Session.query(model.User).filter(
        model.User.sysadmin.is_(True), model.User.state == "active") if u.email]
