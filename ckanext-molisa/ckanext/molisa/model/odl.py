"""The Open Data List (Danh mục dữ liệu mở, R14.1): versions of the list,
their entries, and the notices the sweep sent (so that none is sent twice).

A version is ``draft`` until approved; approving it makes it ``in_force``
and the version in force before it ``superseded`` (a partial unique index
keeps exactly one in force). Entries of a version that is not a draft are
not edited, except their link to the published dataset. An entry's ``key``
stays the same from one version to the next, so notices follow an entry
through amendments.
"""
from __future__ import annotations


import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from .base import Row as _Row
from .base import now  # noqa: F401  (the Open Data List's actions stamp with it)

DRAFT, IN_FORCE, SUPERSEDED = "draft", "in_force", "superseded"

#: entry fields a manager writes
ENTRY_FIELDS = ("owner_org", "title", "title_en", "description", "description_en", "sector",
                "coverage", "legal_basis", "update_frequency", "first_due")
VERSION_FIELDS = ("decision_number", "decision_date", "approver", "note")


class MolisaOdlVersion(tk.BaseModel, _Row):
    __tablename__ = "molisa_odl_version"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    number = sa.Column(sa.Integer, nullable=False)
    state = sa.Column(sa.Text, nullable=False, default=DRAFT)
    decision_number = sa.Column(sa.Text)
    decision_date = sa.Column(sa.Date)
    approver = sa.Column(sa.Text)
    note = sa.Column(sa.Text)
    based_on = sa.Column(sa.Text)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    created_by = sa.Column(sa.Text)
    approved_at = sa.Column(sa.DateTime(timezone=True))
    approved_by = sa.Column(sa.Text)
    superseded_at = sa.Column(sa.DateTime(timezone=True))


class MolisaOdlEntry(tk.BaseModel, _Row):
    __tablename__ = "molisa_odl_entry"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    version_id = sa.Column(sa.Text, nullable=False)
    key = sa.Column(sa.Text, nullable=False, default=make_uuid)
    owner_org = sa.Column(sa.Text, nullable=False)
    title = sa.Column(sa.Text, nullable=False)
    title_en = sa.Column(sa.Text)
    description = sa.Column(sa.Text)
    description_en = sa.Column(sa.Text)
    sector = sa.Column(sa.Text, nullable=False)
    coverage = sa.Column(sa.Text)
    legal_basis = sa.Column(sa.Text)
    update_frequency = sa.Column(sa.Text, nullable=False)
    first_due = sa.Column(sa.Date, nullable=False)
    package_id = sa.Column(sa.Text)
    linked_at = sa.Column(sa.DateTime(timezone=True))
    linked_by = sa.Column(sa.Text)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    modified = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)


class MolisaOdlNotice(tk.BaseModel, _Row):
    """One notice sent for one entry (by ``key``) and one due date:
    ``reminder`` before it, ``overdue`` after it passed."""

    __tablename__ = "molisa_odl_notice"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    entry_key = sa.Column(sa.Text, nullable=False)
    due = sa.Column(sa.Date, nullable=False)
    kind = sa.Column(sa.Text, nullable=False)
    sent_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    recipients = sa.Column(sa.Integer, nullable=False, default=0)


Version, Entry, Notice = MolisaOdlVersion, MolisaOdlEntry, MolisaOdlNotice

TABLES = ("molisa_odl_notice", "molisa_odl_entry", "molisa_odl_version")
