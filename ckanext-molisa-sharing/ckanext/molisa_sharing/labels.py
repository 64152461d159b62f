"""Labels of the sharing records' states, in the user's language: read by
the template helpers (``molisa_sharing_state_label``) and by the actions'
error messages ("Cannot approve it: the request is Refused")."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def state_label(state: str) -> str:
    """The label of a request's or a grant's state (the state itself if unknown)."""
    labels = {
        "draft": tk._("Draft"), "submitted": tk._("Submitted"),
        "changes_requested": tk._("Changes requested"), "approved": tk._("Approved"),
        "rejected": tk._("Refused"), "active": tk._("In force"), "suspended": tk._("Suspended"),
        "terminated": tk._("Terminated"), "expired": tk._("Expired"),
        "not_started": tk._("Not started"),
    }
    return labels.get(state, state)
