"""Validation schemas of the quality checks' actions (messages through
``tk._``: the user's language)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args


def molisa_quality_bool(value: Any, context) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.lower() in ("true", "1", "yes")
    raise tk.Invalid(tk._("Must be true or false"))


@validator_args
def molisa_quality_sweep(ignore_missing):
    return {"sync": [ignore_missing, molisa_quality_bool]}
