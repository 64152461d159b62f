"""Labels of the reports' types, states, resolutions and authors' roles, in
the user's language."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def type_label(value: str) -> str:
    return {
        "data_error": tk._("Data error"),
        "broken_link": tk._("Broken link"),
        "outage": tk._("Service outage"),
        "personal_data": tk._("Personal data exposed"),
        "security": tk._("Security risk"),
        "support": tk._("Support request"),
    }.get(value, value)


def state_label(value: str) -> str:
    return {
        "new": tk._("Received"),
        "acknowledged": tk._("Being handled"),
        "closed": tk._("Closed"),
    }.get(value, value)


def resolution_label(value: str) -> str:
    return {
        "fixed": tk._("Corrected"),
        "not_an_error": tk._("Not an error"),
        "resolved": tk._("Resolved"),
    }.get(value, value)


def role_label(value: str) -> str:
    return {
        "reporter": tk._("Reporter"),
        "unit": tk._("Managing unit"),
        "it_centre": tk._("IT Centre"),
        "moderator": tk._("WikiMolisa moderators"),
    }.get(value, value)


def type_choices() -> list[tuple[str, str]]:
    from ckanext.molisa.model.report import TYPES
    return [(t, type_label(t)) for t in TYPES]
