"""The configuration of a sector-database harvest source (``molisa_sector_db``).

A source points at one relational database (an SQLAlchemy URL, read-only);
its configuration, YAML or JSON, lists what to publish::

    schema: csdl                      # optional, default "public"
    unit: cuc-nguoi-co-cong           # defaults for every dataset below
    sector: nguoi-co-cong
    source_system: csdl-nguoi-co-cong
    update_frequency: annual
    contact_name: Cục Người có công
    contact_email: nguoicocong@molisa.gov.vn
    datasets:
      - name: nguoi-co-cong-theo-tinh          # the dataset's URL name
        view: v_nguoi_co_cong_theo_tinh        # or table: ..., or query: SELECT ...
        title: Số người có công theo tỉnh
        title_en: Meritorious people by province
        notes: ...
        access_level: open
        granularity: aggregate                 # "records" (the default) cannot be open
        columns: [ma_tinh, nam, loai_doi_tuong, so_nguoi]
        updated_at: updated_at                 # optional: incremental by timestamp
        subject_id: so_cccd                    # record-level only, optional: the column with
                                               # the personal identification number (12
                                               # digits), indexed by its keyed hash ("My data")
        subject_email: email                   # optional, with subject_id: the column with the
                                               # person's e-mail address, where the one-time
                                               # password of "My data" goes (kept sealed)

``parse`` returns the normalised configuration or raises ``SectorDbConfigError``
with one message per field (``datasets[2].columns``: ...). The personal data
guard (R4.3) runs here: a personal column in an open dataset, or a record-level
source published as open, is refused.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

import ckan.plugins.toolkit as tk
from ckanext.molisa import codelists

from ckanext.molisa import access_levels, personal_data

GRANULARITIES = ("aggregate", "records")
#: the harvester's source type (``harvest_source.source_type``)
SOURCE_TYPE = "molisa_sector_db"

LICENSES = {access_levels.OPEN: "cc-by-4.0", access_levels.DEFAULT_SHARED: "molisa-restricted",
            access_levels.SPECIAL_REQUEST: "molisa-restricted",
            access_levels.INTERNAL: "molisa-internal"}

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_RELATION = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: Fields a dataset may inherit from the top level.
INHERITED = ("unit", "sector", "source_system", "update_frequency", "access_level",
             "contact_name", "contact_email", "granularity", "license_id", "legal_basis")
DATASET_KEYS = set(INHERITED) | {
    "name", "table", "view", "query", "title", "title_en", "notes", "notes_en",
    "columns", "updated_at", "tags", "province", "legal_basis", "quality_note",
    "resource_name", "subject_id", "subject_email"}
TOP_KEYS = set(INHERITED) | {"schema", "datasets", "statement_timeout_ms", "batch_size"}


def is_email(value: str) -> bool:
    """Whether a value of a sector table looks like an e-mail address."""
    return bool(value) and len(value) <= 254 and bool(_EMAIL.match(value))


class SectorDbConfigError(ValueError):
    """Invalid configuration: ``errors`` maps a field path to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def load(text: str | dict | None) -> Any:
    """The configuration text (YAML or JSON; JSON is YAML) as Python data."""
    if isinstance(text, dict):
        return text
    if not text or not str(text).strip():
        raise SectorDbConfigError({"config": [tk._("A configuration is required: the datasets to publish.")]})
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise SectorDbConfigError({"config": [tk._("Not valid YAML or JSON") + where + ": " + str(getattr(e, "problem", e))]})


def parse(text: str | dict | None) -> dict[str, Any]:
    """Validates a source configuration; returns it normalised."""
    data = load(text)
    errors: dict[str, list[str]] = {}

    def err(path: str, msg: str) -> None:
        errors.setdefault(path, []).append(msg)

    if not isinstance(data, dict):
        raise SectorDbConfigError({"config": [tk._("The configuration must be a mapping with a list of datasets.")]})
    for key in sorted(set(data) - TOP_KEYS):
        err(key, tk._("Unknown option."))
    schema = data.get("schema", "public")
    if not isinstance(schema, str) or not _IDENT.match(schema):
        err("schema", tk._("Must be a database schema name (letters, digits, underscore)."))
    out: dict[str, Any] = {"schema": schema, "datasets": []}
    for key in ("statement_timeout_ms", "batch_size"):
        if key in data:
            if not isinstance(data[key], int) or isinstance(data[key], bool) or data[key] <= 0:
                err(key, tk._("Must be a positive integer."))
            else:
                out[key] = data[key]
    datasets = data.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        err("datasets", tk._("Must be a non-empty list of the datasets to publish."))
        datasets = []
    defaults = {k: data[k] for k in INHERITED if k in data}
    seen_names: set[str] = set()
    for i, raw in enumerate(datasets):
        path = f"datasets[{i}]"
        if not isinstance(raw, dict):
            err(path, tk._("Must be a mapping."))
            continue
        item = dict(defaults, **raw)
        ds = _dataset(item, path, err)
        if ds["name"]:
            if ds["name"] in seen_names:
                err(f"{path}.name", tk._("Used by another dataset of this source."))
            seen_names.add(ds["name"])
        for key in sorted(set(raw) - DATASET_KEYS):
            err(f"{path}.{key}", tk._("Unknown option."))
        out["datasets"].append(ds)
    if errors:
        raise SectorDbConfigError(errors)
    return out


def _codelist(item, key, name, path, err, required=True):
    value = item.get(key)
    if value in (None, ""):
        if required:
            err(f"{path}.{key}", tk._("Missing value."))
        return None
    if value not in codelists.values(name):
        err(f"{path}.{key}", tk._("Unknown value {value!r}; allowed: {allowed}.").format(
            value=value, allowed=", ".join(sorted(codelists.values(name)))))
    return value


def _text(item, key, path, err, required=False):
    value = item.get(key)
    if value in (None, ""):
        if required:
            err(f"{path}.{key}", tk._("Missing value."))
        return None
    if not isinstance(value, str):
        err(f"{path}.{key}", tk._("Must be text."))
        return None
    return value.strip()


def _dataset(item: dict[str, Any], path: str, err) -> dict[str, Any]:
    ds: dict[str, Any] = {}
    name = _text(item, "name", path, err, required=True)
    if name and not _SLUG.match(name):
        err(f"{path}.name", tk._("Must be 2-100 lower-case letters, digits, - or _."))
    ds["name"] = name
    sources = [k for k in ("table", "view", "query") if item.get(k)]
    if len(sources) != 1:
        err(path, tk._("Give exactly one of table, view or query."))
        ds["kind"], ds["relation"], ds["query"] = None, None, None
    else:
        kind = sources[0]
        value = item[kind]
        ds["kind"] = kind
        ds["relation"] = ds["query"] = None
        if kind == "query":
            q = value.strip() if isinstance(value, str) else ""
            if not re.match(r"^(select|with)\b", q, re.I) or ";" in q.rstrip(";"):
                err(f"{path}.query", tk._("Must be one SELECT (or WITH ... SELECT) statement."))
            ds["query"] = q.rstrip(";")
        elif not isinstance(value, str) or not _RELATION.match(value):
            err(f"{path}.{kind}", tk._("Must be a table or view name, optionally schema-qualified."))
        else:
            ds["relation"] = value
    ds["title"] = _text(item, "title", path, err, required=True)
    ds["notes"] = _text(item, "notes", path, err, required=True)
    for key in ("title_en", "notes_en", "legal_basis", "quality_note", "resource_name"):
        ds[key] = _text(item, key, path, err)
    ds["contact_name"] = _text(item, "contact_name", path, err, required=True)
    email = _text(item, "contact_email", path, err, required=True)
    if email and not _EMAIL.match(email):
        err(f"{path}.contact_email", tk._("Not an e-mail address."))
    ds["contact_email"] = email
    ds["unit"] = _codelist(item, "unit", "units", path, err)
    ds["sector"] = _codelist(item, "sector", "sectors", path, err)
    ds["update_frequency"] = _codelist(item, "update_frequency", "update_frequencies", path, err)
    ds["source_system"] = _codelist(item, "source_system", "source_systems", path, err, required=False)
    access = item.get("access_level")
    if not access_levels.is_level(access):
        err(f"{path}.access_level", tk._("Must be one of: {allowed}.").format(
            allowed=", ".join(access_levels.values())))
    ds["access_level"] = access
    granularity = item.get("granularity", "records")
    if granularity not in GRANULARITIES:
        err(f"{path}.granularity", tk._("Must be aggregate or records."))
    ds["granularity"] = granularity
    if access == access_levels.OPEN and granularity != "aggregate":
        err(f"{path}.access_level", tk._(
            "Record-level data cannot be open: publish it as internal, default_shared or"
            " special_request, or publish an aggregate (granularity: aggregate) (R4.3)."))
    ds["license_id"] = item.get("license_id") or LICENSES.get(access)
    for key in ("tags", "province"):
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            err(f"{path}.{key}", tk._("Must be a list of text values."))
            value = []
        ds[key] = value
    if ds["province"]:
        unknown = [v for v in ds["province"] if v not in codelists.values("provinces")]
        if unknown:
            err(f"{path}.province", tk._("Unknown value {value!r}.").format(value=unknown[0]))
    updated_at = item.get("updated_at")
    if updated_at is not None and (not isinstance(updated_at, str) or not _IDENT.match(updated_at)):
        err(f"{path}.updated_at", tk._("Must be a column name."))
    ds["updated_at"] = updated_at
    subject_id = item.get("subject_id")
    if subject_id is not None:
        if not isinstance(subject_id, str) or not _IDENT.match(subject_id):
            err(f"{path}.subject_id", tk._("Must be a column name."))
            subject_id = None
        elif granularity != "records":
            err(f"{path}.subject_id", tk._(
                "Only record-level data (granularity: records) names the column with the"
                " personal identification number."))
    if subject_id:
        # only when set: the fingerprints of datasets without it stay as they were
        ds["subject_id"] = subject_id
    subject_email = item.get("subject_email")
    if subject_email is not None:
        if not isinstance(subject_email, str) or not _IDENT.match(subject_email):
            err(f"{path}.subject_email", tk._("Must be a column name."))
        elif not subject_id:
            err(f"{path}.subject_email", tk._(
                "Name the column with the personal identification number (subject_id) too."))
        else:
            ds["subject_email"] = subject_email
    ds["columns"] = _columns(item.get("columns"), f"{path}.columns", access, err)
    ds["personal_data"] = any(c["personal"] for c in ds["columns"])
    return ds


def _columns(value, path, access, err) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        err(path, tk._("List the columns to publish (a non-empty list)."))
        return []
    columns, seen = [], set()
    for j, col in enumerate(value):
        if isinstance(col, str):
            col = {"name": col}
        if not isinstance(col, dict) or not isinstance(col.get("name"), str) or not _IDENT.match(col["name"]):
            err(f"{path}[{j}]", tk._("Must be a column name or a mapping with a name."))
            continue
        name = col["name"]
        if name in seen:
            err(f"{path}[{j}]", tk._("Column {name!r} is listed twice.").format(name=name))
        seen.add(name)
        declared = col.get("personal")
        category = personal_data.classify_column(name)
        if declared not in (None, True, False) and not isinstance(declared, str):
            err(f"{path}[{j}].personal", tk._("Must be true, false or a category."))
        if isinstance(declared, str):
            category = declared
        elif declared is True:
            category = category or "declared"
        # personal: false cannot declassify a column whose name is personal.
        if category and access == access_levels.OPEN:
            err(f"{path}[{j}]", tk._(
                "Column {name!r} holds personal data ({category}): it cannot go into an open"
                " dataset (R4.3).").format(name=name, category=category))
        label = col.get("label")
        columns.append({"name": name, "personal": category, "label": label if isinstance(label, str) else None})
    return columns
