"""Validators of the MOLISA dataset schema. Messages go through ``tk._`` so
that they reach the user in their language (Vietnamese first)."""
from __future__ import annotations

import datetime
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import access_levels

Invalid = tk.Invalid
missing = tk.missing

__all__ = [
    "molisa_yes_no",
    "molisa_open_without_personal_data",
    "molisa_license_fits_access_level",
    "molisa_not_before",
    "molisa_columns",
    "molisa_columns_output",
    "molisa_boolean",
    "molisa_texts",
    "molisa_wiki_always_open",
    # CKAN's own, hardened: a list or an object is an invalid value, not a
    # server error (they raise TypeError in CKAN 2.12's navl validators);
    # every schema that names them (CKAN's included) gets these
    "convert_int",
    "limit_to_configured_maximum",
]


#: Column types accepted in a resource's structure description.
COLUMN_TYPES = ("text", "integer", "number", "date", "datetime", "boolean")

_TRUE = {"true", "yes", "1", "on", "có", "co"}
_FALSE = {"false", "no", "0", "off", "không", "khong", ""}
_COLUMN_LINE = re.compile(r"^\s*([^:]+?)\s*:\s*([A-Za-z]+)\s*(?:[-–]\s*(.*))?$")


def _value(data: dict, field: str) -> Any:
    value = data.get((field,))
    return None if value is missing else value


def molisa_yes_no(value: Any) -> str:
    """Accept a boolean in any usual spelling and store "true" or "false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip().lower()
    if text in _TRUE:
        return "true"
    if text in _FALSE:
        return "false"
    raise Invalid(tk._("Enter yes or no (true or false)."))


def molisa_open_without_personal_data(key, data, errors, context):
    """An open dataset cannot hold personal data (R4.3, R14.4)."""
    if errors.get(key):
        return
    if data.get(key) == "true" and _value(data, "access_level") == access_levels.OPEN:
        errors[key].append(tk._(
            "An open dataset cannot contain personal data. Choose another "
            "access level or remove the personal data."))


def molisa_license_fits_access_level(key, data, errors, context):
    """Open data must carry an open licence; the licence must exist."""
    if errors.get(key):
        return
    license_id = data.get(key)
    if not license_id:
        return
    register = model.Package.get_license_register()
    license = register.get(license_id)
    if license is None:
        errors[key].append(tk._("Unknown licence: %s") % license_id)
        return
    if _value(data, "access_level") == access_levels.OPEN and not license.isopen():
        errors[key].append(tk._(
            "Open data must carry an open licence (for example CC BY 4.0)."))


def molisa_wiki_always_open(key, data, errors, context):
    """A WikiMolisa community dataset is open data: its access level is set,
    never chosen (R14.3)."""
    data[key] = access_levels.OPEN


def molisa_not_before(other: str):
    """``molisa_not_before(field)``: this date may not precede ``field``."""

    def validator(key, data, errors, context):
        if errors.get(key) or errors.get((other,)):
            return
        this, first = data.get(key), _value(data, other)
        if not this or this is missing or not first:
            return
        try:
            this_date = _as_date(this)
            first_date = _as_date(first)
        except ValueError:
            return  # isodate has reported it
        if this_date < first_date:
            errors[key].append(tk._("This date cannot be before %s.") % first_date.isoformat())

    return validator


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def molisa_columns(value: Any, context: dict) -> str:
    """A resource's structure: column names and types.

    Accepts a JSON list of ``{"name", "type", "description"?}`` objects, or
    text with one column per line: ``name: type`` (optionally ``- description``).
    Stored as a JSON list.
    """
    if value is missing or value is None or value == "" or value == []:
        return missing
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise Invalid(tk._("The structure is not valid JSON."))
        else:
            value = []
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                match = _COLUMN_LINE.match(line)
                if not match:
                    raise Invalid(tk._('Line %d: write "column name: type".') % number)
                column = {"name": match.group(1), "type": match.group(2).lower()}
                if match.group(3):
                    column["description"] = match.group(3).strip()
                value.append(column)
    if not isinstance(value, list):
        raise Invalid(tk._("The structure must be a list of columns."))
    columns, seen = [], set()
    for number, column in enumerate(value, 1):
        if not isinstance(column, dict) or not str(column.get("name", "")).strip():
            raise Invalid(tk._("Column %d has no name.") % number)
        name = str(column["name"]).strip()
        kind = str(column.get("type", "text")).strip().lower()
        if kind not in COLUMN_TYPES:
            raise Invalid(tk._("Column %(name)s: unknown type %(type)s (allowed: %(allowed)s).")
                          % {"name": name, "type": kind, "allowed": ", ".join(COLUMN_TYPES)})
        if name in seen:
            raise Invalid(tk._("Column %s appears twice.") % name)
        seen.add(name)
        entry = {"name": name, "type": kind}
        if column.get("description"):
            entry["description"] = str(column["description"])
        columns.append(entry)
    return json.dumps(columns, ensure_ascii=False)


def molisa_columns_output(value: Any) -> Any:
    """Show the stored structure as a list again."""
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


_BOOLEAN = {"true": True, "yes": True, "t": True, "y": True, "1": True, "on": True,
            "false": False, "no": False, "f": False, "n": False, "0": False, "off": False}


def molisa_boolean(value: Any) -> bool:
    """A boolean, or a word for one; anything else is refused (CKAN's
    ``boolean_validator`` reads any other word as false, silently)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOLEAN:
        return _BOOLEAN[value.strip().lower()]
    raise Invalid(tk._("Must be true or false"))


def molisa_texts(value: Any) -> Any:
    """A field of several values: a text or a list of texts (a list inside
    the list, or an object, is refused before the choices are checked)."""
    if isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise Invalid(tk._("Must be a list of texts"))
    elif value not in (None, missing) and not isinstance(value, str):
        raise Invalid(tk._("Must be a list of texts"))
    return value


def convert_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(tk._("Please enter an integer value"))


def limit_to_configured_maximum(config_option: str, default_limit: int):
    """CKAN's validator of the same name: a value over the configured limit
    becomes the limit."""
    def callable(value: Any):
        value = convert_int(value)
        limit = int(tk.config.get(config_option, default_limit))
        return limit if value > limit else value
    return callable
