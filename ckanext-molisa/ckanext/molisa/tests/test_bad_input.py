"""No 500 on bad input, anywhere we answer (R4.3).

A property-based test (hypothesis) sends malformed values to every
``molisa_*`` action and every core action that our plugins chain or change
(found from the plugins themselves, not listed here), over the Action API:
wrong JSON types, lists for strings, nested objects, huge strings, NUL
characters, lone surrogates, impossible dates, negative and huge numbers,
unknown ids. Every answer must be a 4xx (or a success: a lenient field may
take a number for a text), a refusal must say what is wrong, and a refused
write must leave the database as it was.
"""
from __future__ import annotations

import functools
import json
import os
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

import ckan.logic as logic
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan import model

pytestmark = [pytest.mark.usefixtures("with_plugins"), pytest.mark.long_running]

#: hypothesis examples per test, calls per example, tests: 20,000 calls in all
EXAMPLES = int(os.environ.get("MOLISA_FUZZ_EXAMPLES", "500"))
BATCH = 10
PARTS = 4

#: core actions whose input our schema or validators change, besides those
#: our plugins chain (found at run time)
SCHEMA_ACTIONS = ("package_create", "package_update", "package_patch", "resource_create",
                  "resource_update", "resource_patch", "organization_create",
                  "organization_update", "organization_patch")
#: core actions guarded by our chained auth functions
AUTH_CHAINED = ("datastore_search", "datastore_search_sql", "resource_view_show")

PARAM = re.compile(r":param\s+(?:[\w\[\], ]+\s+)?([A-Za-z_][\w.]*)\s*:")
READ = re.compile(r"_(show|list|search|autocomplete|info|stats|register|live|health)$")


def _ours() -> list:
    return [plugin for plugin in plugins.PluginImplementations(plugins.IActions)
            if plugin.name.startswith("molisa")]


def target_actions() -> list[str]:
    logic.get_action("package_show")  # loads every plugin's actions
    names = {name for name in logic._actions if name.startswith("molisa_")}
    for plugin in _ours():
        for name, fn in plugin.get_actions().items():
            if getattr(fn, "chained_action", False):
                names.add(name)
    names.update(SCHEMA_ACTIONS + AUTH_CHAINED)
    return sorted(name for name in names if name in logic._actions)


def params_of(name: str) -> list[str]:
    docs, fn, seen = [], logic._actions[name], 0
    while fn is not None and seen < 20:            # a chain: every link's docstring
        seen += 1
        fn = getattr(fn, "__wrapped__", fn)
        if isinstance(fn, functools.partial):
            docs.append(getattr(fn.func, "__doc__", "") or "")
            fn = fn.args[0] if fn.args else None
        else:
            docs.append(getattr(fn, "__doc__", "") or "")
            fn = None
    found = set(PARAM.findall("\n".join(docs)))
    if name.startswith("package_"):
        from ckanext.scheming.helpers import scheming_get_dataset_schema
        schema = scheming_get_dataset_schema("dataset") or {}
        found.update(f["field_name"] for f in schema.get("dataset_fields", []))
        found.update(("resources", "extras", "tags", "id"))
    if name.startswith("resource_"):
        from ckanext.scheming.helpers import scheming_get_dataset_schema
        schema = scheming_get_dataset_schema("dataset") or {}
        found.update(f["field_name"] for f in schema.get("resource_fields", []))
        found.update(("package_id", "id", "download_url", "access_url"))
    return sorted(found | {"id"})


# -- malformed values ------------------------------------------------------------------

scalars = st.one_of(
    st.text(max_size=12).map(lambda s: s + "\x00" + s),                 # NUL
    st.sampled_from(["\ud800", "a\udfffb", "\udc00\ud800"]),             # lone surrogates
    st.sampled_from(["x" * 100_001, "ữ" * 40_000]),                      # huge strings
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70),                # huge and negative
    st.sampled_from([-1, 0, 2 ** 63, -(2 ** 63) - 1, 1e308, -1e308, 0.5]),
    st.sampled_from(["2024-02-30", "0000-00-00", "9999-99-99T99:99:99", "2024-13-01",
                     "-0001-01-01", "1e309", "NaN", "", " ", "null", "[]", "{}"]),
    st.uuids().map(str),                                                 # unknown ids
    st.booleans(), st.none(),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=5)


def payloads(names: list[str]):
    """A batch of calls (an action and its malformed parameters each): one
    hypothesis example holds several, which keeps its own cost per call low."""
    @st.composite
    def call(draw):
        name = draw(st.sampled_from(names))
        params = params_of(name)
        keys = draw(st.lists(st.sampled_from(params), min_size=1, max_size=min(4, len(params)),
                             unique=True))
        body = {key: draw(values) for key in keys}
        if draw(st.booleans()):
            body[draw(st.text(min_size=1, max_size=8))] = draw(values)   # unknown keys
        return name, body
    return st.lists(call(), min_size=BATCH, max_size=BATCH)


# -- the state that a refused write must not change -------------------------------------

STATE_SQL = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT 'p' || id || state || coalesce(metadata_modified::text, '') || coalesce(title, '')
         || private::text || coalesce(extras::text, '') AS x FROM package
  UNION ALL SELECT 'r' || id || state || coalesce(metadata_modified::text, '') || coalesce(url, '')
         || coalesce(extras::text, '') FROM resource
  UNION ALL SELECT 'g' || id || state || coalesce(title, '') FROM "group"
  UNION ALL SELECT 'u' || id || state || coalesce(email, '') FROM "user"
  UNION ALL SELECT 'm' || id || state || capacity FROM member
  UNION ALL SELECT 'q' || id || state || coalesce(updated::text, '') FROM molisa_sharing_request
  UNION ALL SELECT 'a' || id || state || coalesce(updated::text, '') FROM molisa_sharing_grant
  UNION ALL SELECT 'i' || id || state FROM molisa_sharing_inbound
  UNION ALL SELECT 'h' || id || coalesce(url, '') || coalesce(config, '') FROM harvest_source
) t
"""


class Stored:
    """A digest of what is stored, read on a connection of its own."""

    def __init__(self):
        self.engine = sa.create_engine(tk.config["sqlalchemy.url"], poolclass=sa.pool.NullPool)
        self.conn = self.engine.connect()

    def digest(self) -> str:
        with self.conn.begin():
            return self.conn.exec_driver_sql(STATE_SQL).scalar()

    def close(self):
        self.conn.close()
        self.engine.dispose()


@pytest.fixture(scope="module")
def fuzz_world(reset_db, migrate_db_for, reset_index):
    from ckanext.molisa.testing.factories import build_world
    from ckanext.molisa.testing import database

    plugins.load_all()
    try:
        database.reset(reset_db, migrate_db_for)
        reset_index()
        world = build_world()
        stored = Stored()
        yield world, stored
        stored.close()
    finally:
        model.Session.remove()
        plugins.unload_all()


class Tally:
    calls = 0


def _log_in(app, user: dict) -> None:
    """A session cookie in the test client: cheaper per call than a token,
    which CKAN looks up and stamps on every request."""
    response = app.post("/user/login", data={"login": user["name"],
                                             "password": "correct123"})
    assert response.status_code in (200, 302)
    assert app.get("/dashboard/datasets", follow_redirects=False).status_code == 200


def _call(app, world, stored, name: str, body: dict) -> None:
    Tally.calls += 1
    write = not READ.search(name)
    before = stored.digest() if write else None
    raw = json.dumps(body, allow_nan=True)
    response = app.post(f"/api/3/action/{name}", data=raw,
                        headers={"Content-Type": "application/json"})
    status = response.status_code
    assert status < 500, f"{name} {raw[:400]} -> {status}: {response.body[:600]}"
    if status >= 400:
        error = response.json.get("error") if response.json else None
        assert isinstance(error, dict) and (
            error.get("message") or [k for k in error if not k.startswith("__")]), \
            f"{name} -> {status} without a message: {response.body[:300]}"
        if write:
            assert stored.digest() == before, f"{name} {raw[:400]} -> {status} changed the database"


def _fuzz(app, fuzz_world, names):
    world, stored = fuzz_world
    _log_in(app, world.sysadmin)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(payloads(names))
    def run(batch):
        for name, body in batch:
            _call(app, world, stored, name, body)

    run()


def _split(part: int) -> list[str]:
    return target_actions()[part::PARTS]


@pytest.mark.req("R4.3")
@pytest.mark.parametrize("part", range(PARTS))
def test_malformed_input_never_gets_a_server_error(app, fuzz_world, part):
    names = _split(part)
    assert names
    before = Tally.calls
    _fuzz(app, fuzz_world, names)
    assert Tally.calls - before >= EXAMPLES * BATCH


@pytest.mark.req("R4.3")
def test_the_fuzz_reaches_our_actions_and_the_core_ones_we_change():
    """The targets are found, not listed: every molisa_* action and the core
    actions our plugins chain; and the count of calls is recorded."""
    names = target_actions()
    assert {"molisa_sharing_request_create", "molisa_audit_event_list",
            "molisa_harvest_source_health", "molisa_codelist_show"} <= set(names)
    assert {"package_search", "datastore_search", "harvest_source_list",
            "dcat_catalog_show"} <= set(names)
    folder = os.path.join(os.path.dirname(__file__), *[".."] * 4, ".local", "test-artifacts")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "fuzz.json"), "w") as f:
        json.dump({"actions": len(names), "calls": EXAMPLES * BATCH * PARTS}, f)


@pytest.mark.req("R4.3")
def test_a_nul_in_a_login_name_is_a_400_not_a_500(app):
    response = app.post("/user/login", data={"login": "admin\x00", "password": "x"})
    assert response.status_code == 400
    assert "không thể lưu" in response.body       # the user's language: Vietnamese
    response = app.post("/en/user/login", data={"login": "admin\x00", "password": "x"})
    assert response.status_code == 400 and "cannot be stored" in response.body
