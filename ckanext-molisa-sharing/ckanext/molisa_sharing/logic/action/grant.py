"""Grants, what approved requests become (R18.3): shown, listed, suspended,
reinstated, terminated; and the API tokens bound to one grant, for a system
that connects. Nothing here deletes a grant.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa_sharing import labels, mail
from ckanext.molisa_sharing.logic import schema
from ckanext.molisa_sharing.logic.action.base import (
    check_role, commit, current_user, get_or_404, record, validate)
from ckanext.molisa_sharing.model import (
    TOKEN_GRANT_KEY, Grant, dictization, grant_effective_state, now, queries)

__all__ = [
    "molisa_sharing_grant_show", "molisa_sharing_grant_list",
    "molisa_sharing_grant_suspend", "molisa_sharing_grant_reinstate",
    "molisa_sharing_grant_terminate", "molisa_sharing_grant_token_create",
]


@tk.side_effect_free
def molisa_sharing_grant_show(context, data_dict):
    """A grant: what it opens, until when, its state, usage reports, tokens.

    :param id: the grant
    """
    grant = get_or_404(Grant, data_dict, tk._("Grant"))
    tk.check_access("molisa_sharing_grant_show", context, data_dict)
    return dictization.grant_dictize(grant)


@tk.side_effect_free
def molisa_sharing_grant_list(context, data_dict):
    """Grants, newest first.

    :param role: ``mine`` (held or managed by the user), ``review`` (of the
        units the user is an admin of) or ``all`` (sysadmins)
    :param state: filter
    :param limit, offset: paging
    """
    tk.check_access("molisa_sharing_grant_list", context, data_dict)
    data = validate(data_dict, schema.molisa_sharing_grant_list(), context)
    user = current_user(context)
    check_role(data["role"], user)
    query = queries.grants(data["role"], user, state=data.get("state"))
    count = query.count()
    rows = query.offset(data["offset"]).limit(data["limit"])
    return {"count": count, "results": [dictization.grant_dictize(g) for g in rows]}


def _grant_step(context, data_dict, action: str, *, schema_, from_states: tuple[str, ...],
                to_state: str, verb: str, event: str) -> dict[str, Any]:
    get_or_404(Grant, data_dict, tk._("Grant"))
    tk.check_access(action, context, data_dict)
    data = validate(data_dict, schema_, context)
    grant = get_or_404(Grant, data, tk._("Grant"))
    user = current_user(context)
    effective = grant_effective_state(grant)
    if grant.state not in from_states or effective == "expired":
        raise tk.ValidationError({"state": [tk._("Cannot {verb}: the grant is {state}").format(
            verb=verb, state=labels.state_label(effective))]})
    grant.state = to_state
    grant.state_reason = data.get("reason")
    grant.updated = now()
    grant.log(to_state, user.id, data.get("reason"))
    if to_state == "terminated":
        queries.revoke_tokens(grant)
    commit(context)
    record(context, "grant_" + event, datasets=grant.datasets, organizations=[grant.owner_org],
           extra={"grant_id": grant.id, "reason": data.get("reason")})
    mail.grant_event(grant, event, data.get("reason"))
    return dictization.grant_dictize(grant)


def molisa_sharing_grant_suspend(context, data_dict):
    """Suspend an active grant; it stops opening data on the very next
    request, and the grantee sees the reason (R18.3).

    :param id: the grant
    :param reason: why
    """
    return _grant_step(context, data_dict, "molisa_sharing_grant_suspend",
                       schema_=schema.molisa_sharing_reason(), from_states=("active",),
                       to_state="suspended", verb=tk._("suspend it"), event="suspended")


def molisa_sharing_grant_reinstate(context, data_dict):
    """Make a suspended grant active again (inside its period).

    :param id: the grant
    :param reason: optional
    """
    return _grant_step(context, data_dict, "molisa_sharing_grant_reinstate",
                       schema_=schema.molisa_sharing_optional_reason(),
                       from_states=("suspended",), to_state="active",
                       verb=tk._("reinstate it"), event="reinstated")


def molisa_sharing_grant_terminate(context, data_dict):
    """End a grant for good (R18.3); its tokens are revoked.

    :param id: the grant
    :param reason: why
    """
    return _grant_step(context, data_dict, "molisa_sharing_grant_terminate",
                       schema_=schema.molisa_sharing_reason(),
                       from_states=("active", "suspended"), to_state="terminated",
                       verb=tk._("terminate it"), event="terminated")


def molisa_sharing_grant_token_create(context, data_dict):
    """An API token bound to this grant, for a system that connects: it opens
    only what the grant covers, stops working while the grant is suspended and
    is revoked when the grant ends. The token is returned once.

    :param id: the grant
    :param name: the token's name
    :returns: ``{"token": ..., "id": ...}``
    """
    data = validate(data_dict, schema.molisa_sharing_token_create(), context)
    grant = get_or_404(Grant, data, tk._("Grant"))
    tk.check_access("molisa_sharing_grant_token_create", context, data)
    if grant_effective_state(grant) != "active":
        raise tk.ValidationError({"id": [tk._("Tokens are issued for active grants only")]})
    holder = model.User.get(grant.holder_id)
    name = data.get("name") or tk._("Grant {ref}").format(ref=grant.id[:8])
    result = tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": holder.name}, {"user": holder.name, "name": name[:200]})
    token = model.ApiToken.get(result["id"])
    token.plugin_extras = {TOKEN_GRANT_KEY: grant.id}
    model.repo.commit()
    record(context, "grant_token_create", datasets=grant.datasets,
           organizations=[grant.owner_org], extra={"grant_id": grant.id, "token_id": token.id},
           connection_account=holder.name if grant.kind == "service" else None)
    return {"token": result["token"], "id": token.id, "grant_id": grant.id}
