"""Template helpers of ckanext-molisa."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import codelists
from .odl.helpers import (molisa_odl_chart, molisa_odl_colour, molisa_odl_home, molisa_odl_percent,  # noqa: F401
                          molisa_odl_state_label, molisa_odl_version_state_label)
from .quality.helpers import (molisa_quality_badge_class, molisa_quality_badges,  # noqa: F401
                              molisa_quality_chart, molisa_quality_dimension_label,
                              molisa_quality_kind_label, molisa_quality_label)
from .reports.helpers import (molisa_report_attachment_limits, molisa_report_hours, molisa_report_resolution_label,  # noqa: F401
                              molisa_report_role_label, molisa_report_state_label,
                              molisa_report_type_choices, molisa_report_type_label,
                              molisa_report_unit_title)

from .wiki.helpers import (molisa_wiki_finding, molisa_wiki_is_community,  # noqa: F401
                           molisa_wiki_is_moderator, molisa_wiki_limits,
                           molisa_wiki_reuse_type_label, molisa_wiki_reuses,
                           molisa_wiki_state_label, molisa_wiki_table_errors,
                           molisa_wiki_step_label, molisa_wiki_fields_label)

__all__ = [
    "molisa_wiki_finding",
    "molisa_wiki_is_community",
    "molisa_wiki_is_moderator",
    "molisa_wiki_limits",
    "molisa_wiki_reuse_type_label",
    "molisa_wiki_reuses",
    "molisa_wiki_state_label",
    "molisa_wiki_table_errors",
    "molisa_wiki_step_label",
    "molisa_wiki_fields_label",
    "molisa_codelist_choices",
    "molisa_codelist_label",
    "molisa_other_locale",
    "humanize_entity_type",
    "dataset_display_name",
    "get_translated",
    "molisa_odl_state_label",
    "molisa_odl_version_state_label",
    "molisa_odl_colour",
    "molisa_odl_chart",
    "molisa_odl_percent",
    "molisa_odl_home",
    "molisa_quality_badges",
    "molisa_quality_badge_class",
    "molisa_quality_chart",
    "molisa_quality_dimension_label",
    "molisa_quality_kind_label",
    "molisa_quality_label",
    "molisa_report_type_label",
    "molisa_report_state_label",
    "molisa_report_resolution_label",
    "molisa_report_role_label",
    "molisa_report_type_choices",
    "molisa_report_unit_title",
    "molisa_report_hours",
    "molisa_report_attachment_limits",
]


def _lang() -> str:
    """The user's language, "vi" outside a request (CLI, background jobs)."""
    return codelists.user_lang()


def molisa_codelist_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """Choices for a scheming field from the code list named by ``codelist``.

    Former provinces (before 1 July 2025) are labelled as such, so that older
    data can still be described.
    """
    name = field["codelist"]
    choices = []
    for item in codelists.items(name):
        label = dict(item["label"])
        if item.get("status") == "former":
            label = {
                "vi": label["vi"] + " (trước 01/7/2025)",
                "en": label["en"] + " (before 1 July 2025)",
            }
        choices.append({"value": item["value"], "label": label})
    return choices


def molisa_codelist_label(name: str, value: str) -> str:
    """The label of ``value`` in code list ``name``, in the user's language."""
    if not value:
        return ""
    return codelists.label(name, value, _lang())


def molisa_other_locale() -> dict[str, str]:
    """The other offered language and the current page's address in it, for
    the one-click switch in the header (Vietnamese has no URL prefix)."""
    target = "en" if _lang() != "en" else "vi"
    path = tk.request.path if tk.request else "/"
    query = tk.request.query_string.decode() if tk.request else ""
    url = ("/en" if target == "en" else "") + path
    if query:
        url += "?" + query
    return {
        "locale": target,
        "label": "English" if target == "en" else "Tiếng Việt",
        "url": url,
    }


def _english(data: Any, field: str) -> str | None:
    """``data[field + "_en"]`` when the user reads English and it is there."""
    if _lang() == "en" and isinstance(data, dict) and data.get(field + "_en"):
        return data[field + "_en"]
    return None


@tk.chained_helper
def dataset_display_name(next_helper, package_or_package_dict):
    """English titles under /en/, Vietnamese otherwise."""
    return _english(package_or_package_dict, "title") or next_helper(package_or_package_dict)


@tk.chained_helper
def get_translated(next_helper, data_dict, field):
    """English descriptions (``notes_en``, ``title_en``) under /en/."""
    return _english(data_dict, field) or next_helper(data_dict, field)


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type: str, object_type: str, purpose: str):
    """The ministry's organizations are its units; WikiMolisa's community
    datasets are named as datasets (CKAN's translated wording), the page
    marking them as community data."""
    if entity_type == "organization" and purpose in ("main nav", "page title", "facet label"):
        return tk._("Units")
    if entity_type == "package" and object_type == "community":
        object_type = "dataset"
    return next_helper(entity_type, object_type, purpose)
