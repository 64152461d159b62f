"""Validation schemas of WikiMolisa's actions. Messages through ``tk._``:
the user's language."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic.schema import validator_args

from ckanext.molisa.logic.report_schema import molisa_report_short_text, molisa_report_text


def molisa_wiki_open_licence(value: Any, context) -> str:
    """One of CKAN's licences that is open."""
    if not isinstance(value, str) or not value.strip():
        raise tk.Invalid(tk._("Choose an open licence"))
    licence = model.Package.get_license_register().get(value.strip())
    if licence is None or not licence.isopen():
        raise tk.Invalid(tk._("Choose an open licence"))
    return value.strip()


def open_licences() -> list[tuple[str, str]]:
    """(id, title) of the open licences in CKAN's licence list."""
    register = model.Package.get_license_register()
    return [(lic.id, lic.title) for lic in register.values() if lic.isopen()]


@validator_args
def molisa_wiki_submit(not_empty):
    return {
        "title": [not_empty, molisa_report_short_text],
        "notes": [not_empty, molisa_report_text],
        "source": [not_empty, molisa_report_short_text],
        "license_id": [not_empty, molisa_wiki_open_licence],
    }


@validator_args
def molisa_wiki_submission_update(not_empty, ignore_missing, unicode_safe):
    """The fields the submitter changes; a field left out stays as it was."""
    return {
        "id": [not_empty, unicode_safe],
        "title": [ignore_missing, not_empty, molisa_report_short_text],
        "notes": [ignore_missing, not_empty, molisa_report_text],
        "source": [ignore_missing, not_empty, molisa_report_short_text],
        "license_id": [ignore_missing, not_empty, molisa_wiki_open_licence],
    }


@validator_args
def molisa_wiki_show(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


def _mine(value: Any, context) -> bool:
    if value in (True, "true", "True", "1", 1):
        return True
    if value in (False, "false", "False", "0", 0, "", None):
        return False
    raise tk.Invalid(tk._("Not one of the allowed values"))


@validator_args
def molisa_wiki_list(ignore_missing):
    return {"mine": [ignore_missing, _mine], "queue": [ignore_missing, _mine]}


#: the moderators' decisions and the states they lead to
DECISIONS = {"publish": "published", "request_changes": "changes_requested",
             "reject": "rejected"}


def molisa_wiki_decision(value: Any, context) -> str:
    if not isinstance(value, str) or value not in DECISIONS:
        raise tk.Invalid(tk._("Choose publish, request changes or reject"))
    return value


@validator_args
def molisa_wiki_moderate(not_empty, unicode_safe, ignore_missing):
    return {"id": [not_empty, unicode_safe], "decision": [not_empty, molisa_wiki_decision],
            "reason": [ignore_missing, molisa_report_text]}


def _token(value: Any, context) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 1000:
        raise tk.Invalid(tk._("This verification link is not valid."))
    return value.strip()


@validator_args
def molisa_wiki_verify(not_empty):
    return {"token": [not_empty, _token]}


def molisa_wiki_reuse_type(value: Any, context) -> str:
    from ckanext.molisa.model.wiki import REUSE_TYPES
    if not isinstance(value, str) or value not in REUSE_TYPES:
        raise tk.Invalid(tk._("Choose an application, an article or a report"))
    return value


def molisa_wiki_url(value: Any, context) -> str:
    from urllib.parse import urlsplit
    if not isinstance(value, str) or len(value) > 500:
        raise tk.Invalid(tk._("Must be a web address (http or https)"))
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise tk.Invalid(tk._("Must be a web address (http or https)"))
    return value


@validator_args
def molisa_wiki_reuse_create(not_empty, ignore_missing, unicode_safe):
    return {
        "package_id": [not_empty, unicode_safe],
        "type": [not_empty, molisa_wiki_reuse_type],
        "title": [not_empty, molisa_report_short_text],
        "url": [not_empty, molisa_wiki_url],
        "description": [ignore_missing, molisa_report_text],
    }


@validator_args
def molisa_wiki_reuse_list(ignore_missing, unicode_safe):
    return {"package_id": [ignore_missing, unicode_safe], "queue": [ignore_missing, _mine]}


@validator_args
def molisa_wiki_sweep(ignore_missing):
    from ckanext.molisa.logic.report_schema import molisa_report_sweep
    return molisa_report_sweep()
