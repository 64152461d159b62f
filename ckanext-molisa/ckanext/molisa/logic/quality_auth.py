"""Who may do what with the quality checks, decided here only. Deny by
default; sysadmins pass every auth function before it is called."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def molisa_quality_sweep(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators run the quality sweep.")}


def get_auth_functions() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith("molisa_quality_") and callable(fn)}
