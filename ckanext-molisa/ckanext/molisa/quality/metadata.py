"""The metadata score along the dimensions of the EU's Metadata Quality
Assessment (data.europa.eu MQA): findability, accessibility,
interoperability, reusability, contextuality, with the MQA's indicators
and weights (405 points in all), read from the MOLISA schema's fields and
from the latest link and openness results of the dataset's resources.

Indicators on distributions count the share of resources that meet them.
The rating follows the MQA's bands: excellent (351-405), good (221-350),
sufficient (121-220), bad (0-120).

Differences from the MQA, on purpose: "DCAT-AP compliance" (30 points) is
the presence of DCAT-AP's mandatory properties (title, description,
publisher, every distribution's access URL), not a SHACL run per dataset;
vocabularies are the portal's code lists (formats, access levels) and its
licence register.
"""
from __future__ import annotations

from typing import Any, Callable

from ckan import model

from ckanext.molisa import access_levels, codelists

EXCELLENT, GOOD, SUFFICIENT, BAD = "excellent", "good", "sufficient", "bad"
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability",
              "contextuality")

MACHINE_READABLE = 2      # openness stars from which a format is machine-readable
NON_PROPRIETARY = 3       # ... and open


def _share(resources: list[dict], test: Callable[[dict], bool]) -> float:
    return sum(1 for r in resources if test(r)) / len(resources) if resources else 0.0


def _filled(value: Any) -> bool:
    return bool(value) and value != [] and value != "[]"


def indicators(pkg: dict[str, Any], latest: dict[str, dict[str, dict]]) -> list[tuple]:
    """(dimension, indicator, weight, share met) for each MQA indicator.
    ``latest``: resource id -> kind -> the latest result's dict."""
    resources = pkg.get("resources") or []

    def link_ok(r):
        return latest.get(r["id"], {}).get("link", {}).get("outcome") == "ok"

    def stars(r):
        return (latest.get(r["id"], {}).get("openness", {}).get("details") or {}) \
            .get("format_stars", 0)

    formats = set(codelists.values("formats"))
    licences = set(model.Package.get_license_register().keys())
    return [
        ("findability", "keywords", 30, float(_filled(pkg.get("tags")))),
        ("findability", "categories", 30, float(_filled(pkg.get("sector")))),
        ("findability", "spatial", 20, float(_filled(pkg.get("province")))),
        ("findability", "temporal", 20,
         float(_filled(pkg.get("temporal_start")) or _filled(pkg.get("temporal_end")))),
        ("accessibility", "access_url_accessible", 50, _share(resources, link_ok)),
        ("accessibility", "download_url", 20,
         _share(resources, lambda r: _filled(r.get("url")))),
        ("accessibility", "download_url_accessible", 30,
         _share(resources, lambda r: _filled(r.get("url")) and link_ok(r))),
        ("interoperability", "format", 20,
         _share(resources, lambda r: _filled(r.get("format")))),
        ("interoperability", "media_type", 10, _share(resources, lambda r: _filled(
            r.get("mimetype") or (latest.get(r["id"], {}).get("link", {}).get("details")
                                  or {}).get("content_type")))),
        ("interoperability", "format_vocabulary", 10,
         _share(resources, lambda r: (r.get("format") or "").upper() in formats)),
        ("interoperability", "non_proprietary", 20,
         _share(resources, lambda r: stars(r) >= NON_PROPRIETARY)),
        ("interoperability", "machine_readable", 20,
         _share(resources, lambda r: stars(r) >= MACHINE_READABLE)),
        ("interoperability", "dcat_ap", 30, float(
            all(_filled(pkg.get(k)) for k in ("title", "notes", "owner_org"))
            and bool(resources) and all(_filled(r.get("url")) for r in resources))),
        ("reusability", "licence", 20, float(_filled(pkg.get("license_id")))),
        ("reusability", "licence_vocabulary", 10, float(pkg.get("license_id") in licences)),
        ("reusability", "access_restrictions", 10, float(_filled(pkg.get("access_level")))),
        ("reusability", "access_restrictions_vocabulary", 5,
         float(access_levels.is_level(pkg.get("access_level")))),
        ("reusability", "contact_point", 20,
         float(_filled(pkg.get("contact_email")) or _filled(pkg.get("contact_name")))),
        ("reusability", "publisher", 10, float(_filled(pkg.get("owner_org")))),
        ("contextuality", "rights", 5, float(_filled(pkg.get("legal_basis")))),
        ("contextuality", "file_size", 5, _share(resources, lambda r: _filled(r.get("size")))),
        ("contextuality", "issued", 5, float(_filled(pkg.get("issued")))),
        ("contextuality", "modified", 5, float(_filled(pkg.get("modified")))),
    ]


def rating(points: float) -> str:
    if points > 350:
        return EXCELLENT
    if points > 220:
        return GOOD
    if points > 120:
        return SUFFICIENT
    return BAD


def score(pkg: dict[str, Any], latest: dict[str, dict[str, dict]]) -> tuple[str, float, dict]:
    """(rating, points, details with each dimension's points and maximum and
    the indicators missed)."""
    dims = {d: {"points": 0.0, "max": 0} for d in DIMENSIONS}
    missed = []
    for dimension, name, weight, share in indicators(pkg, latest):
        dims[dimension]["points"] += round(weight * share, 2)
        dims[dimension]["max"] += weight
        if share < 1:
            missed.append(name)
    points = round(sum(d["points"] for d in dims.values()), 2)
    return rating(points), points, {"dimensions": dims, "missed": missed,
                                    "max": sum(d["max"] for d in dims.values())}
