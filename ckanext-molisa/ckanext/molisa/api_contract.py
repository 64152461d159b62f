"""The shape of an Action API call's parameters, checked at the door (R4.3).

CKAN documents every action's parameters and their types in its docstrings
(``:type limit: int``); the MOLISA schema says which dataset and resource
fields take one value and which take several. Many actions, CKAN's and
extensions', trust that contract and fail with a server error when a caller
sends a list for an id, an object for a number or a word for a boolean. The
portal holds every call to the documented contract first and answers a
violation with a validation error per field, in the user's language:

- an identifier (``id``, ``name_or_id``, ``*_id``, ``url``, ``name``,
  ``owner_org``) is a text;
- a parameter documented as a text is a text; one documented as a whole
  number, a number or a boolean is one (a number given as digits and a
  boolean given as ``true``/``false``, ``yes``/``no``, ``1``/``0`` are
  accepted, as CKAN accepts them);
- a dataset or resource field of the schema that takes one value is not a
  list or an object.

Whatever else an action accepts, it validates itself.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import logic

#: parameters that name one object, in any action
IDENTIFIER = re.compile(r"^(id|name_or_id|[a-z_]+_id|url|name|owner_org)$")
MAX_IDENTIFIER = 1000

_TYPE = re.compile(r":type\s+([A-Za-z_][\w]*)\s*:\s*([^\n]+)")
_WHOLE = re.compile(r"^\s*[-+]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
BOOLEAN_WORDS = {"true", "false", "yes", "no", "t", "f", "y", "n", "1", "0", "on", "off"}

#: scheming presets and field names whose values are lists
_MANY_PRESETS = ("multiple", "tag_string")
_MANY_FIELDS = {"tags", "tag_string", "resources", "extras", "groups", "province"}


def _docstrings(fn) -> str:
    """Every docstring of an action's chain (chained actions wrap partials)."""
    docs, seen = [], 0
    while fn is not None and seen < 20:
        seen += 1
        fn = getattr(fn, "__wrapped__", fn)
        if isinstance(fn, functools.partial):
            docs.append(getattr(fn.func, "__doc__", "") or "")
            fn = fn.args[0] if fn.args else None
        else:
            docs.append(getattr(fn, "__doc__", "") or "")
            fn = None
    return "\n".join(docs)


def _kind(declared: str) -> Optional[str]:
    declared = declared.strip().lower()
    if re.match(r"^(string|str|unicode) or list of (strings|str)", declared):
        return "text_or_texts"
    if "list" in declared or "dict" in declared or " or " in declared:
        return None
    for prefix, kind in (("string", "text"), ("str", "text"), ("unicode", "text"),
                         ("integer", "whole"), ("int", "whole"), ("bool", "boolean"),
                         ("float", "number"), ("number", "number")):
        if declared.startswith(prefix):
            return kind
    return None


@functools.lru_cache(maxsize=1024)
def _documented(name: str, fn_id: int) -> dict[str, str]:
    fn = logic._actions.get(name)
    if fn is None:
        return {}
    kinds = {}
    for param, declared in _TYPE.findall(_docstrings(fn)):
        kind = _kind(declared)
        if kind:
            kinds.setdefault(param, kind)
    return kinds


def documented_kinds(name: str) -> dict[str, str]:
    """``{parameter: "text" | "whole" | "boolean" | "number"}`` of an action."""
    fn = logic._actions.get(name)
    return _documented(name, id(fn)) if fn is not None else {}


@functools.lru_cache(maxsize=8)
def _schema_single_fields(kind: str) -> frozenset:
    from ckanext.scheming.helpers import scheming_get_dataset_schema
    schema = scheming_get_dataset_schema("dataset") or {}
    fields = schema.get("dataset_fields" if kind == "dataset" else "resource_fields") or []
    single = set()
    for f in fields:
        name = f.get("field_name")
        preset = f.get("preset") or ""
        validators = f.get("validators") or ""
        if name in _MANY_FIELDS or any(m in preset for m in _MANY_PRESETS) \
                or "multiple" in validators:
            continue
        single.add(name)
    return frozenset(single)


def _message(kind: str) -> str:
    return {"text": tk._("Must be a text"),
            "whole": tk._("Must be a whole number"),
            "boolean": tk._("Must be true or false"),
            "number": tk._("Must be a number"),
            "identifier": tk._("Must be a text (an id or a name)"),
            "text_or_texts": tk._("Must be a text or a list of texts")}[kind]


def _fits(kind: str, value: Any) -> bool:
    if value is None:
        return True
    if kind in ("text", "identifier"):
        return isinstance(value, str)
    if kind == "text_or_texts":
        return isinstance(value, str) or (isinstance(value, list)
                                          and all(isinstance(v, str) for v in value))
    if kind == "whole":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and bool(_WHOLE.match(value)))
    if kind == "number":
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
            isinstance(value, str) and bool(_NUMBER.match(value)))
    if kind == "boolean":
        return isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)) or (
            isinstance(value, str) and value.strip().lower() in BOOLEAN_WORDS | {""})
    return True


def errors(action: str, params: dict) -> dict[str, list[str]]:
    """The call's violations of the contract, by parameter."""
    found: dict[str, list[str]] = {}
    kinds = documented_kinds(action)
    single: frozenset = frozenset()
    if action.startswith("package_") and action.endswith(("create", "update", "patch")):
        single = _schema_single_fields("dataset")
    elif action.startswith("resource_") and action.endswith(("create", "update", "patch")):
        single = _schema_single_fields("resource")
    for key, value in params.items():
        if not isinstance(key, str):
            continue
        if IDENTIFIER.match(key):
            if not _fits("identifier", value):
                found[key] = [_message("identifier")]
            elif isinstance(value, str) and len(value) > MAX_IDENTIFIER:
                found[key] = [tk._("Too long for an id or a name")]
            continue
        kind = kinds.get(key)
        if kind and not _fits(kind, value):
            found[key] = [_message(kind)]
        elif key in single and isinstance(value, (list, dict)):
            found[key] = [tk._("Must be a single value, not a list or an object")]
    return found
