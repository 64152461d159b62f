"""Template helpers of the Open Data List and the home page."""
from __future__ import annotations

import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.molisa import codelists, contexts

from . import labels

log = logging.getLogger(__name__)


def molisa_odl_state_label(state: str) -> str:
    return labels.state_label(state)


def molisa_odl_version_state_label(state: str) -> str:
    return labels.version_state_label(state)


def molisa_odl_colour(state: str) -> str:
    return labels.COLOURS.get(state, "#6c757d")


def molisa_odl_chart(counts: dict[str, int]) -> dict[str, list]:
    """The chart's series: a label, a count and a colour per state."""
    from .deadlines import STATES
    return {"labels": [labels.state_label(s) for s in STATES],
            "counts": [counts.get(s, 0) for s in STATES],
            "colours": [labels.COLOURS[s] for s in STATES]}


def molisa_odl_percent(rate: Optional[float]) -> str:
    """A rate as a percentage in the user's language ("—" when none is due)."""
    if rate is None:
        return "—"
    return f"{rate * 100:.0f}%"


def molisa_odl_home() -> dict[str, Any]:
    """The home page's programme figures, as the visitor may see them: the
    number of open datasets, the sectors with their datasets' counts, the
    datasets updated last, and the units' on-time rates from the Open Data
    List in force. Computed once per request."""
    from flask import g, has_request_context
    if has_request_context() and getattr(g, "molisa_odl_home", None) is not None:
        return g.molisa_odl_home
    figures = _home_figures()
    if has_request_context():
        g.molisa_odl_home = figures
    return figures


def _home_figures() -> dict[str, Any]:
    search = tk.get_action("package_search")
    context = contexts.request_context()
    open_count = search(dict(context), {"fq": "access_level:open", "rows": 0})["count"]
    result = search(dict(context), {"rows": 5, "sort": "metadata_modified desc",
                                    "facet.field": '["sector"]', "facet.limit": -1})
    counts = {item["name"]: item["count"]
              for item in (result.get("search_facets", {}).get("sector", {}).get("items") or [])}
    lang = codelists.user_lang()
    sectors = [{"value": item["value"], "label": item["label"].get(lang) or item["label"]["vi"],
                "count": counts.get(item["value"], 0)}
               for item in codelists.items("sectors") if counts.get(item["value"])]
    sectors.sort(key=lambda s: -s["count"])
    summary = tk.get_action("molisa_odl_status_summary")(dict(context), {})
    return {"open_count": open_count, "total": result["count"], "sectors": sectors,
            "recent": result["results"], "odl": summary}
