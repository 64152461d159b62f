"""Validators of the sharing actions' parameters. Messages go through tk._
and read in the user's language."""
from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Any

import ckan.plugins.toolkit as tk

_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{6,18}[0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def molisa_sharing_list(value: Any, context) -> list[str]:
    """A list of strings, from a list or a comma- or line-separated string."""
    if value is tk.missing or value is None or value == "":
        return []
    if isinstance(value, str):
        value = re.split(r"[,\n]", value)
    if not isinstance(value, (list, tuple)):
        raise tk.Invalid(tk._("Must be a list"))
    items = []
    for item in value:
        if not isinstance(item, str):
            raise tk.Invalid(tk._("Must be a list of texts"))
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def molisa_sharing_date(value: Any, context) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise tk.Invalid(tk._("Must be a date as YYYY-MM-DD"))


def molisa_sharing_email(value: Any, context) -> str:
    value = str(value).strip()
    if not _EMAIL.match(value) or len(value) > 254:
        raise tk.Invalid(tk._("Must be an e-mail address"))
    return value


def molisa_sharing_phone(value: Any, context) -> str:
    value = str(value).strip()
    if not _PHONE.match(value):
        raise tk.Invalid(tk._("Must be a phone number (digits, optionally with + and spaces)"))
    return value


def molisa_sharing_security_level(value: Any, context) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise tk.Invalid(tk._("Must be an information-security level from 1 to 5"))
    if not 1 <= level <= 5:
        raise tk.Invalid(tk._("Must be an information-security level from 1 to 5"))
    return level


def molisa_sharing_ip_list(value: Any, context) -> list[str]:
    """Client addresses or networks (``10.0.0.5``, ``10.0.0.0/24``)."""
    items = molisa_sharing_list(value, context)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise tk.Invalid(tk._("Not an IP address or network: {value}").format(value=item))
    return items


def molisa_sharing_text(value: Any, context) -> str:
    """Text of at most 10,000 characters, without control characters."""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be text"))
    value = value.strip()
    if len(value) > 10000:
        raise tk.Invalid(tk._("At most 10,000 characters"))
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise tk.Invalid(tk._("Contains control characters"))
    return value


def molisa_sharing_positive_int(value: Any, context) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise tk.Invalid(tk._("Must be a whole number"))
    if number < 1 or number > 10**9:
        raise tk.Invalid(tk._("Must be a positive whole number"))
    return number


#: harvest source types an inbound request may name: the MOLISA harvesters,
#: which map into the dataset schema; the stock types' names are read as them
SOURCE_TYPES = {"molisa_ckan": "molisa_ckan", "molisa_dcat": "molisa_dcat",
                "molisa_sector_db": "molisa_sector_db",
                "ckan": "molisa_ckan", "dcat_rdf": "molisa_dcat"}


def molisa_sharing_source_type(value: Any, context) -> str:
    if not isinstance(value, str) or value not in SOURCE_TYPES:
        raise tk.Invalid(tk._("Value must be one of {}").format(
            ", ".join(sorted(set(SOURCE_TYPES.values())))))
    return SOURCE_TYPES[value]


__all__ = [name for name in dir() if name.startswith("molisa_sharing_")]
