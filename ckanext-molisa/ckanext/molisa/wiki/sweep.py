"""WikiMolisa's periodic duty, run by the reports' sweep (``ckan molisa
report-sweep``, hourly): a rejected submission is kept, private, for
``ckanext.molisa.wiki.rejected_keep_days`` after the decision (for the
submitter to read the reason and for the audit trail), then its dataset is
purged with its files and its row deleted. What remains is the audit trail:
the events ``submit``, ``reject`` and ``purge_rejected`` (with the title and
the reason).
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import audit, contexts
from ckanext.molisa.model.wiki import REJECTED, Submission

from . import files


def cutoff(today: datetime.date) -> datetime.datetime:
    """Rejections decided before this moment are purged."""
    days = int(tk.config.get("ckanext.molisa.wiki.rejected_keep_days"))
    day = today - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.timezone.utc)


def purge_rejected(today: datetime.date) -> dict[str, int]:
    site = contexts.site_context(ignore_auth=True)
    rows = model.Session.query(Submission).filter(
        Submission.state == REJECTED, Submission.decided_at < cutoff(today)).order_by(
        Submission.decided_at).all()
    purged = 0
    for submission in rows:
        pkg = model.Package.get(submission.package_id)
        extra: dict[str, Any] = {
            "submission_id": submission.id, "title": pkg.title if pkg else None,
            "reason": submission.reason,
            "rejected_at": submission.decided_at.isoformat() if submission.decided_at else None}
        owner = pkg.owner_org if pkg else None
        files.purge(site, submission.package_id)
        model.Session.delete(submission)
        model.repo.commit()
        audit.record("wiki", "purge_rejected", datasets=[submission.package_id],
                     organizations=[owner], extra=extra)
        purged += 1
    return {"purged": purged}
