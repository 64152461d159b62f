"""What the web application logs: every Action API call, every resource
download, every dataset or resource page seen by a logged-in user, and the
authentication events (log-in, failed log-in, log-out, API tokens).

The event is written in ``after_request``, before the response goes out, so a
response that was sent always has its durable event. Secrets never enter it:
no header, no query string, no request body is stored, only the action name,
the ids of the objects touched, the outcome and the timings.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import input_guard

from . import recorder

log = logging.getLogger(__name__)

_ID_PARAMS_DATASET = ("id", "name_or_id", "package_id", "dataset_id")
_ID_PARAMS_RESOURCE = ("resource_id",)
_AUTH_ACTIONS = {"api_token_create": "api_token_create", "api_token_revoke": "api_token_revoke"}


# --- request hooks ------------------------------------------------------------------
def before_request() -> None:
    g.molisa_audit_started = time.perf_counter()
    supplied = request.headers.get("X-Request-ID", "")
    g.molisa_audit_request_id = (supplied[:64] if supplied.replace("-", "").isalnum()
                                 else uuid.uuid4().hex)
    g.molisa_audit_objects = {"datasets": set(), "resources": set(), "organizations": set()}


def _classify() -> tuple[str, str] | None:
    """(channel, action) of this request, or None when it is not audited."""
    endpoint = request.endpoint or ""
    if endpoint == "api.action":
        return "api", (request.view_args or {}).get("logic_function", "")
    if endpoint.startswith("api."):
        return "api", request.path
    if endpoint.endswith("resource.download") or endpoint == "datastore.dump":
        return "download", endpoint
    if endpoint.startswith("molisa_audit."):
        return "web", endpoint  # who read or exported the log is logged too
    if endpoint.endswith(".read") and (endpoint.count(".") == 1) and not endpoint.startswith(
            ("organization", "group", "user", "home", "api")):
        if tk.current_user and tk.current_user.is_authenticated and \
                tk.asbool(tk.config.get("ckanext.molisa_audit.log_page_views")):
            return "web", endpoint
    return None


def _params() -> dict[str, Any]:
    """The request's string parameters that could name an object (input that
    cannot be stored, which the portal refuses, is left out)."""
    params: dict[str, Any] = dict(request.view_args or {})
    params.update(request.args.to_dict())
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            params.update({k: v for k, v in body.items() if isinstance(v, str)})
    elif request.form:
        params.update(request.form.to_dict())
    return {k: v for k, v in params.items()
            if not isinstance(v, str) or (len(v) <= 200 and input_guard.usable(v))}


def _resolve(objects: dict[str, set], params: dict[str, Any]) -> None:
    """Fill in the datasets, resources and units that the request touched.
    Ids from the actions' results come first (free); otherwise the request's
    identifiers are looked up, with at most two small queries."""
    if not objects["resources"]:
        for key in _ID_PARAMS_RESOURCE:
            if isinstance(params.get(key), str):
                objects["resources"].add(params[key])
    if not objects["datasets"] and not objects["resources"]:
        for key in _ID_PARAMS_DATASET:
            if isinstance(params.get(key), str):
                objects["datasets"].add(params[key])
                break
    if objects["resources"] and not objects["datasets"]:
        rows = model.Session.query(model.Resource.id, model.Resource.package_id).filter(
            model.Resource.id.in_(list(objects["resources"]))).all()
        objects["resources"] = {r.id for r in rows} or objects["resources"]
        objects["datasets"].update(r.package_id for r in rows)
    if objects["datasets"] and not objects["organizations"]:
        names = list(objects["datasets"])
        rows = model.Session.query(model.Package.id, model.Package.name,
                                   model.Package.owner_org).filter(
            model.Package.id.in_(names) | model.Package.name.in_(names)).all()
        found = {r.id for r in rows} | {r.name for r in rows}
        # what was asked for but does not exist is kept, apart from the ids
        unknown = sorted(n for n in names if n not in found)
        if unknown:
            objects["requested"] = unknown
        objects["datasets"] = {r.id for r in rows}
        objects["organizations"].update(r.owner_org for r in rows if r.owner_org)


def _outcome(response) -> tuple[str | None, str | None]:
    if response.status_code < 400:
        return None, None
    error_class, message = f"HTTP{response.status_code}", None
    if response.mimetype == "application/json" and not response.is_streamed:
        try:
            error = json.loads(response.get_data()).get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        if isinstance(error, dict):
            error_class = str(error.get("__type") or error_class)
            message = error.get("message")
            if isinstance(message, list):
                # an action's own parameter called "message" refused: its
                # errors are a list, as for every field
                message = "message: " + "; ".join(map(str, message))
            elif message is not None and not isinstance(message, str):
                message = str(message)
            if not message:
                fields = [k for k in error if not k.startswith("__")]
                message = ("fields: " + ", ".join(sorted(fields))) if fields else None
    return error_class, message


def _actor() -> dict[str, Any]:
    user = tk.current_user
    if user and user.is_authenticated:
        return {"actor": user.name, "actor_id": user.id, "actor_orgs": _user_orgs(user.id)}
    return {"actor": None, "actor_id": None, "actor_orgs": None}


_org_cache: dict[str, tuple[float, list[str]]] = {}


def _user_orgs(user_id: str) -> list[str]:
    """The units a user belongs to (cached for a minute per process)."""
    cached = _org_cache.get(user_id)
    if cached and time.monotonic() - cached[0] < 60:
        return cached[1]
    rows = model.Session.query(model.Member.group_id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user_id,
        model.Member.state == "active", model.Group.is_organization.is_(True)).all()
    orgs = sorted({r.group_id for r in rows})
    _org_cache[user_id] = (time.monotonic(), orgs)
    return orgs


def after_request(response):
    try:
        kind = _classify()
        if kind is None:
            return response
        if not hasattr(g, "molisa_audit_started"):
            before_request()
        channel, action = kind
        objects = g.molisa_audit_objects
        extra = {"method": request.method}
        try:
            _resolve(objects, _params())
            actor = _actor()
        except SQLAlchemyError:
            # PostgreSQL unreachable: the event still goes to the spool, with
            # what the request itself says.
            model.Session.rollback()
            extra["enrichment"] = "database unavailable"
            actor = {"actor": None, "actor_id": None, "actor_orgs": None}
        if objects.get("requested"):
            extra["requested"] = objects["requested"][:10]
        error_class, message = _outcome(response)
        if action in _AUTH_ACTIONS and response.status_code < 400:
            channel = "auth"
        bytes_sent = response.content_length
        if bytes_sent is None and not response.is_streamed:
            bytes_sent = len(response.get_data())
        recorder.record(
            channel, action, **actor,
            client_addr=request.remote_addr,
            datasets=objects["datasets"], resources=objects["resources"],
            organizations=objects["organizations"],
            status=response.status_code, error_class=error_class, error_message=message,
            duration_ms=(time.perf_counter() - g.molisa_audit_started) * 1000,
            bytes_sent=bytes_sent, request_id=g.molisa_audit_request_id, extra=extra,
            durable=not _public_read(),
        )
        response.headers["X-Request-ID"] = g.molisa_audit_request_id
    except OSError:
        # The spool cannot be written (disk full, permissions): refuse to
        # answer rather than serve a response that leaves no record.
        log.exception("audit spool write failed")
        raise
    return response


def _public_read() -> bool:
    """An anonymous visitor reading (GET or HEAD): whatever the answer, it
    holds only what the public may see. Its event is written at once and
    fsync'd within a fraction of a second rather than before the answer;
    everything else waits for its fsync."""
    user = tk.current_user
    return request.method in ("GET", "HEAD") and not (user and user.is_authenticated)


# --- signals ------------------------------------------------------------------------
def on_action_succeeded(action_name: str, context=None, data_dict=None, result=None, **kw):
    """Collect the ids of what an action returned, for the request's event.
    API tokens created or revoked outside the Action API (the user's token page,
    the CLI) are logged here, as the request itself is not."""
    if action_name in _AUTH_ACTIONS and not (has_request_context()
                                             and request.endpoint == "api.action"):
        user = (context or {}).get("user")
        recorder.record("auth", action_name, actor=user or None, status=200,
                        **_request_fields())
        return
    if not has_request_context() or not hasattr(g, "molisa_audit_objects"):
        return
    if not isinstance(result, dict) or action_name.endswith(("_search", "_list")):
        return
    objects = g.molisa_audit_objects
    if action_name.startswith(("package_", "dataset_")) and "owner_org" in result:
        objects["datasets"].add(result["id"])
        if result.get("owner_org"):
            objects["organizations"].add(result["owner_org"])
    elif action_name.startswith("resource_") and "package_id" in result:
        objects["resources"].add(result["id"])
        objects["datasets"].add(result["package_id"])
    elif action_name.startswith("datastore_") and isinstance(result.get("resource_id"), str):
        objects["resources"].add(result["resource_id"])


def _request_fields() -> dict[str, Any]:
    if not has_request_context():
        return {}
    return {"client_addr": request.remote_addr,
            "request_id": getattr(g, "molisa_audit_request_id", None)}


def on_logged_in(sender, user=None, **kw):
    recorder.record("auth", "login", actor=getattr(user, "name", None),
                    actor_id=getattr(user, "id", None), status=200, **_request_fields())


def on_logged_out(sender, user=None, **kw):
    recorder.record("auth", "logout", actor=getattr(user, "name", None),
                    actor_id=getattr(user, "id", None), status=200, **_request_fields())


def on_failed_login(login, **kw):
    # The login name someone typed is kept (it says who was targeted); what
    # they typed as a password never reaches this signal.
    recorder.record("auth", "login_failed", actor=str(login)[:100], status=401,
                    error_class="FailedLogin", **_request_fields())
