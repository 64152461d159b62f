"""Labels of the Open Data List's states and columns, in the user's language."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

#: colours of the states in the chart and the badges
COLOURS = {"planned": "#6c757d", "on_time": "#1a7f37", "late": "#b35900",
           "overdue": "#b42318"}


def state_label(state: str) -> str:
    return {
        "planned": tk._("Planned"),
        "on_time": tk._("Published on time"),
        "late": tk._("Late"),
        "overdue": tk._("Overdue"),
    }.get(state, state)


def version_state_label(state: str) -> str:
    return {
        "draft": tk._("Draft version"),
        "in_force": tk._("In force"),
        "superseded": tk._("Superseded"),
    }.get(state, state)


def columns() -> list[tuple[str, str]]:
    """(key, header) of the exported table, in order."""
    return [
        ("unit", tk._("Unit")),
        ("title", tk._("Planned title")),
        ("title_en", tk._("Planned title (English)")),
        ("sector", tk._("Sector")),
        ("coverage", tk._("Coverage")),
        ("legal_basis", tk._("Legal basis")),
        ("update_frequency", tk._("Update frequency")),
        ("first_due", tk._("First due date")),
        ("due", tk._("Next due date")),
        ("state", tk._("State")),
        ("published", tk._("Published")),
        ("last_update", tk._("Last update")),
        ("dataset", tk._("Dataset")),
    ]
