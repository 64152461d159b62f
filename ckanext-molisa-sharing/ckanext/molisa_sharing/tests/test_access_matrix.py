"""The authorization matrix (R12.4, R12.5, R17.1, R18.3, R18.4, R18.5, R4.3):
every role × every access level × every path to a dataset's data, over HTTP
as a client sees it.

The world is built once for the module (``module_world``) and then only read;
each case is one (role, level) pair and checks every path, listing every
mismatch. Allowed: the data comes back (rows, the file, the resource URL).
Denied: a 403 (never a 500) whose message says why and how to apply, and no
resource URL anywhere; ``internal`` datasets are invisible outside their unit.
"""
from __future__ import annotations

import datetime
import html
import json
from dataclasses import dataclass, field

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_sharing import access
from ckanext.molisa.testing.factories import LEVELS, act, pdf_upload, request_data

SUSPEND_REASON = "Sử dụng dữ liệu sai mục đích đã đăng ký"
AGENCY = "Bảo hiểm xã hội Việt Nam"

#: the roles, in the order of the matrix
ROLES = ("anonymous", "user", "grantee", "shared_grantee", "suspended", "expired",
         "expired_swept", "agency", "unit_member", "unit_admin", "other_admin", "sysadmin")
MEMBERS = ("unit_member", "unit_admin", "sysadmin")

ALLOW, DENY, INVISIBLE = "allow", "deny", "invisible"


def expected(role: str, level: str) -> tuple[str, str]:
    """(outcome, why) of the access decision for ``role`` on the dataset at
    ``level``; ``why`` names the refusal (the message it must carry)."""
    if level == "open" or role in MEMBERS:
        return ALLOW, ""
    if level == "internal":
        return INVISIBLE, "internal"
    holders = {"special_request": ("grantee",), "default_shared": ("shared_grantee", "agency")}
    if role in holders[level]:
        return ALLOW, ""
    if role == "anonymous":
        return DENY, "anonymous"
    if level == "special_request" and role == "suspended":
        return DENY, "suspended"
    if level == "special_request" and role in ("expired", "expired_swept"):
        return DENY, "expired"
    return DENY, "no_grant"


def _yesterday() -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=1)


@dataclass
class Matrix:
    world: object
    tokens: dict            # role -> Authorization header value (None: anonymous)
    grants: dict            # role -> grant dict
    views: dict             # level -> resource view id
    activities: dict        # level -> (create activity id, latest activity id)
    agency_account: str = ""
    extra: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def matrix(module_world, molisa_mail_server):
    w = module_world
    today = datetime.date.today()
    past = {"period_start": today - datetime.timedelta(days=30), "period_end": _yesterday()}
    shared_grantee = factories.UserWithToken(name="shared-grantee")
    swept = factories.UserWithToken(name="swept-grantee")
    grants = {
        "grantee": w.grant(w.grantee, "special_request"),
        "shared_grantee": w.grant(shared_grantee, "default_shared"),
        "suspended": w.grant(w.suspended_grantee, "special_request"),
        "expired_swept": w.grant(swept, "special_request"),
    }
    act(w.unit_admin, "molisa_sharing_grant_suspend", id=grants["suspended"]["id"],
        reason=SUSPEND_REASON)
    # swept: past its end, and the sweep has recorded it
    w.set_grant(grants["expired_swept"]["id"], **past)
    act(w.sysadmin, "molisa_sharing_sweep")
    # expired: past its end, the sweep has not run yet (still "active" in its row)
    grants["expired"] = w.grant(w.expired_grantee, "special_request")
    w.set_grant(grants["expired"]["id"], **past)
    # a state agency's default-sharing request: its connection account holds the grant
    req = act(w.agency_applicant, "molisa_sharing_request_create",
              **request_data([w.datasets["default_shared"]["id"]], kind="service",
                             requester_type="state_agency", requester_organization=AGENCY,
                             system_connection=True, security_level=3),
              attachments=pdf_upload())
    act(w.agency_applicant, "molisa_sharing_request_submit", id=req["id"])
    req = act(w.unit_admin, "molisa_sharing_request_approve", id=req["id"])
    grants["agency"] = act(w.sysadmin, "molisa_sharing_grant_show", id=req["grant_id"])
    token = act(w.agency_applicant, "molisa_sharing_grant_token_create",
                id=req["grant_id"])["token"]

    people = {"anonymous": None, "user": w.user, "grantee": w.grantee,
              "shared_grantee": shared_grantee, "suspended": w.suspended_grantee,
              "expired": w.expired_grantee, "expired_swept": swept,
              "unit_member": w.unit_member, "unit_admin": w.unit_admin,
              "other_admin": w.other_admin, "sysadmin": w.sysadmin}
    tokens = {role: (p["token"] if p else None) for role, p in people.items()}
    tokens["agency"] = token

    views, activities = {}, {}
    admin = {"user": w.sysadmin["name"]}
    for level in LEVELS:
        rid = w.resources[level]["id"]
        existing = helpers.call_action("resource_view_list", context=dict(admin), id=rid)
        view = next((v for v in existing if v["view_type"] == "datatables_view"), None)
        if view is None:
            view = helpers.call_action("resource_view_create", context=dict(admin),
                                       resource_id=rid, view_type="datatables_view",
                                       title="Bảng")
        views[level] = view["id"]
        stream = helpers.call_action("package_activity_list", context=dict(admin),
                                     id=w.datasets[level]["id"])
        create = next(a for a in stream if a["activity_type"] == "new package")
        latest = next(a for a in stream if a["activity_type"] == "changed package")
        activities[level] = (create["id"], latest["id"])
    account = helpers.call_action("user_show", context=dict(admin),
                                  id=grants["agency"]["holder_id"])["name"]
    return Matrix(w, tokens, grants, views, activities, agency_account=account)


@pytest.fixture(scope="module")
def matrix_app(matrix):
    """One app for the module; the plugins stay loaded from ``module_world``
    (reloaded here with the SQL search on, which the DataStore reads when it
    loads)."""
    import ckan.plugins as plugins
    from ckan.common import config

    config["ckan.datastore.sqlsearch.enabled"] = True
    plugins.load_all()
    return helpers._get_test_app()


# -- one client ----------------------------------------------------------------

class Client:
    """The HTTP calls of one role, and the mismatches found."""

    def __init__(self, app, matrix: Matrix, role: str, level: str):
        self.app, self.m, self.role, self.level = app, matrix, role, level
        self.token = matrix.tokens[role]
        self.pkg = matrix.world.datasets[level]
        self.res = matrix.world.resources[level]
        self.problems: list[str] = []

    def headers(self) -> dict:
        return {"Authorization": self.token} if self.token else {}

    def get(self, url: str, **params):
        return self.app.get(url, headers=self.headers(), query_string=params or None)

    def api(self, action: str, **data):
        resp = self.app.post(f"/api/3/action/{action}", json=data, headers=self.headers())
        return resp, (resp.json if resp.content_type.startswith("application/json") else None)

    def fail(self, path: str, what: str) -> None:
        self.problems.append(f"{path}: {what}")

    def check(self, path: str, ok: bool, what: str) -> bool:
        if not ok:
            self.fail(path, what)
        return ok


def _message_marks(m: Matrix, level: str, why: str) -> list[str]:
    """Texts the refusal must carry: how to apply, the reason, the end date
    (language-independent parts of the messages)."""
    name = m.world.datasets[level]["name"]
    if why in ("anonymous", "no_grant"):
        return [f"/sharing/requests/new?dataset={name}"]
    if why == "suspended":
        return [SUSPEND_REASON]
    if why == "expired":
        return [_yesterday().isoformat()]
    return []


def _check_refusal(c: Client, path: str, resp, why: str, text: str) -> None:
    allowed_status = (403, 404) if why == "internal" else (403,)
    if not c.check(path, resp.status_code in allowed_status,
                   f"status {resp.status_code}, expected {allowed_status}"):
        return
    text = html.unescape(text)
    for mark in _message_marks(c.m, c.level, why):
        c.check(path, mark in text, f"refusal does not say {mark!r}: {text[:300]!r}")


def _api_refusal(c: Client, path: str, resp, body, why: str) -> None:
    message = ""
    if isinstance(body, dict):
        message = json.dumps(body.get("error") or {}, ensure_ascii=False)
    _check_refusal(c, path, resp, why, message)


def _url_ok(c: Client, path: str, url, allowed: bool) -> None:
    if allowed:
        c.check(path, bool(url) and c.res["id"] in url, f"no resource URL for an allowed user: {url!r}")
    else:
        c.check(path, not url, f"resource URL leaked: {url!r}")


def _resources_ok(c: Client, path: str, resources, allowed: bool) -> None:
    mine = [r for r in resources or [] if isinstance(r, dict) and r.get("id") == c.res["id"]]
    if not c.check(path, len(mine) == 1, f"resource not listed ({len(mine)})"):
        return
    res = mine[0]
    if allowed:
        c.check(path, bool(res.get("url")), "no URL for an allowed user")
    else:
        # the allow-list of what an outsider sees of a restricted resource
        c.check(path, set(res) <= access.VISIBLE_RESOURCE_FIELDS
                and res.get("data_access") == "restricted",
                f"more than the allowed fields: {sorted(set(res) - access.VISIBLE_RESOURCE_FIELDS)}"
                f", {res.get('data_access')!r}")


# -- the paths -----------------------------------------------------------------

def path_download(c: Client, outcome: str, why: str) -> None:
    resp = c.get(f"/dataset/{c.pkg['id']}/resource/{c.res['id']}/download")
    if outcome == ALLOW:
        c.check("download", resp.status_code == 200 and b"ha-noi" in resp.data,
                f"status {resp.status_code}")
    else:
        _check_refusal(c, "download", resp, why, resp.get_data(as_text=True))


def path_datastore_search(c: Client, outcome: str, why: str) -> None:
    resp, body = c.api("datastore_search", resource_id=c.res["id"])
    if outcome == ALLOW:
        c.check("datastore_search", resp.status_code == 200 and body["result"]["total"] == 2,
                f"status {resp.status_code}: {body}")
    else:
        _api_refusal(c, "datastore_search", resp, body, why)


def path_datastore_search_sql(c: Client, outcome: str, why: str) -> None:
    resp, body = c.api("datastore_search_sql", sql=f'SELECT tinh FROM "{c.res["id"]}"')
    if outcome == ALLOW:
        c.check("datastore_search_sql",
                resp.status_code == 200 and len(body["result"]["records"]) == 2,
                f"status {resp.status_code}: {body}")
    else:
        _api_refusal(c, "datastore_search_sql", resp, body, why)


def path_dump(c: Client, outcome: str, why: str) -> None:
    resp = c.get(f"/datastore/dump/{c.res['id']}")
    if outcome == ALLOW:
        c.check("datastore dump", resp.status_code == 200 and b"ha-noi" in resp.data,
                f"status {resp.status_code}")
    else:
        _check_refusal(c, "datastore dump", resp, why, resp.get_data(as_text=True))


def path_package_show(c: Client, outcome: str, why: str) -> None:
    resp, body = c.api("package_show", id=c.pkg["id"])
    if outcome == INVISIBLE:
        c.check("package_show", resp.status_code in (403, 404), f"visible: {resp.status_code}")
        return
    if c.check("package_show", resp.status_code == 200, f"status {resp.status_code}"):
        _resources_ok(c, "package_show", body["result"]["resources"], outcome == ALLOW)


def path_resource_show(c: Client, outcome: str, why: str) -> None:
    resp, body = c.api("resource_show", id=c.res["id"])
    if outcome == INVISIBLE:
        c.check("resource_show", resp.status_code in (403, 404), f"visible: {resp.status_code}")
        return
    if c.check("resource_show", resp.status_code == 200, f"status {resp.status_code}"):
        _resources_ok(c, "resource_show", [body["result"]], outcome == ALLOW)


def _search(c: Client, **params):
    return c.api("package_search", q=f'name:"{c.pkg["name"]}"', include_private=True, **params)


def path_package_search(c: Client, outcome: str, why: str) -> None:
    resp, body = _search(c)
    if not c.check("package_search", resp.status_code == 200, f"status {resp.status_code}"):
        return
    results = body["result"]["results"]
    if outcome == INVISIBLE:
        c.check("package_search", results == [], "an internal dataset is found")
        return
    if c.check("package_search", len(results) == 1, f"{len(results)} results"):
        _resources_ok(c, "package_search", results[0]["resources"], outcome == ALLOW)


def path_package_search_fl(c: Client, outcome: str, why: str) -> None:
    for fl in ("id,name,res_url", "res_url", "id,validated_data_dict", "validated_data_dict",
               "data_dict"):
        path = f"package_search fl={fl}"
        resp, body = _search(c, fl=fl)
        if not c.check(path, resp.status_code == 200, f"status {resp.status_code}"):
            continue
        results = body["result"]["results"]
        if outcome == INVISIBLE:
            c.check(path, results == [], "an internal dataset is found")
            continue
        if not c.check(path, len(results) == 1, f"{len(results)} results"):
            continue
        result = results[0]
        if "res_url" in fl:
            urls = result.get("res_url") or []
            if outcome == ALLOW and c.level == "open":
                c.check(path, any(c.res["id"] in u for u in urls), f"no URL: {urls}")
            elif c.level != "open":
                # a restricted dataset's links are not indexed at all (nobody can
                # probe them); those allowed get them from the dataset itself
                c.check(path, not any(urls), f"URL indexed: {urls}")
        else:
            key = fl.split(",")[-1]
            inner = json.loads(result.get(key) or "{}")
            _resources_ok(c, path, inner.get("resources"), outcome == ALLOW)


def path_package_search_facets(c: Client, outcome: str, why: str) -> None:
    resp, body = _search(c, **{"facet.field": ["res_url"], "facet.limit": -1})
    if not c.check("package_search facet res_url", resp.status_code == 200,
                   f"status {resp.status_code}"):
        return
    facets = (body["result"].get("search_facets") or {}).get("res_url", {}).get("items", [])
    leaked = [f["name"] for f in facets if c.res["id"] in f["name"]]
    if outcome != ALLOW:
        c.check("package_search facet res_url", not leaked, f"URL leaked: {leaked}")


def path_resource_search(c: Client, outcome: str, why: str) -> None:
    resp, body = c.api("resource_search", query="name:Bảng", limit=100)
    if not c.check("resource_search", resp.status_code == 200, f"status {resp.status_code}"):
        return
    mine = [r for r in body["result"]["results"] if r["id"] == c.res["id"]]
    if c.level == "internal":
        # CKAN searches the resources of public datasets only
        c.check("resource_search", not mine, "internal resource listed")
        return
    _resources_ok(c, "resource_search", mine, outcome == ALLOW)


def path_current_package_list(c: Client, outcome: str, why: str) -> None:
    resp, body = c.api("current_package_list_with_resources", limit=100)
    if not c.check("current_package_list_with_resources", resp.status_code == 200,
                   f"status {resp.status_code}"):
        return
    mine = [p for p in body["result"] if p["id"] == c.pkg["id"]]
    if outcome == INVISIBLE or c.level == "internal":
        # private datasets are not listed there, for anyone
        for pkg in mine:
            _resources_ok(c, "current_package_list_with_resources", pkg["resources"],
                          outcome == ALLOW)
        c.check("current_package_list_with_resources", outcome != INVISIBLE or not mine,
                "internal dataset listed")
        return
    if c.check("current_package_list_with_resources", len(mine) == 1, "dataset not listed"):
        _resources_ok(c, "current_package_list_with_resources", mine[0]["resources"],
                      outcome == ALLOW)


def _activity_urls(obj) -> list[str]:
    """The URLs of the resources in an activity's copy of the dataset."""
    if not isinstance(obj, dict):
        return []
    pkg = obj.get("package") if isinstance(obj.get("package"), dict) else obj
    if isinstance(obj.get("data"), dict):
        return _activity_urls(obj["data"])
    return [r.get("url") for r in pkg.get("resources") or [] if isinstance(r, dict)]


def path_activity(c: Client, outcome: str, why: str) -> None:
    created, latest = c.m.activities[c.level]
    resp, body = c.api("package_activity_list", id=c.pkg["id"])
    if outcome == INVISIBLE:
        c.check("package_activity_list", resp.status_code in (403, 404),
                f"visible: {resp.status_code}")
        for action in ("activity_show", "activity_data_show"):
            r, _ = c.api(action, id=latest)
            c.check(action, r.status_code in (403, 404), f"visible: {r.status_code}")
        return
    if c.check("package_activity_list", resp.status_code == 200, f"status {resp.status_code}"):
        for activity in body["result"]:
            urls = _activity_urls(activity)
            if outcome != ALLOW:
                c.check("package_activity_list", not any(urls), f"URL leaked: {urls}")
    for activity_id in (created, latest):
        for action in ("activity_show", "activity_data_show"):
            extra = {"include_data": True} if action == "activity_show" else {}
            r, b = c.api(action, id=activity_id, **extra)
            if not c.check(action, r.status_code == 200,
                           f"status {r.status_code} ({activity_id}): {b and b.get('error')}"):
                continue
            urls = _activity_urls(b["result"])
            if outcome == ALLOW and activity_id == latest:
                c.check(action, any(urls), "no URL for an allowed user")
            elif outcome != ALLOW:
                c.check(action, not any(urls), f"URL leaked: {urls}")
    r, b = c.api("activity_diff", id=latest, object_type="package", diff_type="unified")
    if outcome == ALLOW:
        c.check("activity_diff", r.status_code == 200, f"status {r.status_code}")
    else:
        c.check("activity_diff", r.status_code == 403 or c.res["id"] + "/download" not in
                json.dumps(b), f"status {r.status_code}, URL leaked")


def path_views(c: Client, outcome: str, why: str) -> None:
    resp, body = c.api("resource_view_list", id=c.res["id"])
    if outcome == INVISIBLE:
        c.check("resource_view_list", resp.status_code in (403, 404) or body["result"] == [],
                f"status {resp.status_code}")
    elif c.check("resource_view_list", resp.status_code == 200, f"status {resp.status_code}"):
        views = body["result"]
        if outcome == ALLOW:
            c.check("resource_view_list", any(v["id"] == c.m.views[c.level] for v in views),
                    "view not listed")
        else:
            c.check("resource_view_list", views == [], f"views listed: {views}")
    resp, body = c.api("resource_view_show", id=c.m.views[c.level])
    if outcome == ALLOW:
        c.check("resource_view_show", resp.status_code == 200, f"status {resp.status_code}")
    else:
        _api_refusal(c, "resource_view_show", resp, body, why)


def _download_url_in(c: Client, text: str) -> bool:
    return f"{c.res['id']}/download" in text or "people.csv" in text


def path_rdf(c: Client, outcome: str, why: str) -> None:
    for fmt in ("ttl", "rdf"):
        resp = c.get(f"/dataset/{c.pkg['name']}.{fmt}")
        path = f"/dataset/<name>.{fmt}"
        if outcome == INVISIBLE:
            c.check(path, resp.status_code in (403, 404), f"visible: {resp.status_code}")
            continue
        if not c.check(path, resp.status_code == 200, f"status {resp.status_code}"):
            continue
        text = resp.get_data(as_text=True)
        if outcome == ALLOW:
            c.check(path, _download_url_in(c, text), "no download URL for an allowed user")
        else:
            c.check(path, not _download_url_in(c, text), "download URL leaked")


PATHS = (path_download, path_datastore_search, path_datastore_search_sql, path_dump,
         path_package_show, path_resource_show, path_package_search, path_package_search_fl,
         path_package_search_facets, path_resource_search, path_current_package_list,
         path_activity, path_views)

CASES = [(role, level) for role in ROLES for level in LEVELS]


@pytest.mark.req("R12.4", "R12.5", "R17.1", "R18.3", "R18.4", "R18.5", "R4.3")
# the activity stream shows its copies of the dataset to everyone: the
# stricter test of what they carry
@pytest.mark.ckan_config("ckan.auth.public_activity_stream_detail", True)
@pytest.mark.parametrize("role,level", CASES, ids=[f"{r}-{lv}" for r, lv in CASES])
def test_matrix(matrix, matrix_app, role, level):
    outcome, why = expected(role, level)
    client = Client(matrix_app, matrix, role, level)
    for path in PATHS:
        path(client, outcome, why)
    assert not client.problems, (f"{role} × {level} (expected {outcome}):\n  "
                                 + "\n  ".join(client.problems))


@pytest.mark.req("R12.4", "R12.5", "R4.3")
def test_dcat_exports_withhold_restricted_download_urls(matrix, matrix_app):
    """/dataset/<name>.ttl and .rdf: a restricted resource without its
    download URL, an internal dataset not at all; /catalog.ttl lists the
    public datasets, each resource's download URL only to those who may use
    it. Every role.

    NB: with the MOLISA dataset type, ckanext-dcat 2.4 fails to build its
    profile ("Unknown dataset schema: dataset": a 404 for a dataset, a 500 for
    the catalogue) before it reaches our data: this test fails until the DCAT
    set-up is fixed."""
    problems = []
    for role in ROLES:
        for level in LEVELS:
            client = Client(matrix_app, matrix, role, level)
            path_rdf(client, *expected(role, level))
            problems += [f"{role} × {level}: {p}" for p in client.problems]
        try:
            resp = Client(matrix_app, matrix, role, "open").get("/catalog.ttl")
        except Exception as exc:  # the test client re-raises what would be a 500
            problems.append(f"{role}: /catalog.ttl fails: {exc!r}")
            continue
        if resp.status_code != 200:
            problems.append(f"{role}: /catalog.ttl status {resp.status_code}")
            continue
        text = resp.get_data(as_text=True)
        for level in LEVELS:
            outcome, _ = expected(role, level)
            res_id = matrix.world.resources[level]["id"]
            listed = matrix.world.datasets[level]["id"] in text
            has_url = f"{res_id}/download" in text
            if level == "internal":
                # the public catalogue lists no private dataset, for anyone
                if listed or has_url:
                    problems.append(f"{role}: internal dataset in the catalogue")
            elif outcome == DENY and has_url:
                problems.append(f"{role} × {level}: download URL in the catalogue")
            elif outcome == ALLOW and not has_url:
                problems.append(f"{role} × {level}: no download URL in the catalogue")
    assert not problems, "\n".join(problems)


@pytest.mark.req("R12.4", "R20.2")
def test_the_agency_account_holds_the_default_sharing_grant(matrix):
    """The connection account created for the state agency is the grant's
    holder; its bound token opens only what the grant covers (the matrix
    above), and the applicant manages it."""
    grant = matrix.grants["agency"]
    assert matrix.agency_account.startswith("agency-")
    assert grant["holder_name"] == matrix.agency_account
    assert grant["kind"] == "service" and grant["fee_amount"] == 0 and grant["fee_exempt"]
    assert grant["datasets"] == [matrix.world.datasets["default_shared"]["id"]]
    assert grant["manager_id"] == matrix.world.agency_applicant["id"]
