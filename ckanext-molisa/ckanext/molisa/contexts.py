"""The contexts in which the portal calls actions for someone: the current
web request's user (views, template helpers, hooks that CKAN calls without a
context) and the site user (CLI commands, the scheduler, background work).
"""
from __future__ import annotations

from typing import Any

from flask import has_request_context

from ckan import model


def request_context() -> dict[str, Any]:
    """The context of this request's user; anonymous (``{"user": ""}``) for
    a visitor who is not logged in and outside a request."""
    if has_request_context():
        from ckan.common import current_user
        if current_user.is_authenticated:
            return {"user": current_user.name,
                    "auth_user_obj": current_user._get_current_object()}
    return {"user": ""}


def site_context(ignore_auth: bool = False) -> dict[str, Any]:
    """The site user's context. ``ignore_auth`` skips the auth functions (for
    work the portal does by itself: harvesting, scheduling); without it the
    site user is checked like anyone (it is a sysadmin)."""
    import ckan.plugins.toolkit as tk
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"model": model, "session": model.Session, "user": site_user["name"],
            "ignore_auth": ignore_auth}


def call_for_page(action: str, data_dict: dict[str, Any], *, forbidden: str,
                  not_found: str) -> Any:
    """Calls ``action`` as the current user for a page: a refusal is a 403
    page and a missing record a 404 page, each with the action's message (or
    ``forbidden`` / ``not_found`` when it has none). ``ValidationError`` is
    left to the view, which shows its form again."""
    import ckan.plugins.toolkit as tk
    try:
        return tk.get_action(action)(request_context(), data_dict)
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or forbidden)
    except tk.ObjectNotFound as exc:
        return tk.abort(404, str(exc) or not_found)
