"""The sharing pages (one blueprint, ``molisa_sharing``). Views are thin
callers of the actions."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

molisa_sharing = Blueprint("molisa_sharing", __name__, url_prefix="/sharing")


def _todo(**kw):
    return tk.abort(404)


for rule, endpoint in [("/requests/new", "request_new"), ("/requests/<id>", "request_read"),
                       ("/grants/<id>", "grant_read"), ("/inbound/<id>", "inbound_read"),
                       ("/review", "review")]:
    molisa_sharing.add_url_rule(rule, endpoint, _todo)


__all__ = ["molisa_sharing"]
