"""The leak scanner's engine (see ``test_leak_scanner.py``): the surface found
by itself (read actions, GET routes), parameters filled from pools of real
ids, every call made as each role, every answer searched for the markers.
"""
from __future__ import annotations

import html
import json
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import quote, quote_plus, urlencode

import ckan.logic as logic

from ckanext.molisa.testing.routes import get_routes, kind_of, route_urls

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))

#: an action reads if it is side-effect free or named like a read
READ_NAME = re.compile(r"_(show|list|search|autocomplete|info|count|status|report|stats|"
                       r"register|dump|diff|health|live|history)$")
#: ... and never if its name says it writes
WRITE_NAME = re.compile(r"(create|update|delete|patch|purge|revise|import|_run|clear|abort|"
                        r"send|reindex|upload|seed|load|sweep|ship|archive|submit|approve|"
                        r"reject|suspend|reinstate|terminate|follow|invite|reorder|"
                        r"make_latest|rebuild|set_|_sync)")
#: parameters read from an action's docstring
PARAM = re.compile(r":param\s+(?:[\w\[\], ]+\s+)?([A-Za-z_][\w.]*)\s*:")

#: pools by parameter name (besides ``id``)
PARAM_KINDS = {
    "resource_id": ("resource",), "package_id": ("package",), "dataset_id": ("package",),
    "dataset": ("package",), "datasets": ("package",), "name_or_id": ("package",),
    "source_id": ("harvest_source",), "harvest_source_id": ("harvest_source",),
    "source": ("harvest_source",), "job_id": ("harvest_job",),
    "harvest_job_id": ("harvest_job",), "harvest_object_id": ("harvest_object",),
    "object_id": ("package", "organization", "user"), "org_id": ("organization",),
    "organization_id": ("organization",), "organization": ("organization",),
    "owner_org": ("organization",), "group_id": ("organization",), "group": ("organization",),
    "user_id": ("user",), "user": ("user",), "username": ("user",),
    "view_id": ("view",), "activity_id": ("activity",), "grant_id": ("grant",),
    "request_id": ("request",), "unit": ("organization",), "tag": ("tag",),
}
SEARCH_PARAMS = ("q", "query", "fq", "text")


@dataclass
class Leak:
    role: str
    path: str
    tag: str
    probe: bool = False

    def __str__(self) -> str:
        kind = "found by probing" if self.probe else "shown"
        return f"  [{self.role}] {self.path}: {self.tag} {kind}"


@dataclass
class Report:
    calls: int = 0
    pairs: set = field(default_factory=set)       # (path template, role)
    actions: set = field(default_factory=set)
    routes: set = field(default_factory=set)
    leaks: list = field(default_factory=list)
    errors_500: list = field(default_factory=list)
    seconds: float = 0.0
    timings: dict = field(default_factory=lambda: defaultdict(float))

    def describe_errors(self, limit: int = 40) -> str:
        return "\n".join(f"  [{role}] {path}: {status} {body}"
                         for role, path, status, body in self.errors_500[:limit])

    def describe_leaks(self, limit: int = 80) -> str:
        seen, lines = set(), []
        for leak in self.leaks:
            key = (leak.role, leak.path, leak.tag)
            if key not in seen:
                seen.add(key)
                lines.append(str(leak))
        more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
        return "\n".join(lines[:limit]) + more


@dataclass
class World:
    """What the scan needs to know of the planted world."""

    marker: str                      # the common prefix of every marker
    tags: dict                       # marker -> tag
    pools: dict                      # kind -> [ids and names]
    records: list                    # coherent route variables: dicts with a "kind"
    hiders: dict                     # marker tag -> ids/names of what hides it
    tokens: dict                     # role -> API token ("" for anonymous)

    def tag_of(self, text: str) -> Iterator[str]:
        for mark in set(re.findall(re.escape(self.marker) + r"x[a-z_]+x", text)):
            yield self.tags.get(mark, "unknown:" + mark)


# -- the surface -------------------------------------------------------------------

def read_actions() -> dict[str, Any]:
    logic.get_action("package_show")  # loads every plugin's actions
    found = {}
    for name, fn in sorted(logic._actions.items()):
        reads = getattr(fn, "side_effect_free", False) or READ_NAME.search(name)
        if reads and not WRITE_NAME.search(name.replace("side_effect", "")):
            found[name] = fn
    return found


def action_params(fn) -> list[str]:
    doc = fn.__doc__ or ""
    inner = getattr(fn, "__wrapped__", None)
    if inner is not None and inner.__doc__:
        doc += inner.__doc__
    return sorted(set(PARAM.findall(doc)))


def action_calls(name: str, fn, world: World, per_kind: int | None = None) -> list[dict]:
    """The parameter sets to call an action with: none, then each parameter in
    turn from its pool (one at a time; ``per_kind``: at most that many values
    of each kind), then the search probes."""
    params = action_params(fn)
    calls: list[dict] = [{}]
    for param in params:
        if param == "id":
            kind = kind_of(name)
            kinds = (kind,) if kind else tuple(world.pools)
        else:
            kinds = PARAM_KINDS.get(param)
        if not kinds:
            continue
        values: list[str] = []
        for kind in kinds:
            values.extend(list(world.pools.get(kind, ()))[:per_kind])
        for value in dict.fromkeys(values):
            if param in ("datasets",):
                calls.append({param: [value]})
            else:
                calls.append({param: value})
    if name == "package_search" or "fl" in params:
        # every stored field, the raw dictionaries, facets on the link fields
        calls.append({"q": "*:*", "fl": "*", "rows": 1000, "include_private": True})
        calls.append({"q": "*:*", "fl": ["id", "res_url", "validated_data_dict", "data_dict",
                                         "res_extras_download_url", "res_extras_access_url",
                                         "res_extras_mirror_link", "urls", "text"],
                      "rows": 1000})
        calls.append({"q": "*:*", "rows": 0, "facet": "true", "facet.limit": -1,
                      "facet.field": json.dumps(["res_url", "res_extras_download_url",
                                                 "res_extras_access_url", "urls",
                                                 "res_extras_mirror_link", "res_name",
                                                 "res_description", "text"])})
    return calls


def probe_values(world: World) -> list[str]:
    mark = world.marker
    # each marker as a phrase: Solr splits a marker into several words
    # (letters and digits apart) and, with CKAN's minimum-should-match, a bare
    # query for one marker also finds documents that share only the markers'
    # common prefix (a public harvested dataset), whose references then look
    # like a leak; the phrase finds the marker itself and nothing else
    values = [f'"{m}"' for m in world.tags]
    values += [f"res_url:*{mark}*", f"urls:*{mark}*", f"text:*{mark}*",
               f"res_extras_download_url:*{mark}*", f"res_extras_access_url:*{mark}*",
               f"res_extras_mirror_link:*{mark}*"]
    return values


# -- the scan ------------------------------------------------------------------------

def _headers(world: World, role: str) -> dict:
    token = world.tokens.get(role)
    return {"Authorization": token} if token else {}


class _Crashed:
    """What a view or action that raised looks like to the scan (the test
    client propagates exceptions instead of answering 500)."""

    status_code = 500
    headers: dict = {}

    def __init__(self, exc: BaseException):
        self.body = f"{type(exc).__name__}: {exc}"


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - recorded as a server error
        from ckan import model
        model.Session.rollback()
        return _Crashed(exc)


def _check(report: Report, world: World, role: str, path: str, response,
           probe: bool = False, sent: str = "") -> None:
    report.calls += 1
    status = response.status_code
    body = response.get_data(as_text=True) if hasattr(response, "get_data") else response.body
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    if status >= 500:
        report.errors_500.append((role, path, status, body[:300]))
    text = body + "\n" + headers
    if sent:
        # what the request itself sent (a query echoed back) is no leak
        for form in {sent, quote(sent, safe=""), quote_plus(sent), json.dumps(sent)[1:-1],
                     html.escape(sent), html.escape(sent, quote=False)}:
            text = text.replace(form, "")
            body = body.replace(form, "")
    if world.marker in text:
        for tag in world.tag_of(text):
            report.leaks.append(Leak(role, path, tag))
    if probe and status < 400:
        for tag, refs in world.hiders.items():
            if any(ref and ref in body for ref in refs):
                report.leaks.append(Leak(role, path, tag, probe=True))


def scan(app, world: World, roles: Iterable[str], per_kind: int | None = None) -> Report:
    """Every read action and GET route as each role; ``per_kind`` limits the
    ids of each kind tried (a reach check needs fewer than a leak hunt)."""
    report = Report()
    started = time.monotonic()
    flask_app = app.flask_app
    actions = read_actions()
    routes = get_routes(flask_app)
    probes = probe_values(world)
    for role in roles:
        headers = _headers(world, role)
        for name, fn in actions.items():
            report.actions.add(name)
            report.pairs.add(("/api/3/action/" + name, role))
            t0 = time.monotonic()
            for params in action_calls(name, fn, world, per_kind):
                path = f"/api/3/action/{name} {json.dumps(params, ensure_ascii=False)}"
                response = _call(app.post, f"/api/3/action/{name}", json=params,
                                 headers=headers)
                _check(report, world, role, path, response)
            if any(p in SEARCH_PARAMS for p in action_params(fn)) or name == "package_search":
                key = next(p for p in SEARCH_PARAMS if p in action_params(fn) + ["q"])
                for value in probes:
                    params = {key: value, "include_private": True}
                    path = f"/api/3/action/{name} {json.dumps(params, ensure_ascii=False)}"
                    response = _call(app.post, f"/api/3/action/{name}", json=params,
                                     headers=headers)
                    _check(report, world, role, path, response, probe=True, sent=value)
            report.timings["action " + name] += time.monotonic() - t0
        for rule in routes:
            t0 = time.monotonic()
            report.routes.add(rule.rule)
            report.pairs.add((rule.rule, role))
            for url in route_urls(rule, world, per_kind=per_kind):
                response = _call(app.get, url, headers=headers, follow_redirects=False)
                _check(report, world, role, url, response)
            if rule.endpoint.endswith("search") and not rule.arguments:
                for value in probes:
                    url = rule.rule + "?" + urlencode({"q": value})
                    response = _call(app.get, url, headers=headers, follow_redirects=False)
                    _check(report, world, role, url, response, probe=True, sent=value)
            report.timings["route " + rule.rule] += time.monotonic() - t0
    report.seconds = time.monotonic() - started
    return report


def write_report(report: Report, name: str) -> None:
    """The scan's reach, for the README (``.local/test-artifacts/``)."""
    folder = os.path.join(ROOT, ".local", "test-artifacts")
    os.makedirs(folder, exist_ok=True)
    summary = {"calls": report.calls, "path_role_pairs": len(report.pairs),
               "actions": len(report.actions), "get_routes": len(report.routes),
               "leaks": len(report.leaks), "server_errors": report.errors_500[:50],
               "seconds": round(report.seconds, 1),
               "slowest": sorted(((round(v, 1), k) for k, v in report.timings.items()),
                                 reverse=True)[:25]}
    with open(os.path.join(folder, f"leak-scan-{name}.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, ensure_ascii=False)
