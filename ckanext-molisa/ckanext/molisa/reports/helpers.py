"""Template helpers of reports of problems."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.molisa import codelists

from . import labels


def molisa_report_type_label(value: str) -> str:
    return labels.type_label(value)


def molisa_report_state_label(value: str) -> str:
    return labels.state_label(value)


def molisa_report_resolution_label(value: str) -> str:
    return labels.resolution_label(value)


def molisa_report_role_label(value: str) -> str:
    return labels.role_label(value)


def molisa_report_type_choices() -> list[tuple[str, str]]:
    return labels.type_choices()


def molisa_report_unit_title(unit: Optional[dict[str, Any]]) -> str:
    """A unit's title in the user's language; the portal itself for reports
    about no dataset."""
    if not unit:
        return tk._("The portal (IT Centre)")
    if codelists.user_lang() == "en" and unit.get("title_en"):
        return unit["title_en"]
    return unit.get("title") or unit.get("name") or ""


def molisa_report_hours(value: Optional[float]) -> str:
    if value is None:
        return "—"
    if value < 48:
        return tk._("{n} hours").format(n=f"{value:g}")
    return tk._("{n} days").format(n=f"{value / 24:.1f}")


def molisa_report_attachment_limits() -> dict[str, Any]:
    return {"mb": int(tk.config.get("ckanext.molisa.report.attachment_max_mb")),
            "formats": ", ".join(tk.aslist(
                tk.config.get("ckanext.molisa.report.attachment_formats")))}
