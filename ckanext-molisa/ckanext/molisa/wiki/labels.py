"""Labels of WikiMolisa's states and of what the scan found, in the user's
language."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def state_label(value: str) -> str:
    return {
        "submitted": tk._("Awaiting moderation"),
        "changes_requested": tk._("Changes requested"),
        "published": tk._("Published for everyone"),
        "rejected": tk._("Rejected"),
    }.get(value, value)


def step_label(value: str) -> str:
    """A step of a submission's history."""
    return {
        "submit": tk._("Submitted for moderation"),
        "update": tk._("Changed and sent again"),
        "publish": tk._("Published by a moderator"),
        "request_changes": tk._("A moderator asked for changes"),
        "reject": tk._("Rejected by a moderator"),
    }.get(value, value)


def field_label(value: str) -> str:
    return {
        "title": tk._("Title"),
        "notes": tk._("Description"),
        "source": tk._("Source of the data"),
        "license_id": tk._("Open licence"),
    }.get(value, value)


def category_label(value: str) -> str:
    return {
        "citizen_id": tk._("12-digit identification numbers (CCCD)"),
        "phone": tk._("phone numbers"),
        "email": tk._("e-mail addresses"),
        "social_insurance": tk._("social insurance numbers (BHXH)"),
        "name_with_birth_date": tk._("people's names with their dates of birth"),
        "unreadable": tk._("the file could not be read, so it could not be checked"),
    }.get(value, value)


def finding(item: dict[str, Any]) -> str:
    """One personal-data finding as a sentence: which column and why."""
    if item.get("category") == "unreadable":
        return tk._("The file could not be read, so it could not be checked for personal data.")
    if item.get("row"):
        return tk._("Column \"{column}\" holds {what} (first seen in row {row}).").format(
            column=item.get("column"), what=category_label(item.get("category") or ""),
            row=item.get("row"))
    return tk._("Columns \"{column}\" hold {what}.").format(
        column=item.get("column"), what=category_label(item.get("category") or ""))


def reuse_type_label(value: str) -> str:
    return {
        "application": tk._("Application"),
        "article": tk._("Article"),
        "report": tk._("Study or report"),
    }.get(value, value)


def reuse_type_choices() -> list[tuple[str, str]]:
    from ckanext.molisa.model.wiki import REUSE_TYPES
    return [(t, reuse_type_label(t)) for t in REUSE_TYPES]
