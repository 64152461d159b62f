"""Schemas of the molisa_harvest actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def source_health_schema(not_empty, unicode_safe, ignore_missing, is_positive_integer):
    return {"id": [not_empty, unicode_safe],
            "limit": [ignore_missing, is_positive_integer]}


@validator_args
def source_run_now_schema(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}
