"""Template helpers of the quality checks: the dataset page's badges and the
unit page's chart."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.molisa import contexts

from . import labels


def molisa_quality_label(outcome: str) -> str:
    return labels.outcome_label(outcome)


def molisa_quality_kind_label(kind: str) -> str:
    return labels.kind_label(kind)


def molisa_quality_dimension_label(dimension: str) -> str:
    return labels.dimension_label(dimension)


def molisa_quality_badge_class(outcome: str) -> str:
    return labels.BADGES.get(outcome, "bg-secondary")


def molisa_quality_badges(package_id: str) -> Optional[dict[str, Any]]:
    """The dataset's quality as the visitor may see it (None: not checked
    yet, or not theirs to see): the latest metadata rating and points,
    freshness, links that work, the best openness and tables with errors."""
    try:
        shown = tk.get_action("molisa_quality_show")(contexts.request_context(),
                                                     {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return None
    dataset = shown["dataset"]
    if not dataset and not any(r["checks"] for r in shown["resources"]):
        return None
    badges: dict[str, Any] = {"metadata": None, "freshness": None, "links": 0, "links_ok": 0,
                              "stars": None, "tables_invalid": 0, "checked_at": None}
    if "metadata" in dataset:
        latest = dataset["metadata"]["latest"]
        badges["metadata"] = {"outcome": latest["outcome"], "points": latest["score"],
                              "max": latest["details"].get("max", 405),
                              "dimensions": latest["details"].get("dimensions", {})}
        badges["checked_at"] = latest["checked_at"]
    if "freshness" in dataset:
        badges["freshness"] = dataset["freshness"]["latest"]["outcome"]
    for resource in shown["resources"]:
        checks = resource["checks"]
        link = checks.get("link", {}).get("latest")
        if link and link["outcome"] != "refused":
            badges["links"] += 1
            badges["links_ok"] += link["outcome"] == "ok"
        stars = checks.get("openness", {}).get("latest")
        if stars and stars["score"] is not None:
            badges["stars"] = max(badges["stars"] or 0, int(stars["score"]))
        table = checks.get("table", {}).get("latest")
        if table and table["outcome"] == "invalid":
            badges["tables_invalid"] += 1
    return badges


def molisa_quality_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    """The unit page's chart: per day, the mean metadata points (of 405, as a
    percentage), the share of links that work and the mean stars (of 5, as a
    percentage)."""
    def pct(value, scale):
        return None if value is None else round(100 * value / scale, 1)
    return {"labels": [d["day"] for d in trend],
            "series": [
                {"label": tk._("Metadata quality") + " (%)",
                 "values": [pct(d["metadata"], 405) for d in trend], "colour": "#0d6efd"},
                {"label": tk._("Links that work") + " (%)",
                 "values": [pct(d["links_ok"], 1) for d in trend], "colour": "#198754"},
                {"label": tk._("Openness") + " (%)",
                 "values": [pct(d["openness"], 5) for d in trend], "colour": "#fd7e14"},
            ]}
