"""Resources hidden pending review (R4.3): a report of personal data exposed
in a resource hides it at once, and the unit's admins or the IT Centre hide
or restore one by hand. The kernel's one visibility function
(``visibility.visible_dataset``) calls :func:`visible_dataset` first, so a
hidden resource leaves package show, resource show (and so the download),
search results and their raw fields, and the activity stream's copies of
earlier versions, for everyone but the unit's members, the IT Centre and
sysadmins. The DataStore is closed to the same people (``datastore_auth``).
Hiding is a row in ``molisa_report_hidden_resource``; restoring sets its
``restored_at`` (the history stays), both are audit events.
"""
from __future__ import annotations

from typing import Any, Optional

from ckan import model

from ckanext.molisa import units
from ckanext.molisa.model import report_queries as queries


def _user(context: dict) -> Optional[model.User]:
    from ckanext.molisa.logic.report_auth import user_of
    return user_of(context)


def sees_hidden(context: dict, owner_org: Optional[str]) -> bool:
    """The unit's members, the IT Centre and sysadmins see a hidden resource
    (work that ignores auth too: the portal's own processes)."""
    if context.get("ignore_auth"):
        return True
    user = _user(context)
    if user is None:
        return False
    from ckanext.molisa.logic.report_auth import is_it_centre
    return is_it_centre(user) or bool(owner_org and owner_org in units.units_of(user))


def _owner_org(pkg_dict: dict) -> Optional[str]:
    owner = pkg_dict.get("owner_org")
    if owner:
        return owner
    pkg = model.Package.get(pkg_dict.get("id") or pkg_dict.get("name") or "")
    return pkg.owner_org if pkg else None


def visible_dataset(context: dict, pkg_dict: dict) -> None:
    """Drop, in place, the hidden resources of ``pkg_dict`` for a user who
    may not see them (and the raw ``res_*`` index fields of the dataset)."""
    package_id = pkg_dict.get("id")
    if not isinstance(package_id, str) or not package_id:
        return
    hidden = queries.hidden_resources(package_id)
    if not hidden or sees_hidden(context, _owner_org(pkg_dict)):
        return
    from ckanext.molisa.visibility import drop_resources
    drop_resources(pkg_dict, set(hidden))


def resource_hidden_from(context: dict, resource_id: Any) -> bool:
    """Whether ``resource_id`` is hidden from the context's user."""
    if not isinstance(resource_id, str) or not resource_id:
        return False
    row = queries.hidden_row(resource_id)
    if row is None:
        return False
    pkg = model.Package.get(row.package_id)
    return not sees_hidden(context, pkg.owner_org if pkg else None)
