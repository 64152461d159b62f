"""The quality results' words, in the reader's language."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

#: Bootstrap badge classes per outcome
BADGES = {"excellent": "bg-success", "good": "bg-primary", "sufficient": "bg-warning text-dark",
          "bad": "bg-danger", "fresh": "bg-success", "stale": "bg-danger",
          "not_scheduled": "bg-secondary", "ok": "bg-success", "broken": "bg-danger",
          "refused": "bg-secondary", "valid": "bg-success", "invalid": "bg-danger",
          "no_structure": "bg-warning text-dark", "unreadable": "bg-danger"}


def outcome_label(outcome: str) -> str:
    labels = {
        "excellent": tk._("Excellent"), "good": tk._("Good"),
        "sufficient": tk._("Sufficient"), "bad": tk._("Bad"),
        "fresh": tk._("Up to date"), "stale": tk._("Out of date"),
        "not_scheduled": tk._("No update schedule"),
        "ok": tk._("Link works"), "broken": tk._("Broken link"),
        "refused": tk._("Not checked (private address)"),
        "valid": tk._("Table matches its structure"),
        "invalid": tk._("Table has errors"),
        "no_structure": tk._("Structure not declared"),
        "unreadable": tk._("Not readable as a table"),
    }
    return labels.get(outcome, outcome)


def kind_label(kind: str) -> str:
    return {"metadata": tk._("Metadata quality"), "freshness": tk._("Freshness"),
            "link": tk._("Link"), "openness": tk._("Openness"),
            "table": tk._("Table")}.get(kind, kind)


def dimension_label(dimension: str) -> str:
    return {"findability": tk._("Findability"), "accessibility": tk._("Accessibility"),
            "interoperability": tk._("Interoperability"), "reusability": tk._("Reusability"),
            "contextuality": tk._("Contextuality")}.get(dimension, dimension)
