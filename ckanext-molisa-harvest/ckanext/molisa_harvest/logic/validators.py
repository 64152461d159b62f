"""Validators of the molisa_harvest actions ("My data"'s one-time password)."""
from __future__ import annotations

import re

import ckan.plugins.toolkit as tk

from ckanext.molisa import subjects as subject_keys

_CODE = re.compile(r"^[0-9]{6}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def molisa_harvest_personal_number(value):
    """The 12 digits of a personal identification number (spaces around
    dropped)."""
    pid = subject_keys.normalise(value) if isinstance(value, str) else None
    if pid is None:
        raise tk.Invalid(tk._("Give the 12 digits of your personal identification number."))
    return pid


def molisa_harvest_otp_code(value):
    text = value.strip() if isinstance(value, str) else ""
    if not _CODE.match(text):
        raise tk.Invalid(tk._("The code is the 6 digits of the e-mail we sent."))
    return text


def molisa_harvest_otp_challenge(value):
    if not isinstance(value, str) or not _CHALLENGE.match(value):
        raise tk.Invalid(tk._("Ask for a new code."))
    return value


def molisa_harvest_entry_id(value):
    """The number of an entry of "who used my data"."""
    if isinstance(value, bool):
        raise tk.Invalid(tk._("Must be the number of an entry of your list."))
    try:
        number = int(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise tk.Invalid(tk._("Must be the number of an entry of your list."))
    if not 0 < number < 2 ** 63:
        raise tk.Invalid(tk._("Must be the number of an entry of your list."))
    return number


def get_validators() -> dict:
    return {"molisa_harvest_entry_id": molisa_harvest_entry_id,
            "molisa_harvest_personal_number": molisa_harvest_personal_number,
            "molisa_harvest_otp_code": molisa_harvest_otp_code,
            "molisa_harvest_otp_challenge": molisa_harvest_otp_challenge}
