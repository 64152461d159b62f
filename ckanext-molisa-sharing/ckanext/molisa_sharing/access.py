"""Who may get a dataset's data: the one decision function (R12.5, R17.1,
R18.3).

A dataset's ``access_level`` (from the MOLISA schema) decides:

- ``open``: anyone;
- ``default_shared``: the owning unit, and holders of an active grant that
  covers it (a state agency's connection account gets one when its
  default-sharing request is approved);
- ``special_request``: the owning unit, and holders of an active grant that
  covers it;
- ``internal`` (and a missing or unknown level: deny by default): the owning
  unit's members and sysadmins only.

Metadata stays visible (except ``internal``, which is private in CKAN's sense);
this module decides about *data*: downloads, DataStore reads, resource URLs,
views, exports. Every path asks :func:`decide`, through the auth function
``molisa_sharing_data_access`` or the chained actions in
``logic/chained.py``; nothing else decides.

Facts about the user (sysadmin, units, grants) are read once per HTTP request
and kept on ``flask.g``.
"""
from __future__ import annotations

import datetime
import ipaddress
import json
import logging
from typing import Any, NamedTuple, Optional

import sqlalchemy as sa
from flask import g, has_request_context, request

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa.access_levels import OPEN, SHAREABLE
from ckanext.molisa_sharing.deadlines import today
from ckanext.molisa_sharing.model import TOKEN_GRANT_KEY, Grant, grant_effective_state

log = logging.getLogger(__name__)


class Decision:
    """The answer of :func:`decide`. A refusal's message (in the user's
    language, with where to apply) is written only when it is read: most
    refusals (a search result's restricted resource) are never shown."""

    __slots__ = ("allowed", "code", "grant_id", "fields", "_msg", "_pkg", "_grant", "_fmt")

    def __init__(self, allowed: bool, code: str, msg: str = "", grant_id: Optional[str] = None,
                 fields: tuple[str, ...] = (), *, pkg: Optional["Pkg"] = None,
                 grant: Optional[Grant] = None, fmt: Optional[dict] = None):
        #: why: open, internal_call, sysadmin, member, grant, anonymous,
        #: internal, no_grant, suspended, terminated, expired, not_started,
        #: not_covered, address, rate_limited, quota_exceeded, fields
        self.allowed, self.code, self.grant_id = allowed, code, grant_id
        #: the columns the grant opens (empty: all)
        self.fields = fields
        self._msg, self._pkg, self._grant, self._fmt = msg, pkg, grant, fmt or {}

    @property
    def msg(self) -> str:
        if not self._msg and self._pkg is not None:
            self._msg = _message(self.code, self._pkg, self._grant, **self._fmt)
        return self._msg

    def __repr__(self) -> str:
        return f"Decision({self.allowed}, {self.code!r}, grant_id={self.grant_id!r})"


class _Facts(NamedTuple):
    user_id: str
    name: str
    sysadmin: bool
    orgs: frozenset
    grants: tuple  # of GrantFacts (plain copies of the rows)


# -- the package -------------------------------------------------------------

class Pkg(NamedTuple):
    id: str
    name: str
    owner_org: Optional[str]
    level: str


def as_pkg(pkg: Any) -> Optional[Pkg]:
    """A dataset's id, name, unit and access level, from a dict (package_show,
    a search result, an activity's copy) or a ``model.Package``."""
    if pkg is None:
        return None
    if isinstance(pkg, model.Package):
        extras = pkg.extras
        return Pkg(pkg.id, pkg.name, pkg.owner_org, extras.get("access_level") or "")
    if isinstance(pkg, dict):
        level = pkg.get("access_level")
        if level is None:
            for extra in pkg.get("extras") or []:
                if isinstance(extra, dict) and extra.get("key") == "access_level":
                    level = extra.get("value")
        return Pkg(pkg.get("id") or "", pkg.get("name") or "", pkg.get("owner_org"), level or "")
    return None


def package_by_ref(ref: str) -> Optional[Pkg]:
    pkg = model.Package.get(ref)
    return as_pkg(pkg) if pkg is not None and pkg.state != "deleted" else None


def package_of_resource(resource_id: str) -> Optional[Pkg]:
    res = model.Resource.get(resource_id)
    if res is None or res.state == "deleted":
        return None
    # held for the request, so that the session's identity map answers the
    # next lookups of this resource and its dataset (the download check, the
    # auth function, CKAN's view) without a query; a commit still expires it
    _cache()[("resource", resource_id)] = res
    return as_pkg(res.package)


def datastore_resource_id(name: str) -> str:
    """The resource behind a DataStore table name, which may be an alias."""
    if not name or model.Resource.get(name) is not None:
        return name
    try:
        from ckanext.datastore.backend import DatastoreBackend
        _exists, real_id = DatastoreBackend.get_active_backend().resource_id_from_alias(name)
    except Exception:  # no DataStore, or not a table: the caller decides
        return name
    return real_id or name


# -- the user ----------------------------------------------------------------

def _cache() -> dict:
    if has_request_context():
        if not hasattr(g, "molisa_sharing_cache"):
            g.molisa_sharing_cache = {}
        return g.molisa_sharing_cache
    return {}


def forget() -> None:
    """Drop what this request has read (after a grant or membership changes)."""
    if has_request_context() and hasattr(g, "molisa_sharing_cache"):
        g.molisa_sharing_cache = {}


def user_of(context: dict) -> Optional[model.User]:
    """The user an action's context is for (``None``: anonymous), without a
    query when it is the request's own user."""
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    if not name:
        return None
    if has_request_context():
        # the request's own user is loaded already: no query
        try:
            from ckan.common import current_user
            if current_user.is_authenticated and name in (current_user.name, current_user.id):
                return current_user._get_current_object()
        except Exception:
            pass
    return model.User.get(name)


class GrantFacts:
    """What the decision reads of a grant (a plain copy of its row)."""

    __slots__ = ("id", "kind", "state", "datasets", "resources", "fields", "period_start",
                 "period_end", "allowed_ips", "rate_limit_per_minute", "quota_per_day",
                 "state_reason")

    def __init__(self, row: dict):
        for name in self.__slots__:
            value = row.get(name)
            if name in ("period_start", "period_end") and isinstance(value, str):
                value = datetime.date.fromisoformat(value[:10])
            setattr(self, name, value)


#: the user's units, grants and (if any) the bound token's extras: one round trip
_FACTS_SQL = sa.text("""
    SELECT 'org' AS kind, m.group_id AS value FROM member m
     WHERE m.table_name = 'user' AND m.table_id = :uid AND m.state = 'active'
    UNION ALL
    SELECT 'grant', row_to_json(gr)::text FROM molisa_sharing_grant gr WHERE gr.holder_id = :uid
    UNION ALL
    SELECT 'token', t.plugin_extras::text FROM api_token t WHERE t.id = :jti
""")


def facts(context: dict) -> Optional[_Facts]:
    user = user_of(context)
    if user is None or user.state != "active":
        return None
    cache = _cache()
    key = ("facts", user.id)
    if key not in cache:
        jti = getattr(g, "molisa_sharing_token_jti", None) if has_request_context() else None
        orgs, grants, bound = set(), [], None
        for kind, value in model.Session.execute(_FACTS_SQL, {"uid": user.id, "jti": jti or ""}):
            if kind == "org":
                orgs.add(value)
            elif kind == "grant":
                grants.append(GrantFacts(json.loads(value)))
            elif value:
                bound = (json.loads(value) or {}).get(TOKEN_GRANT_KEY)
        cache[key] = _Facts(user.id, user.name, bool(user.sysadmin), frozenset(orgs),
                            tuple(grants))
        if jti:
            cache["token_grant"] = bound
    return cache[key]


def token_grant_id() -> Optional[str]:
    """The grant the request's API token is bound to, if any (read with the
    user's facts)."""
    if not has_request_context():
        return None
    jti = getattr(g, "molisa_sharing_token_jti", None)
    if not jti:
        return None
    cache = _cache()
    if "token_grant" not in cache:
        token = model.ApiToken.get(jti)
        extras = (token.plugin_extras or {}) if token is not None else {}
        cache["token_grant"] = extras.get(TOKEN_GRANT_KEY)
    return cache["token_grant"]


# -- the decision ------------------------------------------------------------

def apply_url(pkg: Pkg) -> str:
    try:
        return tk.url_for("molisa_sharing.request_new", dataset=pkg.name or pkg.id,
                          _external=True)
    except Exception:  # outside a request: no URL adapter
        return "{}/sharing/requests/new?dataset={}".format(
            (tk.config.get("ckan.site_url") or "").rstrip("/"), pkg.name or pkg.id)


def deny(code: str, pkg: Pkg, grant: Optional[Grant] = None, **fmt: Any) -> Decision:
    """A refusal of ``code`` (see :class:`Decision`) about ``pkg``; its
    message is written when it is read."""
    return Decision(False, code, grant_id=grant.id if grant else None, pkg=pkg, grant=grant,
                    fmt=fmt)


def _message(code: str, pkg: Pkg, grant: Optional[Grant] = None, **fmt: Any) -> str:
    """Why the data is refused, in the user's language, with where to apply."""
    url = apply_url(pkg)
    messages = {
        "anonymous": tk._("The data of this dataset is not open. Log in and apply for access: "
                          "{url}"),
        "internal": tk._("The data of this dataset is for internal use by its unit only."),
        "no_grant": tk._("The data of this dataset is shared only with approved users. Apply "
                         "for access: {url}"),
        "not_covered": tk._("Your grant does not cover this resource. Apply for access: {url}"),
        "suspended": tk._("Your access grant is suspended: {reason}"),
        "terminated": tk._("Your access grant was terminated: {reason}"),
        "expired": tk._("Your access grant expired on {end}. Apply again: {url}"),
        "not_started": tk._("Your access grant starts on {start}."),
        "address": tk._("Your access grant does not allow requests from this address "
                        "({addr})."),
        "rate_limited": tk._("Too many requests under your access grant: at most {n} per "
                             "minute."),
        "quota_exceeded": tk._("The daily quota of your access grant ({n} requests) is used "
                               "up."),
        "fields": tk._("Your grant covers some fields of this resource only: use the "
                       "DataStore API (datastore_search), which returns those fields."),
    }
    values = {"url": url, "reason": (grant.state_reason if grant else "") or "",
              "end": grant.period_end.isoformat() if grant else "",
              "start": grant.period_start.isoformat() if grant else ""}
    values.update(fmt)
    return messages[code].format(**values)


def _in_networks(addr: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    for net in networks:
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_addr() -> Optional[str]:
    """The client's address. Behind a reverse proxy listed in
    ``ckanext.molisa_sharing.trusted_proxies`` (nginx in docker/), the
    right-most address of ``X-Forwarded-For`` that is not one of those
    proxies; a client cannot forge its way past them."""
    if not has_request_context():
        return None
    addr = request.remote_addr
    trusted = tk.aslist(tk.config.get("ckanext.molisa_sharing.trusted_proxies") or [])
    if not addr or not trusted or not _in_networks(addr, trusted):
        return addr
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in_networks(hop, trusted):
            return hop
    return addr



def _address_allowed(grant: Grant, addr: Optional[str]) -> bool:
    return not grant.allowed_ips or bool(addr and _in_networks(addr, grant.allowed_ips))


def _consume(grant: Grant) -> Optional[str]:
    """Counts one data request against the grant's limits; the code of the
    limit it breaks, if any. Counters live in Redis."""
    if not grant.rate_limit_per_minute and not grant.quota_per_day:
        return None
    from ckan.lib.redis import connect_to_redis
    conn = connect_to_redis()
    now = datetime.datetime.now(datetime.timezone.utc)
    pipe = conn.pipeline()
    minute_key = f"molisa_sharing:rate:{grant.id}:{now:%Y%m%d%H%M}"
    day_key = f"molisa_sharing:quota:{grant.id}:{today():%Y%m%d}"
    pipe.incr(minute_key)
    pipe.expire(minute_key, 120)
    pipe.incr(day_key)
    pipe.expire(day_key, 2 * 86400)
    minute_count, _, day_count, _ = pipe.execute()
    if grant.rate_limit_per_minute and minute_count > grant.rate_limit_per_minute:
        return "rate_limited"
    if grant.quota_per_day and day_count > grant.quota_per_day:
        return "quota_exceeded"
    return None


def decide(context: dict, pkg: Any, resource_id: Optional[str] = None, *,
           consume: bool = False, whole_file: bool = False) -> Decision:
    """May the context's user get this dataset's (or resource's) data?

    :param pkg: a package dict or ``model.Package`` (or a :class:`Pkg`)
    :param resource_id: the resource asked for; ``None`` for the dataset
    :param consume: a real data request: count it against the grant's limits
    :param whole_file: the whole file is asked for (a download): a grant
        limited to some fields does not open it
    """
    if not isinstance(pkg, Pkg):
        pkg = as_pkg(pkg)
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if pkg.level == OPEN:
        return Decision(True, "open")
    if context.get("ignore_auth"):
        return Decision(True, "internal_call")
    who = facts(context)
    if who is None:
        return deny("anonymous", pkg)
    if who.sysadmin:
        return Decision(True, "sysadmin")
    if pkg.owner_org and pkg.owner_org in who.orgs:
        return Decision(True, "member")
    if pkg.level not in SHAREABLE:
        return deny("internal", pkg)

    bound = token_grant_id()
    refusal: Optional[Decision] = None
    for grant in who.grants:
        if bound and grant.id != bound:
            continue
        if pkg.id not in (grant.datasets or []):
            continue
        state = grant_effective_state(grant)
        if state != "active":
            refusal = refusal or deny(state, pkg, grant)
            continue
        if resource_id and grant.resources and resource_id not in grant.resources:
            refusal = refusal or deny("not_covered", pkg, grant)
            continue
        addr = client_addr()
        if not _address_allowed(grant, addr):
            refusal = deny("address", pkg, grant, addr=addr or "?")
            continue
        fields = tuple(grant.fields or ())
        if whole_file and fields:
            refusal = deny("fields", pkg, grant)
            continue
        if consume:
            broken = _consume(grant)
            if broken:
                n = (grant.rate_limit_per_minute if broken == "rate_limited"
                     else grant.quota_per_day)
                return deny(broken, pkg, grant, n=n)
            if has_request_context():
                g.molisa_sharing_grant_used = grant.id
        return Decision(True, "grant", grant_id=grant.id, fields=fields)
    return refusal or deny("no_grant", pkg)


def may_read_data(context: dict, pkg: Any, resource_id: Optional[str] = None) -> bool:
    return decide(context, pkg, resource_id).allowed


# -- what leaves the portal --------------------------------------------------

RESTRICTED_KEY = "data_access"

#: All that a person who may not get a restricted resource's data sees of it:
#: what identifies and describes it. An allow-list: any link field (``url``,
#: ``download_url``, ``access_url``, an extra that a unit, a harvester or a
#: later CKAN adds) is withheld without being named here.
VISIBLE_RESOURCE_FIELDS = frozenset((
    "id", "package_id", "name", "description", "format", "size", "mimetype", "columns",
    "created", "last_modified", "position", RESTRICTED_KEY,
    # whether the rows are in the DataStore: the public catalogue of
    # data-sharing services (R12.4) names the API through which an approved
    # agency gets them, and their structure
    "datastore_active"))

#: Of a search index document's resource fields (``fl``), those that stay for
#: such a person; ``res_url``, ``urls``, ``res_extras_*`` and anything else are
#: withheld, and they are not indexed for restricted datasets at all
#: (:func:`index_document`), so that nobody finds a dataset by probing them.
VISIBLE_INDEX_FIELDS = frozenset(("res_name", "res_description", "res_format"))


def _resource_derived(key: str) -> bool:
    return key.startswith("res_") or key == "urls"


def visible_resource(context: dict, pkg: Pkg, res: dict) -> dict:
    """A resource as the user may see it: whole if they may get its data,
    otherwise only :data:`VISIBLE_RESOURCE_FIELDS`, marked restricted."""
    if pkg.level == OPEN or decide(context, pkg, res.get("id")).allowed:
        return res
    shown = {key: value for key, value in res.items() if key in VISIBLE_RESOURCE_FIELDS}
    shown[RESTRICTED_KEY] = "restricted"
    return shown


def _every_resource_allowed(context: dict, pkg: Pkg) -> bool:
    package = model.Package.get(pkg.id)
    if package is None:
        return False
    return all(decide(context, pkg, res.id).allowed for res in package.resources)


def visible_dataset(context: dict, pkg_dict: dict, snapshot: bool = False) -> None:
    """This plugin's rule of the visible view (``IMolisaVisibility``): in a
    dataset that is not open, each resource whose data the user may not get
    keeps only :data:`VISIBLE_RESOURCE_FIELDS`, and a search result's raw
    resource fields (``fl``: ``res_url``, ``urls``, ``res_extras_*``) go unless
    the user may get every resource's data. A snapshot (an activity's copy)
    is judged by the stricter of its level then and the dataset's level now.
    Harvest sources are not datasets with data: their rule is harvesting's."""
    if pkg_dict.get("type") == "harvest" or pkg_dict.get("dataset_type") == "harvest":
        return
    pkg = as_pkg(pkg_dict)
    if pkg is None:
        return
    if not pkg_dict.get("access_level") and pkg.id and "resources" not in pkg_dict:
        pkg = package_by_ref(pkg.id) or pkg    # a search result's fl left the level out
    judged = [pkg]
    if snapshot:
        now = package_by_ref(pkg.id)
        if now is not None:
            judged.append(now)
    for each in judged:
        if each.level == OPEN:
            continue
        resources = pkg_dict.get("resources")
        if isinstance(resources, list):
            pkg_dict["resources"] = [visible_resource(context, each, res)
                                     if isinstance(res, dict) else res for res in resources]
        derived = [key for key in pkg_dict if _resource_derived(key)
                   and key not in VISIBLE_INDEX_FIELDS]
        if derived and not _every_resource_allowed(context, each):
            for key in derived:
                del pkg_dict[key]


def index_document(pkg_dict: dict) -> dict:
    """A dataset's search index document, in place: the links of a dataset
    that is not open (its resources' URLs and every other resource field but
    :data:`VISIBLE_INDEX_FIELDS`) are not indexed, so that no query finds it by
    them; the stored ``validated_data_dict`` keeps them for those entitled."""
    raw = pkg_dict.get("validated_data_dict")
    source = json.loads(raw) if isinstance(raw, str) and raw else pkg_dict
    pkg = as_pkg(source)
    if pkg is None or pkg.level == OPEN:
        return pkg_dict
    for key in [key for key in pkg_dict if _resource_derived(key)]:
        if key not in VISIBLE_INDEX_FIELDS:
            del pkg_dict[key]
    return pkg_dict
