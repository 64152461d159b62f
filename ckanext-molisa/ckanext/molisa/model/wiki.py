"""WikiMolisa (R14.3, R14.4, R4.3): a community dataset submitted by a
member of the public, its scan and its moderation.

The dataset itself is a CKAN dataset of type ``community`` owned by the
WikiMolisa organisation and ``private`` until a moderator publishes it; its
row here says where it stands (``state``), what the scan found (``scan``:
per file the personal data, the table checks and the spam signals) and which
of its files are quarantined (``quarantined``: resource ids that nobody but
moderators may fetch, whatever the dataset's state) and the steps it went
through (``history``: the moderators' requests and the submitter's changes).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from .base import Row, now  # noqa: F401  (the actions stamp with now)

SUBMITTED, CHANGES_REQUESTED, PUBLISHED, REJECTED = (
    "submitted", "changes_requested", "published", "rejected")
STATES = (SUBMITTED, CHANGES_REQUESTED, PUBLISHED, REJECTED)


class _Row(Row):
    utc_times = True


class MolisaWikiSubmission(tk.BaseModel, _Row):
    __tablename__ = "molisa_wiki_submission"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    package_id = sa.Column(sa.Text, nullable=False, unique=True)
    submitter_id = sa.Column(sa.Text, nullable=False)
    state = sa.Column(sa.Text, nullable=False, default=SUBMITTED)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    due = sa.Column(sa.Date, nullable=False)
    scan = sa.Column(JSONB, nullable=False, default=dict)
    quarantined = sa.Column(JSONB, nullable=False, default=list)
    decided_at = sa.Column(sa.DateTime(timezone=True))
    decided_by = sa.Column(sa.Text)
    reason = sa.Column(sa.Text)
    #: each step in order: ``{"action", "at", "by", "reason"?, "changed"?,
    #: "files"?}`` (submit, request_changes, update, publish, reject)
    history = sa.Column(JSONB, nullable=False, default=list)


#: what a reuse is
REUSE_TYPES = ("application", "article", "report")


class MolisaWikiReuse(tk.BaseModel, _Row):
    """A reuse of an open dataset (an application, an article, a report),
    registered by anyone logged in and moderated like a submission."""

    __tablename__ = "molisa_wiki_reuse"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    package_id = sa.Column(sa.Text, nullable=False)
    type = sa.Column(sa.Text, nullable=False)
    title = sa.Column(sa.Text, nullable=False)
    url = sa.Column(sa.Text, nullable=False)
    description = sa.Column(sa.Text)
    submitter_id = sa.Column(sa.Text, nullable=False)
    state = sa.Column(sa.Text, nullable=False, default=SUBMITTED)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    due = sa.Column(sa.Date, nullable=False)
    decided_at = sa.Column(sa.DateTime(timezone=True))
    decided_by = sa.Column(sa.Text)
    reason = sa.Column(sa.Text)


Submission, Reuse = MolisaWikiSubmission, MolisaWikiReuse

TABLES = ("molisa_wiki_submission", "molisa_wiki_reuse")
