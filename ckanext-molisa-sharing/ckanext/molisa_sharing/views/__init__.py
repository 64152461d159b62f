"""The sharing pages under /sharing (one blueprint, ``molisa_sharing``): the
services catalogue, the public register, requests for data (apply, edit,
submit, review), grants (usage reports, suspension, termination, tokens) and
inbound connection requests; one module per noun, the blueprint and what the
pages share in :mod:`.base`.

Every view is a thin caller of the ``molisa_sharing_*`` actions, which decide
who may do what: a refusal is a 403 page with the action's message, a missing
record a 404, bad input the same form again with a message beside each field.
"""
from __future__ import annotations

from ckanext.molisa_sharing.views import grant, inbound, request
from ckanext.molisa_sharing.views.base import molisa_sharing

__all__ = ["molisa_sharing"]

#: the modules whose pages are routes of the blueprint (importing them adds them)
PAGES = (request, grant, inbound)
