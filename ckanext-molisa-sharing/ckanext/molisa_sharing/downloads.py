"""Resource downloads (uploaded files, and redirects to linked files) and
DataStore dumps ask the access decision before CKAN's view runs: CKAN's
download view checks only ``resource_show``, which is metadata, and its dump
view answers a refusal with a 404 that does not say how to apply."""
from __future__ import annotations

from flask import request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.molisa_sharing import access


def before_request():
    endpoint = request.endpoint or ""
    resource_id = (request.view_args or {}).get("resource_id")
    if not resource_id:
        return None
    if endpoint.endswith("resource.download"):
        # the whole file: a grant limited to some fields does not open it
        check = {"resource_id": resource_id, "consume": True, "whole_file": True}
    elif endpoint == "datastore.dump":
        # the rows come through datastore_search, which counts them against
        # the grant's limits and returns only the granted fields
        check = {"resource_id": access.datastore_resource_id(resource_id)}
    else:
        return None
    if access.package_of_resource(check["resource_id"]) is None:
        return None  # not a resource: CKAN's view answers
    context = {"user": current_user.name if current_user.is_authenticated else ""}
    try:
        tk.check_access("molisa_sharing_data_access", context, check)
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or tk._("Not authorized to download this resource"))
    return None
