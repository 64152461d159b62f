"""What every action module of ckanext-molisa's module sets (the Open Data
List, quality, reports, WikiMolisa) does the same way."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model


def validate(data_dict, schema, context) -> dict[str, Any]:
    """``data_dict`` through ``schema``, or a ValidationError per field."""
    data, errors = tk.navl_validate(dict(data_dict or {}), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def commit(context) -> None:
    """Commit, unless the caller defers it (``defer_commit``)."""
    if not context.get("defer_commit"):
        model.repo.commit()
