"""The health page of a harvest source, ``/harvest/<source>/health`` (one
blueprint, ``molisa_harvest``): its last runs, their counts and errors, the
next scheduled run, and a "Run now" button. Thin callers of the
``molisa_harvest_source_*`` actions, which decide who may do what."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import call_for_page

molisa_harvest = Blueprint("molisa_harvest", __name__, url_prefix="/harvest")

__all__ = ["molisa_harvest"]


def _call(action: str, data_dict: dict[str, Any]) -> Any:
    return call_for_page(action, data_dict, forbidden=tk._("Not authorized to see this page"),
                         not_found=tk._("Harvest source not found"))


@molisa_harvest.route("/<id>/health")
def health(id: str):
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", next=tk.request.full_path)
    result = _call("molisa_harvest_source_health", {"id": id})
    can_run = tk.h.check_access("molisa_harvest_source_run_now", {"id": result["source"]["id"]})
    return tk.render("molisa_harvest/health.html",
                     {"health": result, "source": result["source"], "can_run": can_run})


@molisa_harvest.route("/<id>/run-now", methods=["POST"])
def run_now(id: str):
    try:
        _call("molisa_harvest_source_run_now", {"id": id})
        tk.h.flash_success(tk._("The run was started: the gather stage begins shortly."))
    except tk.ValidationError as exc:
        messages = exc.error_dict.get("id") if isinstance(exc.error_dict, dict) else None
        tk.h.flash_error(" ".join(messages or [str(exc)]))
    return tk.redirect_to("molisa_harvest.health", id=id)
