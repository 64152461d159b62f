"""Resource downloads (uploaded files, and redirects to linked files) ask
the access decision before CKAN's download view runs: CKAN's view checks
only ``resource_show``, which is metadata."""
from __future__ import annotations

from flask import request

import ckan.plugins.toolkit as tk
from ckan.common import current_user


def before_request():
    endpoint = request.endpoint or ""
    if not endpoint.endswith("resource.download"):
        return None
    resource_id = (request.view_args or {}).get("resource_id")
    if not resource_id:
        return None
    context = {"user": current_user.name if current_user.is_authenticated else ""}
    try:
        tk.check_access("molisa_sharing_data_access", context,
                        {"resource_id": resource_id, "consume": True, "whole_file": True})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or tk._("Not authorized to download this resource"))
    return None
