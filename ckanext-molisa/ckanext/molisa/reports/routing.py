"""Who handles a report, decided here only: the auth functions, the lists,
the mail on a new report, the reminders and the escalations all ask it.

* A report about a unit's dataset or resource is handled by the unit's
  admins (and the IT Centre, which handles every report).
* A report about community data (a dataset owned by WikiMolisa's
  organisation, ``ckanext.molisa.wiki.organization``) is handled by
  WikiMolisa's moderators (``wiki_auth.is_moderator``: sysadmins, the IT
  Centre, the members of ``ckanext.molisa.wiki.moderator_units``): the
  organisation has no admins of its own, so a report addressed to them
  would reach nobody.
* A report about no dataset (the contact form) is the IT Centre's.
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import units

#: the role in a report's thread of a moderator answering on community data
MODERATOR = "moderator"


def community_org_id() -> Optional[str]:
    """The id of WikiMolisa's organisation, if it exists yet."""
    name = tk.config.get("ckanext.molisa.wiki.organization") or "wikimolisa"
    group = model.Group.get(name)
    if group is None or not group.is_organization or group.state != "active":
        return None
    return group.id


def is_community(owner_org: Optional[str]) -> bool:
    return bool(owner_org) and owner_org == community_org_id()


def _is_moderator(user: Optional[model.User]) -> bool:
    from ckanext.molisa.logic.wiki_auth import is_moderator
    return is_moderator(user)


def manages(user: Optional[model.User], owner_org: Optional[str]) -> bool:
    """Whether ``user`` answers for the data of ``owner_org`` as its
    managing unit: the unit's admins, or WikiMolisa's moderators for
    community data."""
    if user is None or not owner_org:
        return False
    if is_community(owner_org):
        return _is_moderator(user)
    return owner_org in units.units_administered(user)


def units_managed(user: Optional[model.User]) -> list[str]:
    """The ids of the organisations whose reports ``user`` handles as the
    managing unit (for the lists)."""
    found = list(units.units_administered(user))
    community = community_org_id()
    if community and community not in found and _is_moderator(user):
        found.append(community)
    return found


def unit_role(owner_org: Optional[str]) -> str:
    """The role in the thread of who answers as the managing unit."""
    return MODERATOR if is_community(owner_org) else "unit"


def moderator_recipients() -> list[tuple[str, str]]:
    """WikiMolisa's moderators who can be mailed: the IT Centre (its
    address, or the sysadmins') and the active members of the moderating
    units."""
    from ckanext.molisa.reports.mail import it_centre_recipients
    recipients = list(it_centre_recipients())
    for name in tk.aslist(tk.config.get("ckanext.molisa.wiki.moderator_units")):
        group = model.Group.get(name)
        if group is None:
            continue
        members = model.Session.query(model.User).join(
            model.Member, model.Member.table_id == model.User.id).filter(
            model.Member.group_id == group.id, model.Member.table_name == "user",
            model.Member.state == "active", model.User.state == "active")
        recipients += [(u.display_name, u.email) for u in members if u.email]
    return unique(recipients)


def unit_recipients(owner_org: Optional[str]) -> list[tuple[str, str]]:
    """Who is mailed as the managing unit of ``owner_org``."""
    if is_community(owner_org):
        return moderator_recipients()
    return list(units.unit_admin_recipients(owner_org))


def unique(recipients: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, found = set(), []
    for name, address in recipients:
        if address.lower() not in seen:
            seen.add(address.lower())
            found.append((name, address))
    return found
