"""Validation schemas of the reports' actions. Messages through ``tk._``:
the user's language."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args

from ckanext.molisa.logic.odl_schema import _bool, molisa_odl_date, molisa_odl_id, molisa_odl_unit
from ckanext.molisa.model.report import RESOLUTIONS, STATES, TYPES

MAX_DESCRIPTION = 5000
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def molisa_report_text(value: Any, context) -> str:
    """Text of at most 5,000 characters, without control characters."""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be text"))
    value = value.strip()
    if len(value) > MAX_DESCRIPTION:
        raise tk.Invalid(tk._("At most 5,000 characters"))
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise tk.Invalid(tk._("Contains control characters"))
    return value


def molisa_report_short_text(value: Any, context) -> str:
    value = molisa_report_text(value, context)
    if len(value) > 200:
        raise tk.Invalid(tk._("At most 200 characters"))
    return value


def molisa_report_email(value: Any, context) -> str:
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.match(value.strip()):
        raise tk.Invalid(tk._("Must be an e-mail address"))
    return value.strip()


def molisa_report_type(value: Any, context) -> str:
    if not isinstance(value, str) or value not in TYPES:
        raise tk.Invalid(tk._("Choose the kind of problem"))
    return value


def _one_of(values):
    def validator(value: Any, context) -> str:
        if not isinstance(value, str) or value not in values:
            raise tk.Invalid(tk._("Not one of the allowed values"))
        return value
    return validator


@validator_args
def molisa_report_create(not_empty, ignore_missing):
    return {
        "type": [not_empty, molisa_report_type],
        "description": [not_empty, molisa_report_text, not_empty],
        "package_id": [ignore_missing, molisa_odl_id],
        "resource_id": [ignore_missing, molisa_odl_id],
        "email": [ignore_missing, molisa_report_email],
        "name": [ignore_missing, molisa_report_short_text],
    }


@validator_args
def molisa_report_id_schema(not_empty):
    return {"id": [not_empty, molisa_odl_id]}


@validator_args
def molisa_report_reply(not_empty):
    return {"id": [not_empty, molisa_odl_id],
            "message": [not_empty, molisa_report_text, not_empty]}


@validator_args
def molisa_report_acknowledge(not_empty, ignore_missing):
    return {"id": [not_empty, molisa_odl_id],
            "message": [ignore_missing, molisa_report_text]}


@validator_args
def molisa_report_close(not_empty, ignore_missing):
    return {"id": [not_empty, molisa_odl_id],
            "resolution": [not_empty, _one_of(RESOLUTIONS)],
            "activity_id": [ignore_missing, molisa_odl_id],
            "reason": [ignore_missing, molisa_report_text],
            "restore_resource": [ignore_missing, _bool]}


@validator_args
def molisa_report_hide_resource(not_empty, ignore_missing):
    return {"resource_id": [not_empty, molisa_odl_id],
            "report_id": [ignore_missing, molisa_odl_id]}


@validator_args
def molisa_report_list(ignore_missing):
    return {"state": [ignore_missing, _one_of(STATES)],
            "owner_org": [ignore_missing, molisa_odl_unit],
            "mine": [ignore_missing, _bool]}


@validator_args
def molisa_report_stats(ignore_missing):
    return {"owner_org": [ignore_missing, molisa_odl_unit]}


@validator_args
def molisa_report_sweep(ignore_missing):
    return {"today": [ignore_missing, molisa_odl_date]}
