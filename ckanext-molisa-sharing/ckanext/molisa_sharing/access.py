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

from ckanext.molisa_sharing.model import Grant

log = logging.getLogger(__name__)

OPEN = "open"
DEFAULT_SHARED = "default_shared"
SPECIAL_REQUEST = "special_request"
INTERNAL = "internal"
LEVELS = (OPEN, DEFAULT_SHARED, SPECIAL_REQUEST, INTERNAL)
#: levels whose data may be shared under a grant
SHAREABLE = (DEFAULT_SHARED, SPECIAL_REQUEST)

#: plugin_extras key of an API token bound to one grant
TOKEN_GRANT_KEY = "molisa_sharing_grant_id"


class Decision(NamedTuple):
    allowed: bool
    #: why: open, internal_call, sysadmin, member, grant, anonymous, internal,
    #: no_grant, suspended, terminated, expired, not_started, not_covered,
    #: address, rate_limited, quota_exceeded, fields
    code: str
    msg: str = ""
    grant_id: Optional[str] = None
    #: the columns the grant opens (empty: all)
    fields: tuple[str, ...] = ()


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


def current_context() -> dict:
    """The context of the logged-in user of this request (anonymous outside
    a request): for hooks that CKAN calls without a context."""
    try:
        from ckan.common import current_user
        if has_request_context() and current_user.is_authenticated:
            return {"user": current_user.name, "auth_user_obj": current_user._get_current_object()}
    except Exception:
        pass
    return {"user": ""}


def _user_obj(context: dict) -> Optional[model.User]:
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
    user = _user_obj(context)
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

def today() -> datetime.date:
    import pytz
    zone = pytz.timezone(tk.config.get("ckan.display_timezone") or "UTC")
    return datetime.datetime.now(zone).date()


def grant_effective_state(grant: Grant, on: Optional[datetime.date] = None) -> str:
    """``active`` only inside its period; an active (or suspended) grant past
    its end is ``expired`` at once, before the sweep records it."""
    on = on or today()
    if grant.state in ("active", "suspended") and on > grant.period_end:
        return "expired"
    if grant.state == "active" and on < grant.period_start:
        return "not_started"
    return grant.state


def apply_url(pkg: Pkg) -> str:
    try:
        return tk.url_for("molisa_sharing.request_new", dataset=pkg.name or pkg.id,
                          _external=True)
    except Exception:  # outside a request: no URL adapter
        return "{}/sharing/requests/new?dataset={}".format(
            (tk.config.get("ckan.site_url") or "").rstrip("/"), pkg.name or pkg.id)


def _deny(code: str, pkg: Pkg, grant: Optional[Grant] = None, **fmt: Any) -> Decision:
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
    return Decision(False, code, messages[code].format(**values),
                    grant.id if grant else None)


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
        return _deny("anonymous", pkg)
    if who.sysadmin:
        return Decision(True, "sysadmin")
    if pkg.owner_org and pkg.owner_org in who.orgs:
        return Decision(True, "member")
    if pkg.level not in SHAREABLE:
        return _deny("internal", pkg)

    bound = token_grant_id()
    refusal: Optional[Decision] = None
    for grant in who.grants:
        if bound and grant.id != bound:
            continue
        if pkg.id not in (grant.datasets or []):
            continue
        state = grant_effective_state(grant)
        if state != "active":
            refusal = refusal or _deny(state, pkg, grant)
            continue
        if resource_id and grant.resources and resource_id not in grant.resources:
            refusal = refusal or _deny("not_covered", pkg, grant)
            continue
        addr = client_addr()
        if not _address_allowed(grant, addr):
            refusal = _deny("address", pkg, grant, addr=addr or "?")
            continue
        fields = tuple(grant.fields or ())
        if whole_file and fields:
            refusal = _deny("fields", pkg, grant)
            continue
        if consume:
            broken = _consume(grant)
            if broken:
                n = (grant.rate_limit_per_minute if broken == "rate_limited"
                     else grant.quota_per_day)
                return _deny(broken, pkg, grant, n=n)
            if has_request_context():
                g.molisa_sharing_grant_used = grant.id
        return Decision(True, "grant", grant_id=grant.id, fields=fields)
    return refusal or _deny("no_grant", pkg)


def may_read_data(context: dict, pkg: Any, resource_id: Optional[str] = None) -> bool:
    return decide(context, pkg, resource_id).allowed


# -- what leaves the portal --------------------------------------------------

RESTRICTED_KEY = "data_access"


def strip_package(context: dict, pkg_dict: dict) -> dict:
    """Blank the URL of every resource whose data the user may not get, and
    mark it ``data_access: restricted`` (metadata stays)."""
    pkg = as_pkg(pkg_dict)
    if pkg is None or pkg.level == OPEN:
        return pkg_dict
    for res in pkg_dict.get("resources") or []:
        if not isinstance(res, dict):
            continue
        if not decide(context, pkg, res.get("id")).allowed:
            res["url"] = ""
            res[RESTRICTED_KEY] = "restricted"
    return pkg_dict


def strip_search_result(context: dict, result: dict) -> dict:
    """A package_search result, including raw Solr fields asked for with
    ``fl`` (``res_url``, ``data_dict``, ``validated_data_dict``)."""
    pkg = as_pkg(result)
    if pkg is None:
        return result
    if not result.get("access_level") and result.get("id") and "resources" not in result:
        pkg = package_by_ref(result["id"]) or pkg
    if pkg.level == OPEN:
        return result
    strip_package(context, result)
    if "res_url" in result and not decide(context, pkg).allowed:
        result["res_url"] = []
    for key in ("data_dict", "validated_data_dict"):
        raw = result.get(key)
        if isinstance(raw, str):
            try:
                inner = json.loads(raw)
            except ValueError:
                result[key] = ""
                continue
            result[key] = json.dumps(strip_package(context, inner))
    return result


def strip_activity(context: dict, activity: dict) -> dict:
    """An activity's copy of a dataset: its resource URLs, unless the user
    may get the data now (the stricter of the dataset's current level and the
    level it had then)."""
    data = activity.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("package"), dict):
        return activity
    copy = data["package"]
    current = package_by_ref(copy.get("id") or activity.get("object_id") or "")
    then = as_pkg(copy)
    for pkg in (current, then):
        if pkg is None or pkg.level == OPEN:
            continue
        for res in copy.get("resources") or []:
            if isinstance(res, dict) and not decide(context, pkg, res.get("id")).allowed:
                res["url"] = ""
                res[RESTRICTED_KEY] = "restricted"
    return activity


