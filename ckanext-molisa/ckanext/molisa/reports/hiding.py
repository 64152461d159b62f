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

The table decides. A dataset's search document carries a copy of its hidden
resources' ids (``INDEX_KEY``, written when the dataset is indexed, and the
dataset is indexed again at once when one of its resources is hidden or
restored), so that a search page's results are filtered without a query, the
way CKAN itself keeps private datasets out of search through the index.
Everything else (package show, resource show, activities) reads the table.
"""
from __future__ import annotations

from typing import Any, Optional

import flask

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


_CACHE = "molisa_hidden_resources"
#: the key of the hidden resources' ids in a dataset's indexed dictionary
INDEX_KEY = "molisa_hidden_resources"


def _hidden_now() -> dict[str, set[str]]:
    """Every resource hidden now, by dataset: read once per request (a
    search page shows 20 datasets, and a query for each cost more than the
    search itself), read afresh outside requests."""
    if not flask.has_request_context():
        return queries.hidden_by_package()
    found = flask.g.get(_CACHE)
    if found is None:
        found = queries.hidden_by_package()
        setattr(flask.g, _CACHE, found)
    return found


def changed(package_id: str) -> None:
    """After hiding or restoring one of the dataset's resources (flushed or
    committed): the next read of this request sees the change, and so does
    the dataset's search document."""
    if flask.has_request_context():
        flask.g.pop(_CACHE, None)
    # (not search.rebuild, which commits the session: the action commits)
    from ckan import logic
    logic.index_update_package({"ignore_auth": True}, package_id)


def index_fields(validated: dict) -> None:
    """The copy of the hidden resources' ids in a dataset's indexed
    dictionary (``validated``, in place)."""
    package_id = validated.get("id")
    if isinstance(package_id, str) and package_id:
        validated[INDEX_KEY] = sorted(queries.hidden_resources(package_id))


def visible_dataset(context: dict, pkg_dict: dict, indexed: bool = False) -> None:
    """Drop, in place, the hidden resources of ``pkg_dict`` for a user who
    may not see them (and the raw ``res_*`` index fields of the dataset).
    ``indexed``: ``pkg_dict`` is a search result, whose copy of the hidden
    ids is used when it has one (a document indexed before the copy existed
    has none: the table is read)."""
    listed = pkg_dict.pop(INDEX_KEY, None)
    package_id = pkg_dict.get("id")
    if not isinstance(package_id, str) or not package_id:
        return
    if indexed and isinstance(listed, list):
        hidden = set(listed)
    else:
        hidden = _hidden_now().get(package_id)
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
