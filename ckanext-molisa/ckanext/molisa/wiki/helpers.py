"""Template helpers of WikiMolisa."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import labels


def molisa_wiki_state_label(value: str) -> str:
    return labels.state_label(value)


def molisa_wiki_step_label(value: str) -> str:
    return labels.step_label(value)


def molisa_wiki_fields_label(values: Any) -> str:
    return ", ".join(labels.field_label(v) for v in (values or []) if isinstance(v, str))


def molisa_wiki_finding(item: dict[str, Any]) -> str:
    return labels.finding(item)


def molisa_wiki_table_errors(table: Any) -> list[str]:
    from ckanext.molisa.quality import tables
    return tables.report(table) if isinstance(table, dict) else []


def molisa_wiki_limits() -> dict[str, Any]:
    from . import scan
    return {"mb": scan.max_bytes() // (1024 * 1024),
            "formats": ", ".join(sorted(scan.allowed_formats()))}


def molisa_wiki_is_community(pkg: Any) -> bool:
    return isinstance(pkg, dict) and pkg.get("type") == "community"


def molisa_wiki_is_moderator() -> bool:
    from ckanext.molisa import contexts
    from ckanext.molisa.logic.report_auth import user_of
    from ckanext.molisa.logic.wiki_auth import is_moderator
    return is_moderator(user_of(contexts.request_context()))


def molisa_wiki_reuse_type_label(value: str) -> str:
    return labels.reuse_type_label(value)


def molisa_wiki_reuses(package_id: str) -> list[dict[str, Any]]:
    """The published reuses of a dataset, as the current user may see them."""
    from ckanext.molisa import contexts
    try:
        return tk.get_action("molisa_wiki_reuse_list")(contexts.request_context(),
                                                      {"package_id": package_id})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return []
