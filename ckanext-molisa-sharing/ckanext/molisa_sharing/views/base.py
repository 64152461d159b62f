"""What every sharing page shares: the blueprint (``molisa_sharing``, under
/sharing), calling an action as the current user, the form's values and
errors, paging; and the landing page, the services catalogue and the public
register."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import call_for_page

molisa_sharing = Blueprint("molisa_sharing", __name__, url_prefix="/sharing")

PER_PAGE = 50

#: fields of a request's form, as ``molisa_sharing_request_create`` takes them
REQUEST_TEXT_FIELDS = (
    "requester_type", "requester_organization", "user_name", "user_position", "user_email",
    "user_phone", "purpose", "scope", "content", "period_start", "period_end", "legal_basis",
    "security_level", "fields")
APPROVE_FIELDS = ("period_start", "period_end", "fields", "rate_limit_per_minute",
                  "quota_per_day", "allowed_ips", "conditions", "reason")
INBOUND_FIELDS = ("owner_org", "target", "source_system", "scope", "schedule", "frequency",
                  "details", "contact_name", "contact_position", "contact_email",
                  "contact_phone", "source_url", "source_type")
GRANT_STEPS = ("suspend", "reinstate", "terminate")


# -- shared ------------------------------------------------------------------

def call(action: str, data_dict: dict[str, Any]) -> Any:
    """Calls an action as the current user; a refusal becomes a 403 page and
    a missing record a 404 page, each with the action's message.
    ``ValidationError`` is left to the caller, which shows the form again."""
    return call_for_page(action, data_dict, forbidden=tk._("Not authorized to see this page"),
                         not_found=tk._("Not found"))


def errors(error: tk.ValidationError) -> dict[str, list[str]]:
    errors = error.error_dict if isinstance(error.error_dict, dict) else {}
    result = {}
    for key, value in errors.items():
        if isinstance(value, dict):
            value = [" ".join(str(v) for v in value.values())]
        elif not isinstance(value, list):
            value = [str(value)]
        result[key] = [str(v) for v in value]
    return result


def form_values(fields: tuple[str, ...]) -> dict[str, str]:
    """The form's fields as typed, stripped."""
    return {key: tk.request.form.get(key, "").strip() for key in fields}


def non_empty(values: dict[str, Any]) -> dict[str, Any]:
    """What goes to the action: a field left empty is not sent (the action's
    schema says whether it is required)."""
    return {k: v for k, v in values.items() if v not in ("", None, [])}


def login_first():
    """Someone who is not logged in goes to the login form, and back here."""
    return tk.redirect_to("user.login", next=tk.request.full_path)


def page_number() -> int:
    try:
        return max(1, int(tk.request.args.get("page", 1)))
    except ValueError:
        return 1


def page(result: dict[str, Any], page_number: int, **args) -> Any:
    from ckan.lib.pagination import Page

    def pager_url(q=None, page=None):
        return tk.h.url_for(tk.request.endpoint, page=page, **args)

    return Page(collection=result["results"], page=page_number, url=pager_url,
                item_count=result["count"], items_per_page=PER_PAGE, presliced_list=True)


# -- the landing page, the services and the register ---------------------------

@molisa_sharing.route("/")
def index():
    return tk.render("molisa_sharing/index.html", {})


@molisa_sharing.route("/services")
def services():
    """The data-sharing services catalogue (R12.4)."""
    return tk.render("molisa_sharing/services.html",
                     {"services": call("molisa_sharing_service_list", {})})


@molisa_sharing.route("/register")
def register():
    """The public register of active grants."""
    return tk.render("molisa_sharing/register.html",
                     {"grants": call("molisa_sharing_register", {})})
