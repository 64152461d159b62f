"""Who may see what of harvesting (R4.3, R12.1): the one decision behind the
harvest auth functions, the harvest source lists and pages, the search index
and the health pages.

Allow-list, deny by default:

- A harvest source that reads another data portal (:data:`PUBLIC_SOURCE_TYPES`:
  the MOLISA CKAN and DCAT harvesters) is public: its page, its runs' summary.
  Its configuration is not (it may hold keys), nor the user name and password
  of its URL.
- Every other source (a sector database, and any kind added later), with its
  jobs, objects, logs and health, is seen only by sysadmins and the admins of
  the unit that owns it, including in search (permission labels).
- A harvest object holds what a harvester read (a remote dataset, a table's
  mapping and SQL): outside those admins, only the object of an open, public
  dataset from a public source is shown.
- ckanext-harvest's log of every harvester (``harvest_log_list``): sysadmins.
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlsplit, urlunsplit

from ckan import authz, model

from ckanext.molisa import access_levels, units

#: source types whose sources are public (they read other portals' public
#: catalogues); every other type is not
PUBLIC_SOURCE_TYPES = frozenset(("molisa_ckan", "molisa_dcat"))

#: All that a person who does not administer a source sees of it (package
#: show, search results, activities, ckanext-harvest's source list). An
#: allow-list: ckanext-harvest spreads a source's configuration into
#: top-level fields of its package (``api_key``...), so naming what to hide
#: would never be enough.
VISIBLE_SOURCE_FIELDS = frozenset((
    "id", "name", "title", "notes", "url", "source_type", "frequency", "active", "state",
    "type", "private", "owner_org", "organization", "publisher_id", "publisher_title",
    "metadata_created", "metadata_modified", "created", "status", "last_job_status",
    "tags", "groups", "resources", "num_resources", "num_tags",
    # a search result's index fields
    "dataset_type", "entity_type", "capacity", "site_id", "index_id", "indexed_ts",
    "data_dict", "validated_data_dict", "score"))

#: the permission label that opens a non-public source in search
ADMIN_LABEL = "molisa-harvest-admin-{org}"


def user_name(context: dict) -> str:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user.name
    return context.get("user") or ""


def administers(context: dict, owner_org: Optional[str]) -> bool:
    """Sysadmins, and the admins of the unit that owns the source."""
    if context.get("ignore_auth"):
        return True
    name = user_name(context)
    if not name:
        return False
    if authz.is_sysadmin(name):
        return True
    return bool(owner_org) and authz.users_role_for_group_or_org(owner_org, name) == "admin"


def source_type_of(package: model.Package) -> str:
    """A harvest source's type, from its package (ckanext-harvest keeps it in
    the extras; the harvest_source row is made only after the package is
    first indexed)."""
    kind = (package.extras or {}).get("source_type")
    if kind:
        return kind
    from ckanext.harvest.model import HarvestSource
    source = HarvestSource.get(package.id)
    return source.type if source is not None else ""


def is_public_type(source_type: Optional[str]) -> bool:
    return source_type in PUBLIC_SOURCE_TYPES


def may_see_source(context: dict, package: model.Package) -> bool:
    return is_public_type(source_type_of(package)) or administers(context, package.owner_org)


def may_see_object(context: dict, obj) -> bool:
    """A harvest object: its source's admins, or anyone for the object of an
    open, public, active dataset from a public source."""
    source_pkg = model.Package.get(obj.harvest_source_id)
    if source_pkg is None:
        return administers(context, None)
    if administers(context, source_pkg.owner_org):
        return True
    if not is_public_type(source_type_of(source_pkg)) or not obj.package_id:
        return False
    pkg = model.Package.get(obj.package_id)
    return bool(pkg is not None and pkg.state == "active" and not pkg.private
                and pkg.extras.get("access_level") == access_levels.OPEN)


def without_credentials(url: Any) -> Any:
    """A URL without its user name and password."""
    if not isinstance(url, str) or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def visible_source(context: dict, source: dict) -> dict:
    """A harvest source (package dict, search result, activity copy or
    ckanext-harvest's source dict) as this user may see it, in place."""
    owner_org = source.get("owner_org") or source.get("publisher_id")
    if not owner_org and source.get("id"):
        package = model.Package.get(source["id"])
        owner_org = package.owner_org if package is not None else None
    if administers(context, owner_org):
        return source
    for key in [key for key in source if key not in VISIBLE_SOURCE_FIELDS]:
        del source[key]
    if "url" in source:
        source["url"] = without_credentials(source["url"])
    return source


#: a harvest source's index fields that CKAN's search needs besides the
#: visible ones (the stored dataset dictionaries are shown only through
#: :func:`visible_source`)
INDEX_FIELDS = VISIBLE_SOURCE_FIELDS | {"permission_labels", "text", "name_ngram",
                                        "title_ngram", "title_string"}


def index_document(pkg_dict: dict) -> dict:
    """A harvest source's search index document, in place: only what anyone
    who may find it may see is searchable (not its configuration, nor the
    credentials of its URL)."""
    if pkg_dict.get("dataset_type") != "harvest":
        return pkg_dict
    for key in [key for key in pkg_dict if key not in INDEX_FIELDS]:
        del pkg_dict[key]
    if "url" in pkg_dict:
        pkg_dict["url"] = without_credentials(pkg_dict["url"])
    return pkg_dict


def dataset_labels(package: model.Package) -> Optional[list[str]]:
    """Search permission labels of a harvest source that is not public: its
    unit's admins only (None: not such a source, the default labels apply)."""
    if package.type != "harvest" or is_public_type(source_type_of(package)):
        return None
    return [ADMIN_LABEL.format(org=package.owner_org or "none")]


def user_labels(user: Optional[model.User]) -> list[str]:
    return [ADMIN_LABEL.format(org=org) for org in units.units_administered(user)]
