"""Harvested metadata into the MOLISA schema (R9.2, R12.1).

One function, :func:`to_molisa`, turns what a harvester read from another
portal (a CKAN ``package_show`` dict, or the dict ckanext-dcat's RDF parser
makes of a DCAT-AP 2 or 3 dataset) into a MOLISA-schema ``dataset``:

- themes (DCAT ``dcat:theme`` URIs, CKAN groups) and keywords become a
  ``sector`` code, through ``mapping/themes.json`` and the sector code list's
  own labels and keywords;
- the publisher (CKAN organization, DCAT ``dct:publisher``) becomes the
  publishing unit (``owner_org``), through the source's ``publishers`` option,
  ``mapping/publishers.json`` and the units' names, titles and abbreviations;
- the Vietnamese and the English title and description are both kept
  (``title``/``title_en``, ``notes``/``notes_en``);
- a required field that is empty or unmappable at the source gets the
  default of ``mapping/defaults.json`` (or of the source's ``defaults``).

The data files live beside this module so that the IT Centre can extend
them without touching code.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import access_levels, codelists

HERE = os.path.join(os.path.dirname(__file__), "mapping")

#: the keys a harvest source's config may hold for the mapping
OPTION_KEYS = ("default_unit", "defaults", "publishers", "sectors")

#: tag names CKAN accepts (ckan.logic.validators.tag_name_validator)
_TAG_BAD = re.compile(r"[^\w \-.]", re.UNICODE)


@lru_cache(maxsize=None)
def table(name: str) -> dict[str, Any]:
    with open(os.path.join(HERE, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def fold(text: Any) -> str:
    """Lower case, no Vietnamese diacritics (đ too), single spaces."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().split())


def value(pkg: dict[str, Any], key: str) -> Any:
    """``key`` at the top of the dict, else in its extras (as CKAN and
    ckanext-dcat's parser leave it), else None."""
    if pkg.get(key) not in (None, "", []):
        return pkg[key]
    for extra in pkg.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") in (key, "dcat_" + key):
            return extra.get("value")
    return None


def _list(raw: Any) -> list[str]:
    """A list of strings from a list, a JSON list or a comma-separated string."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = raw.strip()
        if raw.startswith("["):
            try:
                raw = json.loads(raw)
            except ValueError:
                raw = raw.strip("[]").split(",")
        else:
            raw = raw.split(",")
    if not isinstance(raw, (list, tuple)):
        raw = [raw]
    return [str(v).strip().strip('"') for v in raw if str(v).strip()]


# -- options -------------------------------------------------------------------

def defaults(options: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    merged = dict(table("defaults")["defaults"])
    merged.update((options or {}).get("defaults") or {})
    return merged


def validate_options(options: dict[str, Any]) -> None:
    """Raises ValueError when a source's mapping options are wrong (the
    harvest source form shows the message)."""
    for key in ("defaults", "publishers", "sectors"):
        if key in options and not isinstance(options[key], dict):
            raise ValueError(f"{key} must be an object")
    sectors = codelists.values("sectors")
    for term, code in (options.get("sectors") or {}).items():
        if code not in sectors:
            raise ValueError(f"sectors: {code!r} is not a sector code")
    chosen = defaults(options)
    for field, codelist in (("sector", "sectors"), ("access_level", "access_levels"),
                            ("update_frequency", "update_frequencies"),
                            ("source_system", "source_systems")):
        if chosen.get(field) and chosen[field] not in codelists.values(codelist):
            raise ValueError(f"defaults.{field}: {chosen[field]!r} is not in code list {codelist}")
    if chosen.get("license_id") and model.Package.get_license_register().get(
            chosen["license_id"]) is None:
        raise ValueError(f"defaults.license_id: unknown licence {chosen['license_id']!r}")
    for unit in [options.get("default_unit")] + list((options.get("publishers") or {}).values()):
        if unit and model.Group.get(unit) is None:
            raise ValueError(f"unit {unit!r} does not exist")


# -- sectors ---------------------------------------------------------------------

def _sector_terms() -> dict[str, str]:
    """folded term -> sector code, from the code list and themes.json."""
    terms: dict[str, str] = {}
    for item in codelists.items("sectors"):
        code = item["value"]
        if code == "khac":
            continue
        for term in [code, *item["label"].values(), *(item.get("keywords") or [])]:
            terms.setdefault(fold(term), code)
    for term, code in table("themes")["keywords"].items():
        terms.setdefault(fold(term), code)
    return terms


def sector_for(themes: Iterable[str], keywords: Iterable[str],
               options: Optional[dict[str, Any]] = None) -> Optional[str]:
    """The sector that the themes (URIs or names), then the keywords, point to.

    A theme URI of the EU data-theme table or one of the source's ``sectors``
    terms decides first; then a keyword equal to a sector's label or keyword;
    then a keyword that contains one. None when nothing matches."""
    own = {fold(k): v for k, v in ((options or {}).get("sectors") or {}).items()}
    themes_data = table("themes")
    base = themes_data["eu_theme_base"]
    known = codelists.values("sectors")
    terms = _sector_terms()
    themes, keywords = list(themes), list(keywords)
    for theme in themes:
        t = str(theme).strip()
        if fold(t) in own:
            return own[fold(t)]
        if t in known:
            return t
        # a MOLISA sector URI (https://.../sectors/<code>) or an EU data theme
        tail = t.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if tail in known:
            return tail
        if t.startswith(base) and tail in themes_data["eu_themes"]:
            return themes_data["eu_themes"][tail]
    words = [fold(w) for w in themes + keywords if w]
    for word in words:
        if word in own:
            return own[word]
        if word in terms:
            return terms[word]
    for word in words:
        for term, code in terms.items():
            if len(term) > 3 and term in word:
                return code
    return None


# -- units -------------------------------------------------------------------------

def unit_for(candidates: list, options: Optional[dict[str, Any]] = None) -> Optional[str]:
    """The MOLISA unit (organization name) that a publisher's name, title or
    URI stands for; None when none matches or the unit is not in the portal."""
    own = {fold(k): v for k, v in ((options or {}).get("publishers") or {}).items()}
    shipped = {fold(k): v for k, v in table("publishers")["publishers"].items()}
    units: dict[str, str] = {}
    for unit in codelists.items("units"):
        for name in (unit["name"], unit["title_vi"], unit["title_en"], unit["abbreviation"]):
            units.setdefault(fold(name), unit["name"])
    for candidate in candidates:
        if not candidate:
            continue
        key = fold(candidate)
        tail = fold(str(candidate).rstrip("/").rsplit("/", 1)[-1])
        for names in (own, shipped, units):
            found = names.get(key) or names.get(tail)
            if found and model.Group.get(found) is not None:
                return found
    # "Sở Lao động - Thương binh và Xã hội Hà Nội": a known name and a place
    for candidate in candidates:
        key = fold(candidate)
        for names in (own, shipped):
            for name, found in names.items():
                if key and key.startswith(name) and model.Group.get(found) is not None:
                    return found
    return None


# -- small fields ---------------------------------------------------------------------

def _license(raw: Any, options: dict[str, Any]) -> Optional[str]:
    register = model.Package.get_license_register()
    aliases = {k.lower(): v for k, v in table("defaults")["licenses"].items()}
    for candidate in _list(raw) if raw else []:
        if register.get(candidate) is not None:
            return candidate
        alias = aliases.get(candidate.lower()) or aliases.get(candidate.lower().rstrip("/") + "/")
        if alias:
            return alias
    return None


def _frequency(raw: Any) -> Optional[str]:
    if not raw:
        return None
    raw = str(raw).strip()
    for item in codelists.items("update_frequencies"):
        if raw in (item["value"], item.get("dcat")) or fold(raw) in (
                fold(item["label"]["vi"]), fold(item["label"]["en"])):
            return item["value"]
    tail = raw.rstrip("/").rsplit("/", 1)[-1].upper()
    for item in codelists.items("update_frequencies"):
        if (item.get("dcat") or "").rsplit("/", 1)[-1] == tail:
            return item["value"]
    return None


def _access_level(raw: Any, access_rights: Any) -> Optional[str]:
    if isinstance(raw, str) and access_levels.is_level(raw):
        return raw
    if access_rights:
        return table("defaults")["access_rights"].get(str(access_rights).strip())
    return None


def _date(raw: Any) -> Optional[str]:
    if not raw:
        return None
    text = str(raw).strip()
    for length, fmt in ((10, "%Y-%m-%d"), (7, "%Y-%m"), (4, "%Y")):
        try:
            return datetime.datetime.strptime(text[:length], fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _email(raw: Any) -> Optional[str]:
    text = str(raw or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) else None


def _tags(raw_tags: Any) -> list[dict[str, str]]:
    names: list[str] = []
    for tag in raw_tags or []:
        name = tag.get("name") if isinstance(tag, dict) else tag
        name = " ".join(_TAG_BAD.sub(" ", str(name or "")).split())[:100]
        if len(name) >= 2 and name not in names:
            names.append(name)
    return [{"name": n} for n in names]


def _multilingual(pkg: dict[str, Any], key: str) -> tuple[Any, Any]:
    """(Vietnamese, English) of ``key``: ``key`` and ``key_en``, or a
    ckanext-fluent ``key_translated`` dict."""
    translated = value(pkg, key + "_translated")
    if isinstance(translated, str):
        try:
            translated = json.loads(translated)
        except ValueError:
            translated = None
    translated = translated if isinstance(translated, dict) else {}
    vi = translated.get("vi") or value(pkg, key)
    en = value(pkg, key + "_en") or translated.get("en")
    return vi, en


def _resources(resources: Any) -> list[dict[str, Any]]:
    out = []
    for res in resources or []:
        if not isinstance(res, dict):
            continue
        url = res.get("download_url") or res.get("url") or res.get("access_url") or ""
        item = {
            "url": url,
            "name": res.get("name") or url.rstrip("/").rsplit("/", 1)[-1] or res.get("format") or "",
            "description": res.get("description") or "",
            "format": res.get("format") or "",
        }
        size = res.get("size")
        if size not in (None, ""):
            try:
                item["size"] = int(float(size))
            except (TypeError, ValueError):
                pass
        if res.get("uri"):
            item["uri"] = res["uri"]
        out.append(item)
    return out


# -- the mapping --------------------------------------------------------------------

def to_molisa(pkg: dict[str, Any], options: Optional[dict[str, Any]] = None, *,
              source_title: str = "", source_unit: Optional[str] = None) -> dict[str, Any]:
    """A MOLISA-schema ``dataset`` dict from a harvested ``pkg``.

    :param pkg: a CKAN package dict or a ckanext-dcat parsed dataset
    :param options: the harvest source's config (``default_unit``,
        ``defaults``, ``publishers``, ``sectors``)
    :param source_title: the source's name, for the default description
    :param source_unit: the harvest source's organization (the unit when
        neither the publisher nor ``default_unit`` gives one)
    """
    options = options or {}
    chosen = defaults(options)
    title, title_en = _multilingual(pkg, "title")
    notes, notes_en = _multilingual(pkg, "notes")
    title = title or title_en or pkg.get("name") or ""
    source = source_title or tk._("another portal")

    organization = pkg.get("organization") if isinstance(pkg.get("organization"), dict) else {}
    publisher = [value(pkg, "unit"), organization.get("name"), organization.get("title"),
                 value(pkg, "publisher_name"), value(pkg, "publisher_uri")]
    unit = unit_for(publisher, options) or options.get("default_unit") or source_unit

    groups = [g.get("name") or g.get("title") for g in pkg.get("groups") or []
              if isinstance(g, dict)]
    themes = _list(value(pkg, "theme")) + [g for g in groups if g]
    keywords = [t.get("name") if isinstance(t, dict) else t for t in pkg.get("tags") or []]
    keywords += _list(value(pkg, "keyword"))
    sector = value(pkg, "sector")
    if sector not in codelists.values("sectors"):
        sector = sector_for(themes, [k for k in keywords if k], options) or chosen["sector"]

    access_level = _access_level(value(pkg, "access_level"), value(pkg, "access_rights")) \
        or chosen["access_level"]
    license_id = _license(pkg.get("license_id") or value(pkg, "license_url")
                          or value(pkg, "license"), options) or chosen["license_id"]
    if access_level == access_levels.OPEN:
        license = model.Package.get_license_register().get(license_id)
        if license is None or not license.isopen():
            license_id = chosen["license_id"]

    provinces = [p for p in _list(value(pkg, "province")) if p in codelists.values("provinces")]
    temporal_start, temporal_end = _date(value(pkg, "temporal_start")), _date(value(pkg, "temporal_end"))
    if temporal_start and temporal_end and temporal_end < temporal_start:
        temporal_end = None
    issued, modified = _date(value(pkg, "issued")), _date(value(pkg, "modified"))
    if issued and modified and modified < issued:
        modified = None

    contact_email = (_email(value(pkg, "contact_email")) or _email(pkg.get("maintainer_email"))
                     or _email(pkg.get("author_email")) or chosen["contact_email"])
    contact_name = (value(pkg, "contact_name") or pkg.get("maintainer") or pkg.get("author")
                    or organization.get("title") or value(pkg, "publisher_name")
                    or chosen["contact_name"])

    dataset: dict[str, Any] = {
        "type": "dataset",
        "title": title,
        "title_en": title_en or "",
        "notes": notes or chosen["notes"].format(source=source),
        "notes_en": notes_en or ("" if notes else chosen["notes_en"].format(source=source)),
        "owner_org": unit,
        "sector": sector,
        "tags": _tags(pkg.get("tags") or _list(value(pkg, "keyword"))),
        "access_level": access_level,
        "personal_data": "false",
        "license_id": license_id,
        "update_frequency": (_frequency(value(pkg, "update_frequency"))
                             or _frequency(value(pkg, "frequency"))
                             or chosen["update_frequency"]),
        "source_system": (value(pkg, "source_system")
                          if value(pkg, "source_system") in codelists.values("source_systems")
                          else chosen["source_system"]),
        "province": provinces,
        "temporal_start": temporal_start or "",
        "temporal_end": temporal_end or "",
        "issued": issued or "",
        "modified": modified or "",
        "contact_name": str(contact_name)[:200],
        "contact_email": contact_email,
        "version": str(value(pkg, "version") or "")[:100],
        "resources": _resources(pkg.get("resources")),
        "extras": [{"key": k, "value": str(value(pkg, k))}
                   for k in ("guid", "uri") if value(pkg, k)],
    }
    for key in ("legal_basis", "quality_note"):
        if value(pkg, key):
            dataset[key] = value(pkg, key)
    if pkg.get("name"):
        dataset["name"] = pkg["name"]
    return dataset
