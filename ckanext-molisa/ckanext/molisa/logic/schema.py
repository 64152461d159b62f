"""Validation schemas of ckanext-molisa's actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def molisa_codelist_show_schema(not_empty, unicode_safe, one_of):
    from ckanext.molisa import codelists
    return {"id": [not_empty, unicode_safe, one_of(list(codelists.NAMES))]}


@validator_args
def molisa_demo_load_schema(ignore_missing, int_validator, boolean_validator):
    return {
        "limit": [ignore_missing, int_validator],
        "with_datastore": [ignore_missing, boolean_validator],
    }
