"""Validation schemas of the quality checks' actions (messages through
``tk._``: the user's language)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args

# the Open Data List's: the same rules, the same messages
from ckanext.molisa.logic.odl_schema import _bool as molisa_quality_bool
from ckanext.molisa.logic.odl_schema import molisa_odl_id as molisa_quality_id


@validator_args
def molisa_quality_sweep(ignore_missing):
    return {"sync": [ignore_missing, molisa_quality_bool]}


def molisa_quality_days(value: Any, context) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise tk.Invalid(tk._("Must be a whole number of days from 1 to 366"))
    if isinstance(value, bool) or not 1 <= days <= 366:
        raise tk.Invalid(tk._("Must be a whole number of days from 1 to 366"))
    return days


@validator_args
def molisa_quality_show(not_empty):
    return {"id": [not_empty, molisa_quality_id]}


@validator_args
def molisa_quality_list(not_empty, ignore_missing):
    return {"owner_org": [not_empty, molisa_quality_id],
            "days": [ignore_missing, molisa_quality_days]}
