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
