"""The access-level vocabulary of the portal (R12.5, R17.1), read from the code
list that the dataset schema's ``access_level`` field uses
(``codelists/access_levels.json``, or the same file in
``ckanext.molisa.codelist_directory``).

The four values are named here once, as constants, because code branches on
them (the sharing decision, the harvesters' licences, the DCAT profile); their
labels, in Vietnamese and English, come from the code list only. Nothing else
in the portal spells the values out.
"""
from __future__ import annotations

from typing import Optional

from . import codelists

#: the code list the schema's ``access_level`` field uses
CODELIST = "access_levels"

OPEN = "open"
DEFAULT_SHARED = "default_shared"
SPECIAL_REQUEST = "special_request"
INTERNAL = "internal"

#: every level, most open first
LEVELS: tuple[str, ...] = (OPEN, DEFAULT_SHARED, SPECIAL_REQUEST, INTERNAL)
#: the levels whose data may be shared under a grant
SHAREABLE: tuple[str, ...] = (DEFAULT_SHARED, SPECIAL_REQUEST)


def values() -> tuple[str, ...]:
    """The levels of the code list, in its order."""
    return tuple(item["value"] for item in codelists.items(CODELIST))


def is_level(value: Optional[str]) -> bool:
    return bool(value) and value in values()


def label(value: Optional[str], lang: Optional[str] = None) -> str:
    """The label of ``value`` in ``lang`` (the user's language when not
    given; Vietnamese outside a request); the value itself if unknown."""
    if not value:
        return ""
    return codelists.label(CODELIST, value, lang or codelists.user_lang())


def search_filter(value: str) -> str:
    """The Solr filter query of datasets of one level (``fq``)."""
    return f"access_level:{value}"

