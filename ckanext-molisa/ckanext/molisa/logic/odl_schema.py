"""Validation schemas and validators of the Open Data List's actions.
Messages through ``tk._``: the user's language."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args

from ckanext.molisa import codelists
from ckanext.molisa.odl.deadlines import STATES

MAX_TEXT = 5000


def molisa_odl_text(value: Any, context) -> str:
    """Text of at most 5,000 characters, without control characters."""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be text"))
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise tk.Invalid(tk._("At most 5,000 characters"))
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise tk.Invalid(tk._("Contains control characters"))
    return value


def molisa_odl_id(value: Any, context) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise tk.Invalid(tk._("Must be an identifier"))
    return value.strip()


def molisa_odl_date(value: Any, context) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be a date as YYYY-MM-DD"))
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise tk.Invalid(tk._("Must be a date as YYYY-MM-DD"))
    if not 2000 <= day.year <= 2100:
        raise tk.Invalid(tk._("Must be a date between 2000 and 2100"))
    return day


def _codelist(name: str):
    def validator(value: Any, context) -> str:
        if not isinstance(value, str) or value not in codelists.values(name):
            raise tk.Invalid(tk._("Not a value of the code list"))
        return value
    return validator


def molisa_odl_unit(value: Any, context) -> str:
    """An active organization (by id or name); returns its id."""
    from ckan import model
    if not isinstance(value, str) or len(value) > 200:
        raise tk.Invalid(tk._("Unknown unit"))
    group = model.Group.get(value)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Unknown unit"))
    return group.id


def _bool(value: Any, context) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.lower() in ("true", "1", "yes")
    raise tk.Invalid(tk._("Must be true or false"))


@validator_args
def molisa_odl_id_schema(not_empty):
    return {"id": [not_empty, molisa_odl_id]}


@validator_args
def molisa_odl_version_create(ignore_missing):
    return {"copy_in_force": [ignore_missing, _bool],
            "decision_number": [ignore_missing, molisa_odl_text],
            "decision_date": [ignore_missing, molisa_odl_date],
            "approver": [ignore_missing, molisa_odl_text],
            "note": [ignore_missing, molisa_odl_text]}


@validator_args
def molisa_odl_version_update(not_empty, ignore_missing):
    schema = molisa_odl_version_create()
    schema.pop("copy_in_force")
    schema["id"] = [not_empty, molisa_odl_id]
    return schema


@validator_args
def molisa_odl_version_approve(not_empty, ignore_missing):
    return {"id": [not_empty, molisa_odl_id],
            "decision_number": [not_empty, molisa_odl_text, not_empty],
            "decision_date": [not_empty, molisa_odl_date],
            "approver": [not_empty, molisa_odl_text, not_empty],
            "note": [ignore_missing, molisa_odl_text]}


@validator_args
def molisa_odl_version_show(ignore_missing):
    return {"id": [ignore_missing, molisa_odl_id]}


@validator_args
def molisa_odl_entry_create(not_empty, ignore_missing):
    return {
        "version_id": [not_empty, molisa_odl_id],
        "owner_org": [not_empty, molisa_odl_unit],
        "title": [not_empty, molisa_odl_text, not_empty],
        "title_en": [ignore_missing, molisa_odl_text],
        "description": [ignore_missing, molisa_odl_text],
        "description_en": [ignore_missing, molisa_odl_text],
        "sector": [not_empty, _codelist("sectors")],
        "coverage": [ignore_missing, molisa_odl_text],
        "legal_basis": [ignore_missing, molisa_odl_text],
        "update_frequency": [not_empty, _codelist("update_frequencies")],
        "first_due": [not_empty, molisa_odl_date],
    }


@validator_args
def molisa_odl_entry_update(not_empty, ignore_missing):
    schema = {k: [ignore_missing] + v[1:] for k, v in molisa_odl_entry_create().items()}
    schema.pop("version_id")
    schema["id"] = [not_empty, molisa_odl_id]
    return schema


@validator_args
def molisa_odl_entry_link(not_empty):
    return {"id": [not_empty, molisa_odl_id], "package_id": [not_empty, molisa_odl_id]}


@validator_args
def molisa_odl_entry_list(ignore_missing, one_of):
    return {"version_id": [ignore_missing, molisa_odl_id],
            "owner_org": [ignore_missing, molisa_odl_unit],
            "state": [ignore_missing, one_of(list(STATES))]}


@validator_args
def molisa_odl_status_summary(ignore_missing):
    return {"owner_org": [ignore_missing, molisa_odl_unit]}


@validator_args
def molisa_odl_sweep(ignore_missing):
    return {"today": [ignore_missing, molisa_odl_date]}
