"""The public register of grants in force (R18.3): who holds what, for what
purpose, until when.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.molisa_sharing import deadlines
from ckanext.molisa_sharing.model import Request, dictization, queries

__all__ = ["molisa_sharing_register"]


@tk.side_effect_free
def molisa_sharing_register(context, data_dict):
    """The public register of active grants: who holds what, for what purpose,
    until when. No personal contact data; individuals are not named.

    :returns: list of grants
    """
    tk.check_access("molisa_sharing_register", context, data_dict)
    today = deadlines.today()
    result = []
    for grant in queries.register_grants(today):
        req = Request.get(grant.request_id)
        individual = req is not None and req.requester_type == "individual"
        result.append(dictization.register_entry(grant, individual, tk._("Individual")))
    return result
