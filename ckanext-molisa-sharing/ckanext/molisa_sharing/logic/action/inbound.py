"""Inbound connection requests (R13): a unit asks to receive data from an
outside system; the IT Centre approves (linking or creating the harvest
source) or refuses.
"""
from __future__ import annotations

from slugify import slugify

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa_sharing import mail
from ckanext.molisa_sharing.logic import schema
from ckanext.molisa_sharing.logic.action.base import (
    commit, current_user, get_or_404, record, refuse_in_state, validate)
from ckanext.molisa_sharing.model import Inbound, dictization, now, queries

__all__ = [
    "molisa_sharing_inbound_create", "molisa_sharing_inbound_approve",
    "molisa_sharing_inbound_reject", "molisa_sharing_inbound_show",
    "molisa_sharing_inbound_list",
]


def molisa_sharing_inbound_create(context, data_dict):
    """A unit asks to receive data from an outside system.

    :param owner_org: the unit
    :param target: the unit or database that needs the data
    :param source_system: the outside system
    :param scope: the data
    :param schedule, frequency: time and frequency of the connection
    :param details: other details
    :param contact_name, contact_position, contact_email, contact_phone: the contact
    :param source_url, source_type: where to harvest (``molisa_ckan``,
        ``molisa_dcat``, ``molisa_sector_db``; ``ckan`` and ``dcat_rdf`` are read
        as the first two), when known
    """
    data = validate(data_dict, schema.molisa_sharing_inbound_create(), context)
    org = model.Group.get(data["owner_org"])
    if org is None or not org.is_organization:
        raise tk.ValidationError({"owner_org": [tk._("Unit not found")]})
    data["owner_org"] = org.id
    tk.check_access("molisa_sharing_inbound_create", context, data)
    user = current_user(context)
    inbound = Inbound(state="submitted", creator_id=user.id, history=[], **data)
    inbound.log("submitted", user.id)
    model.Session.add(inbound)
    commit(context)
    record(context, "inbound_create", organizations=[org.id],
           extra={"inbound_id": inbound.id, "source_system": inbound.source_system})
    mail.inbound_event(inbound, "submitted")
    return dictization.inbound_dictize(inbound)


def molisa_sharing_inbound_approve(context, data_dict):
    """The IT Centre approves; the request is linked to its harvest source:
    the one given, or one created from ``source_url`` and ``source_type``.

    :param id: the inbound request
    :param harvest_source_id: an existing harvest source (optional)
    :param reason: optional note
    """
    data = validate(data_dict, schema.molisa_sharing_inbound_approve(), context)
    inbound = get_or_404(Inbound, data, tk._("Request"))
    tk.check_access("molisa_sharing_inbound_approve", context, data)
    if inbound.state != "submitted":
        refuse_in_state(inbound, tk._("approve it"))
    user = current_user(context)
    source_id = data.get("harvest_source_id")
    if source_id:
        try:
            source = tk.get_action("harvest_source_show")({"ignore_auth": True},
                                                           {"id": source_id})
        except tk.ObjectNotFound:
            raise tk.ValidationError({"harvest_source_id": [tk._("Harvest source not found")]})
        source_id = source["id"]
    elif inbound.source_url and inbound.source_type:
        source_id = _create_source(inbound, user)
    inbound.state = "approved"
    inbound.harvest_source_id = source_id
    inbound.decision_reason = data.get("reason")
    inbound.decided_at = inbound.updated = now()
    inbound.decided_by = user.id
    inbound.log("approved", user.id, data.get("reason"))
    commit(context)
    record(context, "inbound_approve", organizations=[inbound.owner_org],
           extra={"inbound_id": inbound.id, "harvest_source_id": source_id})
    mail.inbound_event(inbound, "approved", data.get("reason"))
    return dictization.inbound_dictize(inbound)


def _create_source(inbound: Inbound, user: model.User) -> str:
    name = slugify(f"{inbound.source_system}-{inbound.id[:8]}", separator="-")[:100]
    try:
        source = tk.get_action("harvest_source_create")(
            {"user": user.name, "ignore_auth": True},
            {"name": name, "title": inbound.source_system, "url": inbound.source_url,
             "source_type": inbound.source_type, "owner_org": inbound.owner_org,
             "frequency": "MANUAL", "notes": inbound.scope})
    except tk.ValidationError as exc:
        errors = exc.error_dict or {}
        raise tk.ValidationError({"source_url": [
            tk._("The harvest source could not be created: {errors}").format(
                errors="; ".join(f"{k}: {v}" for k, v in errors.items()))]})
    return source["id"]


def molisa_sharing_inbound_reject(context, data_dict):
    """The IT Centre refuses, with the reason.

    :param id: the inbound request
    :param reason: why
    """
    data = validate(data_dict, schema.molisa_sharing_reason(), context)
    inbound = get_or_404(Inbound, data, tk._("Request"))
    tk.check_access("molisa_sharing_inbound_reject", context, data)
    if inbound.state != "submitted":
        refuse_in_state(inbound, tk._("refuse it"))
    user = current_user(context)
    inbound.state = "rejected"
    inbound.decision_reason = data["reason"]
    inbound.decided_at = inbound.updated = now()
    inbound.decided_by = user.id
    inbound.log("rejected", user.id, data["reason"])
    commit(context)
    record(context, "inbound_reject", organizations=[inbound.owner_org],
           extra={"inbound_id": inbound.id})
    mail.inbound_event(inbound, "rejected", data["reason"])
    return dictization.inbound_dictize(inbound)


@tk.side_effect_free
def molisa_sharing_inbound_show(context, data_dict):
    """:param id: the inbound request"""
    inbound = get_or_404(Inbound, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_inbound_show", context, data_dict)
    return dictization.inbound_dictize(inbound)


@tk.side_effect_free
def molisa_sharing_inbound_list(context, data_dict):
    """Inbound requests of the user's units (all, for sysadmins).

    :param state: filter
    :param limit, offset: paging
    """
    tk.check_access("molisa_sharing_inbound_list", context, data_dict)
    data = validate(data_dict, schema.molisa_sharing_inbound_list(), context)
    user = current_user(context)
    query = queries.inbound_requests(user, state=data.get("state"))
    count = query.count()
    rows = query.offset(data["offset"]).limit(data["limit"])
    return {"count": count, "results": [dictization.inbound_dictize(i) for i in rows]}
