"""The portal's surface as the Flask URL map declares it, for the tests that
visit every page by themselves (the leak scanner, the language crawl): the GET
routes, and URLs for each, their variables filled from records of real
objects.

A record is a dict with a ``kind`` (``package``, ``resource``, ``organization``,
``user``, ``harvest_source``...) and the route variables it can fill
(``id``, ``resource_id``, ``package_type``...); ``RoutePool`` collects them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterator
from urllib.parse import quote

#: what kind of object an ``id`` is, from the action's or route's name
KIND_WORDS = (
    ("resource_view", "view"), ("view", "view"), ("resource", "resource"),
    ("harvest_source", "harvest_source"), ("harvest_job", "harvest_job"),
    ("harvest_object", "harvest_object"), ("harvest_log", "harvest_source"),
    ("harvest", "harvest_source"), ("sharing_request", "request"), ("request", "request"),
    ("sharing_grant", "grant"), ("grant", "grant"), ("inbound", "inbound"),
    ("activity", "activity"), ("dashboard", "activity"), ("package", "package"),
    ("dataset", "package"), ("datastore", "resource"), ("organization", "organization"),
    ("group", "organization"), ("member", "organization"), ("user", "user"),
    ("api_token", "user"), ("tag", "tag"),
)
#: route variables that are not ids, and values to try
GENERIC_VALUES = {
    "_format": ("ttl", "rdf", "jsonld", "xml", "json", "csv", "tsv"),
    "format": ("ttl", "rdf", "jsonld", "csv", "json", "xlsx"),
    "package_type": ("dataset", "harvest"), "dataset_type": ("dataset", "harvest"),
    "group_type": ("organization", "group"), "ref_type": ("object", "dataset"),
    "object_type": ("dataset", "organization", "user"),
    "lang": ("vi", "en"), "ver": ("3",), "offset": ("0",), "limit": ("10",),
}

def kind_of(name: str) -> str | None:
    lowered = name.lower()
    for word, kind in KIND_WORDS:
        if word in lowered:
            return kind
    return None


def get_routes(flask_app) -> list:
    rules = []
    for rule in flask_app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        if rule.endpoint in ("static", "api.action") or rule.endpoint.endswith(".static") \
                or rule.rule.startswith(("/webassets/", "/base/", "/_debug")):
            continue
        rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def _route_kinds(rule) -> tuple[str, ...] | None:
    """The record kinds worth trying on a route, from its endpoint and path;
    None: any kind."""
    head = rule.rule.strip("/").split("/", 1)[0]
    for text in (rule.endpoint, head):
        kind = kind_of(text)
        if kind:
            related = {"package": ("package", "resource", "view", "activity"),
                       "resource": ("resource", "view"), "view": ("resource", "view"),
                       "harvest_source": ("harvest_source", "harvest_job", "harvest_object"),
                       "harvest_job": ("harvest_source", "harvest_job"),
                       "harvest_object": ("harvest_object",),
                       "organization": ("organization", "activity"),
                       "user": ("user", "activity"), "activity": ("activity", "package"),
                       "request": ("request", "grant", "inbound"),
                       "grant": ("request", "grant", "inbound"),
                       "inbound": ("request", "grant", "inbound")}
            return related.get(kind, (kind,))
    return None


def route_urls(rule, world, per_rule: int = 30, per_kind: int | None = None) -> list[str]:
    """Up to ``per_rule`` URLs of ``rule``, its variables filled from
    ``world.records`` (dicts with a ``kind``) and GENERIC_VALUES."""
    names = [a for a in rule.arguments]
    if not names:
        return [rule.rule]
    kinds = _route_kinds(rule)
    urls: list[str] = []
    seen = set()
    taken: dict[str, int] = defaultdict(int)
    for record in world.records:
        if kinds is not None and record["kind"] not in kinds:
            continue
        if per_kind is not None and taken[record["kind"]] >= per_kind:
            continue
        taken[record["kind"]] += 1
        values = {}
        for name in names:
            if name in record:
                values[name] = record[name]
            elif name in GENERIC_VALUES:
                continue
            else:
                values = None
                break
        if not values:
            continue
        for combo in _generic_combos([n for n in names if n not in values]):
            full = dict(values, **combo)
            url = _build(rule, full)
            if url and url not in seen:
                seen.add(url)
                urls.append(url)
        if len(urls) >= per_rule:
            break
    if not urls and all(n in GENERIC_VALUES for n in names):
        for combo in _generic_combos(names):
            url = _build(rule, combo)
            if url and url not in seen:
                seen.add(url)
                urls.append(url)
    return urls[:per_rule]


def _generic_combos(names: list[str]) -> Iterator[dict]:
    if not names:
        yield {}
        return
    first, rest = names[0], names[1:]
    for value in GENERIC_VALUES[first]:
        for combo in _generic_combos(rest):
            yield dict(combo, **{first: value})


def _build(rule, values: dict) -> str | None:
    try:
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + r">",
                          quote(str(values[name]), safe=""), path)
        return path
    except KeyError:
        return None


class RoutePool:
    """The records and id pools of the objects a test created, in the shape
    ``route_urls`` reads (``.records``) and pools of ids by kind
    (``.pools``)."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.pools: dict[str, list] = defaultdict(list)

    def add_package(self, pkg: dict) -> None:
        self.pools["package"] += [pkg["id"], pkg["name"]]
        self.records.append({"kind": "package", "id": pkg["name"],
                             "package_type": pkg["type"], "dataset_type": pkg["type"]})
        for res in pkg.get("resources") or []:
            self.pools["resource"].append(res["id"])
            self.records.append({"kind": "resource", "id": pkg["name"],
                                 "package_type": pkg["type"], "resource_id": res["id"]})

    def add_organization(self, org: dict) -> None:
        self.pools["organization"] += [org["id"], org["name"]]
        self.records.append({"kind": "organization", "id": org["name"],
                             "group_type": org.get("type") or "organization"})

    def add_user(self, user: dict) -> None:
        self.pools["user"] += [user["id"], user["name"]]
        self.records.append({"kind": "user", "id": user["name"]})

    def add_harvest_source(self, source: dict) -> None:
        self.pools["harvest_source"] += [source["id"], source["name"]]
        self.pools["package"] += [source["id"], source["name"]]
        self.records.append({"kind": "harvest_source", "id": source["name"],
                             "source": source["name"], "package_type": "harvest",
                             "dataset_type": "harvest"})

    def add_harvest_job(self, job_id: str, source_name: str) -> None:
        self.pools["harvest_job"].append(job_id)
        self.records.append({"kind": "harvest_job", "id": job_id, "source": source_name})

    def add_activity(self, activity_id: str) -> None:
        self.pools["activity"].append(activity_id)
        self.records.append({"kind": "activity", "id": activity_id,
                             "activity_id": activity_id})
