"""What every sharing action does around its own step: validate, know the
user, commit, write the audit event, find the record, refuse a step that the
record's state does not allow."""
from __future__ import annotations

from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import audit
from ckanext.molisa_sharing import access, labels

#: request states in which the applicant may still change it
EDITABLE = ("draft", "changes_requested")


def validate(data_dict: dict, schema_: dict, context: dict) -> dict:
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def current_user(context: dict) -> model.User:
    """The context's user; an anonymous caller is refused."""
    user = access.user_of(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Log in first"))
    return user


def commit(context: dict) -> None:
    """Commit (unless ``defer_commit``) and drop what this request has read
    about grants and memberships."""
    if not context.get("defer_commit"):
        model.repo.commit()
    access.forget()


def record(context: dict, action: str, *, datasets: Iterable[str] = (),
           organizations: Iterable[Optional[str]] = (), extra: Optional[dict] = None,
           connection_account: Optional[str] = None) -> None:
    """The ``sharing`` audit event of a step, by the context's user (the
    kernel's audit client and its error policy)."""
    user = access.user_of(context)
    audit.record("sharing", action, actor=user.name if user is not None else None,
                 connection_account=connection_account or None,
                 datasets=list(datasets), organizations=list(organizations),
                 extra=extra or {})


def get_or_404(cls, data_dict: Any, what: str):
    """The row named by ``id``: a missing id is a field error, an unknown one
    ObjectNotFound (before the auth check, as CKAN's own actions do)."""
    ref = data_dict.get("id") if isinstance(data_dict, dict) else None
    if not ref or not isinstance(ref, str):
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    obj = cls.get(ref)
    if obj is None:
        raise tk.ObjectNotFound(tk._("{what} not found").format(what=what))
    return obj


def refuse_in_state(obj, verb: str, state: Optional[str] = None):
    """A step that the record's state (or ``state``) does not allow."""
    raise tk.ValidationError({"state": [tk._(
        "Cannot {verb}: the request is {state}").format(
            verb=verb, state=labels.state_label(state or obj.state))]})


def check_role(role: str, user: model.User) -> None:
    """Only sysadmins list every record (``role=all``)."""
    if role == "all" and not user.sysadmin:
        raise tk.NotAuthorized(tk._("Only sysadmins list every request"))
