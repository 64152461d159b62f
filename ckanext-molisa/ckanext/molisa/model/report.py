"""Reports of problems (R21.1d, R21.1e, R21.2c): a report about a dataset,
a resource or the portal, its thread of messages, the notices the sweep sent
(so that none is sent twice) and the resources hidden pending review.

A report is ``new`` until a unit admin or the IT Centre acknowledges it,
then ``acknowledged`` until it is ``closed``. Due dates are working days
(``reports/deadlines.py``), computed at creation.
"""
from __future__ import annotations


import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from .base import Row, now  # noqa: F401  (the actions stamp with now)

NEW, ACKNOWLEDGED, CLOSED = "new", "acknowledged", "closed"
STATES = (NEW, ACKNOWLEDGED, CLOSED)

DATA_ERROR, BROKEN_LINK, OUTAGE = "data_error", "broken_link", "outage"
PERSONAL_DATA, SECURITY, SUPPORT = "personal_data", "security", "support"
TYPES = (DATA_ERROR, BROKEN_LINK, OUTAGE, PERSONAL_DATA, SECURITY, SUPPORT)
#: private from the start, and sent to the IT Centre at once as well
PRIVATE_TYPES = (PERSONAL_DATA, SECURITY)

#: how a report is closed
FIXED, NOT_AN_ERROR, RESOLVED = "fixed", "not_an_error", "resolved"
RESOLUTIONS = (FIXED, NOT_AN_ERROR, RESOLVED)


class _Row(Row):
    utc_times = True


class MolisaReport(tk.BaseModel, _Row):
    __tablename__ = "molisa_report"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    type = sa.Column(sa.Text, nullable=False)
    state = sa.Column(sa.Text, nullable=False, default=NEW)
    private = sa.Column(sa.Boolean, nullable=False, default=False)
    package_id = sa.Column(sa.Text)
    resource_id = sa.Column(sa.Text)
    owner_org = sa.Column(sa.Text)
    description = sa.Column(sa.Text, nullable=False)
    reporter_id = sa.Column(sa.Text)
    reporter_email = sa.Column(sa.Text)
    reporter_name = sa.Column(sa.Text)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    ack_due = sa.Column(sa.Date, nullable=False)
    resolve_due = sa.Column(sa.Date, nullable=False)
    acknowledged_at = sa.Column(sa.DateTime(timezone=True))
    acknowledged_by = sa.Column(sa.Text)
    closed_at = sa.Column(sa.DateTime(timezone=True))
    closed_by = sa.Column(sa.Text)
    resolution = sa.Column(sa.Text)
    activity_id = sa.Column(sa.Text)
    close_reason = sa.Column(sa.Text)
    attachments = sa.Column(JSONB, nullable=False, default=list)


class MolisaReportMessage(tk.BaseModel, _Row):
    """One message of a report's thread: ``role`` is ``reporter``, ``unit``
    (the unit's admins) or ``it_centre``."""

    __tablename__ = "molisa_report_message"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    report_id = sa.Column(sa.Text, nullable=False)
    author_id = sa.Column(sa.Text)
    role = sa.Column(sa.Text, nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)


class MolisaReportNotice(tk.BaseModel, _Row):
    """One notice of the sweep for one report, kind and due date."""

    __tablename__ = "molisa_report_notice"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    report_id = sa.Column(sa.Text, nullable=False)
    kind = sa.Column(sa.Text, nullable=False)
    due = sa.Column(sa.Date, nullable=False)
    sent_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    recipients = sa.Column(sa.Integer, nullable=False, default=0)


class MolisaReportHiddenResource(tk.BaseModel, _Row):
    """A resource hidden pending review; ``restored_at`` set when it is
    shown again (the row stays as history)."""

    __tablename__ = "molisa_report_hidden_resource"

    id: Mapped[str] = sa.Column(sa.Text, primary_key=True, default=make_uuid)
    resource_id = sa.Column(sa.Text, nullable=False)
    package_id = sa.Column(sa.Text, nullable=False)
    report_id = sa.Column(sa.Text)
    hidden_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=now)
    hidden_by = sa.Column(sa.Text)
    restored_at = sa.Column(sa.DateTime(timezone=True))
    restored_by = sa.Column(sa.Text)


Report, Message, Notice, Hidden = (MolisaReport, MolisaReportMessage, MolisaReportNotice,
                                   MolisaReportHiddenResource)

TABLES = ("molisa_report_notice", "molisa_report_message", "molisa_report_hidden_resource",
          "molisa_report")
