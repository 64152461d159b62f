""""I don't recognise this" (R17.2, R15.1): a person flags one read of their
rows (an entry of :mod:`.accesses`); the flag opens a case for the unit that
manages the dataset, due in ``ckanext.molisa_harvest.mydata_case_working_days``
working days (the reports module's working-day arithmetic,
``ckanext.molisa.reports.deadlines``), mailed to the unit's data-protection
contact (``ckanext.molisa_harvest.mydata_case_contact``) or else its admins;
the unit answers; a case still open after its due date is escalated once to
the IT Centre (the reports' recipients of the IT Centre) by
``ckan molisa-harvest mydata-sweep``. The person sees the state and the
answer beside the entry. Flags, answers and escalations are audit events.

The case holds the person only as the keyed hash of their number, and what
they wrote; the unit reaches the full read through the audit event's
request id.
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import audit, mail, units
from ckanext.molisa.reports import deadlines
from ckanext.molisa.reports.mail import it_centre_recipients

from .accesses import access_table

OPEN, ANSWERED = "open", "answered"
WORKING_DAYS = "ckanext.molisa_harvest.mydata_case_working_days"
CONTACT = "ckanext.molisa_harvest.mydata_case_contact"

case_table = sa.Table(
    "molisa_harvest_mydata_case", tk.BaseModel.metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("access_id", sa.BigInteger, nullable=False, unique=True),
    sa.Column("subject_hash", sa.Text, nullable=False),
    sa.Column("owner_org", sa.Text),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("request_id", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("answer", sa.Text),
    sa.Column("answered_by", sa.Text),
    sa.Column("answered_at", sa.DateTime(timezone=True)),
    sa.Column("escalated_at", sa.DateTime(timezone=True)),
    extend_existing=True,
)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def due_from(day: datetime.date) -> datetime.date:
    off = deadlines.days_off({day.year, day.year + 1})
    return deadlines.add_working_days(day, int(tk.config.get(WORKING_DAYS)), off)


def handlers(owner_org: str | None) -> list[tuple[str, str]]:
    """Who a case goes to: the configured data-protection contact, else the
    unit's admins, else the IT Centre."""
    contact = (tk.config.get(CONTACT) or "").strip()
    if contact:
        return [(tk._("Data protection contact"), contact)]
    return units.unit_admin_recipients(owner_org) or it_centre_recipients()


def get(case_id: str) -> Any:
    if not isinstance(case_id, str) or not case_id:
        return None
    return model.Session.execute(
        sa.select(case_table).where(case_table.c.id == case_id)).first()


def open_case(subject_hash: str, access_id: int, note: str | None) -> dict[str, Any]:
    """The case of one of the person's entries; raises ObjectNotFound for an
    entry that is not theirs, ValidationError for one already flagged."""
    access = model.Session.execute(
        sa.select(access_table).where(access_table.c.id == access_id)
        .where(access_table.c.subject_hash == subject_hash)).first()
    if access is None:
        raise tk.ObjectNotFound(tk._("No such entry in your list."))
    if model.Session.execute(sa.select(case_table.c.id).where(
            case_table.c.access_id == access_id)).first() is not None:
        raise tk.ValidationError({"access_id": [tk._("You have already flagged this entry.")]})
    pkg = model.Package.get(access.package_id)
    owner_org = pkg.owner_org if pkg is not None else access.organization_id
    now = _now()
    row = {"id": str(uuid.uuid4()), "access_id": access_id, "subject_hash": subject_hash,
           "owner_org": owner_org, "package_id": access.package_id,
           "request_id": access.request_id, "note": note or None, "state": OPEN,
           "created": now, "due": due_from(now.date())}
    model.Session.execute(case_table.insert().values(**row))
    model.repo.commit()
    audit.record("report", "mydata_flag_create", datasets=[access.package_id],
                 organizations=[owner_org],
                 extra={"case_id": row["id"], "access_request_id": access.request_id,
                        "due": row["due"].isoformat()})
    _mail_opened(row, pkg)
    return as_dict(get(row["id"]))


def answer(case_id: str, user: model.User, text: str) -> dict[str, Any]:
    now = _now()
    model.Session.execute(case_table.update().where(case_table.c.id == case_id).values(
        state=ANSWERED, answer=text, answered_by=user.id, answered_at=now))
    model.repo.commit()
    row = get(case_id)
    audit.record("report", "mydata_case_answer", actor=user.name, datasets=[row.package_id],
                 organizations=[row.owner_org], extra={"case_id": case_id})
    return as_dict(row, handler=True)


def for_accesses(access_ids: list[int]) -> dict[int, Any]:
    if not access_ids:
        return {}
    return {r.access_id: r for r in model.Session.execute(
        sa.select(case_table).where(case_table.c.access_id.in_(access_ids)))}


def may_handle(user: model.User | None, owner_org: str | None) -> bool:
    """The IT Centre (sysadmins) and the admins of the managing unit."""
    if user is None or user.state != "active":
        return False
    if user.sysadmin:
        return True
    return bool(owner_org) and owner_org in units.units_administered(user)


def for_handler(user: model.User) -> list[dict[str, Any]]:
    """The cases a unit admin (their units') or the IT Centre (all) handles,
    open ones first, oldest first."""
    query = sa.select(case_table)
    if not user.sysadmin:
        query = query.where(case_table.c.owner_org.in_(units.units_administered(user) or [""]))
    query = query.order_by(case_table.c.state.desc(), case_table.c.created).limit(500)
    return [as_dict(r, handler=True) for r in model.Session.execute(query)]


def as_dict(row, handler: bool = False) -> dict[str, Any]:
    """A case for the person (state, due date, answer) or, ``handler``, for
    the unit (also the audit event's request id and the person's note)."""
    out = {"id": row.id, "state": row.state, "created": row.created.isoformat(),
           "due": row.due.isoformat(), "answer": row.answer,
           "answered_at": row.answered_at.isoformat() if row.answered_at else None,
           "note": row.note}
    if handler:
        pkg = model.Package.get(row.package_id)
        out.update({"event": row.request_id, "owner_org": row.owner_org,
                    "dataset": {"name": pkg.name, "title": pkg.title} if pkg else None,
                    "escalated": row.escalated_at is not None})
    return out


def sweep(today: datetime.date) -> dict[str, int]:
    """Open cases past their due date go to the IT Centre, once each."""
    rows = model.Session.execute(sa.select(case_table).where(
        case_table.c.state == OPEN, case_table.c.due < today,
        case_table.c.escalated_at.is_(None))).all()
    count = 0
    for row in rows:
        done = model.Session.execute(case_table.update().where(
            case_table.c.id == row.id, case_table.c.escalated_at.is_(None)).values(
            escalated_at=_now()))
        model.repo.commit()
        if not done.rowcount:   # another sweep took it
            continue
        _mail_overdue(row)
        audit.record("report", "mydata_case_overdue", datasets=[row.package_id],
                     organizations=[row.owner_org],
                     extra={"case_id": row.id, "due": row.due.isoformat()})
        count += 1
    return {"escalations": count}


def _cases_url() -> str:
    return tk.url_for("molisa_mydata.cases", _external=True)


@mail.in_portal_locale
def _mail_opened(row: dict[str, Any], pkg) -> int:
    subject = tk._("A person does not recognise a use of their data")
    body = tk._(
        "A person flagged a read of their records in the dataset {dataset} as one they do "
        "not recognise. Please look into it and answer by {due}.\n\nThe read: audit event "
        "{event}\n\nThe cases of your unit: {url}").format(
        dataset=(pkg.title or pkg.name) if pkg is not None else row["package_id"],
        due=row["due"].isoformat(), event=row["request_id"] or "-", url=_cases_url())
    return mail.send(handlers(row["owner_org"]), subject, body, what="My data case")


@mail.in_portal_locale
def _mail_overdue(row) -> int:
    pkg = model.Package.get(row.package_id)
    subject = tk._("Overdue: a person's flag about a use of their data")
    body = tk._(
        "A case opened by a person who does not recognise a read of their records was due "
        "on {due} and has no answer yet.\n\nDataset: {dataset}\nThe read: audit event "
        "{event}\n\nThe cases: {url}").format(
        due=row.due.isoformat(), dataset=(pkg.title or pkg.name) if pkg is not None else "-",
        event=row.request_id or "-", url=_cases_url())
    recipients = it_centre_recipients() + [r for r in handlers(row.owner_org)]
    return mail.send(recipients, subject, body, what="My data case escalation")
