"""Validators of the identity actions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa import input_guard

from .. import crypto


def molisa_identity_pid(value: Any, context) -> str:
    """A personal identification number: exactly 12 digits."""
    if not isinstance(value, str) or not crypto.valid_pid(value.strip()):
        raise tk.Invalid(tk._("A personal identification number has exactly 12 digits."))
    return value.strip()


def molisa_identity_text(value: Any, context) -> str:
    if not isinstance(value, str) or not input_guard.usable(value) or len(value) > 200:
        raise tk.Invalid(tk._("Must be a text of at most 200 characters."))
    return value.strip()


def molisa_identity_code(value: Any, context) -> str:
    """A 6-digit code or a recovery code (xxxxx-xxxxx)."""
    if not isinstance(value, str) or not (6 <= len(value.strip()) <= 20) or \
            not input_guard.usable(value):
        raise tk.Invalid(tk._("Enter the 6-digit code or a recovery code."))
    return value.strip()


def get_validators() -> dict[str, Any]:
    return {"molisa_identity_pid": molisa_identity_pid,
            "molisa_identity_text": molisa_identity_text,
            "molisa_identity_code": molisa_identity_code}
