"""Core actions, auth functions and views that answer some bad input with a
server error, guarded so that the caller gets a 4xx that says what is wrong
(found by the leak scanner and the bad-input fuzz test; each entry names the
failure it prevents).

- Actions that read a parameter without checking that it was given
  (``KeyError`` in CKAN or an extension): the parameter is required here
  first, with a per-field validation error.
- ``package_collaborator_list``'s auth asserts a logged-in user: anonymous
  callers are refused instead.
- Views that let an action's "not found" or "not authorized" escape (for
  example ``/dataset/changes_multiple`` without parameters): answered as the
  404 or 403 that it is.
"""
from __future__ import annotations

from typing import Any

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

import ckan.plugins.toolkit as tk
from ckan import logic

#: action -> the parameters it reads unchecked (a missing one: KeyError)
REQUIRED: dict[str, tuple[str, ...]] = {
    "group_autocomplete": ("q",),             # ckan.logic.action.get
    "organization_autocomplete": ("q",),      # ckan.logic.action.get
    "harvest_source_show_status": ("id",),    # ckanext.harvest.logic.action.get
}


def _require(name: str, params: tuple[str, ...]):
    @tk.chained_action
    @tk.side_effect_free
    def guarded(next_action, context, data_dict):
        errors = {key: [tk._("Missing value")] for key in params
                  if not isinstance(data_dict.get(key), str) or not data_dict.get(key)}
        if errors:
            raise tk.ValidationError(errors)
        return next_action(context, data_dict)
    guarded.__name__ = name
    guarded.__doc__ = f"``{name}``, with {', '.join(params)} required first."
    return guarded


def actions() -> dict[str, Any]:
    return {name: _require(name, params) for name, params in REQUIRED.items()}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_collaborator_list(next_auth, context, data_dict):
    if not context.get("user"):
        return {"success": False,
                "msg": tk._("Only the dataset's unit may list its collaborators")}
    return next_auth(context, data_dict)


def auth_functions() -> dict[str, Any]:
    return {"package_collaborator_list": package_collaborator_list}


def register_error_handlers(app) -> None:
    """An action's refusal that a view lets escape is the 4xx it means."""
    def answer(exc_class):
        def handler(exc):
            from flask import current_app
            return current_app.handle_http_exception(exc_class(description=str(exc) or None))
        return handler

    app.register_error_handler(logic.NotFound, answer(NotFound))
    app.register_error_handler(logic.NotAuthorized, answer(Forbidden))
    app.register_error_handler(logic.ValidationError, answer(BadRequest))
