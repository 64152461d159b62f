"""What ckanext-molisa adds to a dataset's Solr document.

The schema's fields are indexed under their own names (``access_level``,
``sector``, ``update_frequency``, ``province``), so that API clients can filter
with ``fq=access_level:open`` and facet with ``facet.field=["sector"]``.
``province`` is multi-valued; ``province_current`` maps provinces of before
1 July 2025 onto the 34 in force since, so that old and new data facet together.
Long free-text fields are kept out of the catch-all string field (Solr's
32 KB term limit); they reach full-text search through ``extras_*`` -> ``text``,
which is how a search in English finds datasets with English titles.
"""
from __future__ import annotations

import json
from typing import Any

from . import codelists

LONG_TEXT = ("notes_en", "legal_basis", "quality_note")
SINGLE_VALUED = ("access_level", "sector", "update_frequency", "source_system", "personal_data")


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.startswith("["):
        try:
            return [str(v) for v in json.loads(value)]
        except ValueError:
            pass
    return [str(value)]


def molisa_index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Adjust ``pkg_dict`` (CKAN's flattened index document) in place."""
    from .reports import hiding
    data = json.loads(pkg_dict.get("validated_data_dict") or "{}") or pkg_dict
    if pkg_dict.get("validated_data_dict"):
        # the copy of the hidden resources' ids that search results are filtered by
        hiding.index_fields(data)
        pkg_dict["validated_data_dict"] = json.dumps(data)
    for field in SINGLE_VALUED:
        value = data.get(field)
        if value not in (None, ""):
            pkg_dict[field] = str(value)
    provinces = _as_list(data.get("province"))
    pkg_dict["province"] = provinces
    pkg_dict["province_current"] = sorted({codelists.current_province(p) for p in provinces})
    for field in LONG_TEXT:
        pkg_dict.pop(field, None)
    return pkg_dict
