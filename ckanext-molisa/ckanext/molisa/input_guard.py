"""Input that no part of the portal can store or use, refused at the door.

A NUL character or a lone UTF-16 surrogate (JSON's ``"\\ud800"``) in any
parameter, form field, file name, path segment or JSON value cannot reach
PostgreSQL (which refuses the first and cannot encode the second), and some of
CKAN's own views answer them with a server error (a NUL in a login name, for
one). Every request is checked before any view runs; such input gets a 400
with a message in the user's language, as JSON under ``/api/`` and as an
error page elsewhere. Nothing is stored.

An Action API call is also held to its documented contract
(:mod:`.api_contract`): a 409 with a message per parameter.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

from flask import jsonify, request

import ckan.plugins.toolkit as tk

from . import api_contract

#: NUL, and UTF-16 surrogates (which a valid Unicode string never holds alone)
_UNUSABLE = re.compile("[\x00\ud800-\udfff]")


def usable(text: str) -> bool:
    """True if the text can be stored (no NUL, no lone surrogate)."""
    return _UNUSABLE.search(text) is None


def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif depth > 64:
        yield "\x00"  # nested beyond any real document: refused as unusable
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def _request_strings() -> Iterable[str]:
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method in ("POST", "PUT", "PATCH"):
        if request.mimetype == "application/json" or (
                request.path.startswith("/api/") and not request.form and not request.files):
            raw = request.get_data(cache=True)
            if raw:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield "\ud800"  # not UTF-8: as unusable as a lone surrogate
                    return
                yield text
                try:
                    yield from _strings(json.loads(text))
                except (ValueError, RecursionError):
                    pass  # not JSON: the API answers that itself
        else:
            for key, value in request.form.items(multi=True):
                yield key
                yield value
            for key, storage in request.files.items(multi=True):
                yield key
                yield storage.filename or ""


def _action_params() -> dict:
    """The parameters of an Action API call (JSON body or query string)."""
    params: dict = {}
    if request.method == "POST":
        raw = request.get_data(cache=True)
        if raw:
            try:
                body = json.loads(raw)
            except (ValueError, RecursionError):
                body = None
            if isinstance(body, dict):
                params.update(body)
        if request.form:
            params.update(request.form.to_dict())
    params.update(request.args.to_dict())
    return params


def _contract_errors() -> dict:
    """An Action API call's departures from its documented contract
    (:mod:`ckanext.molisa.api_contract`)."""
    if request.endpoint != "api.action":
        return {}
    return api_contract.errors((request.view_args or {}).get("logic_function") or "",
                               _action_params())


def before_request():
    """Refuse the request if any of its input is unusable, or an Action API
    call departs from its documented contract."""
    errors = _contract_errors()
    if errors:
        response = jsonify({"success": False, "error": dict(errors, __type="Validation Error")})
        response.status_code = 409
        return response
    for text in _request_strings():
        if not usable(text):
            message = tk._("The request contains characters that cannot be stored (a NUL "
                           "character or an invalid Unicode sequence). Remove them and try "
                           "again.")
            if request.path.startswith("/api/"):
                response = jsonify({"success": False, "error": {
                    "__type": "Validation Error", "message": message}})
                response.status_code = 400
                return response
            return tk.abort(400, message)
    return None
