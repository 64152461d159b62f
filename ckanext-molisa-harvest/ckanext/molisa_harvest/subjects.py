"""The subject index of the sector data ("My data", R17.2, R18.5): for each
DataStore row of a record-level dataset whose source configuration names the
column with the personal identification number (``subject_id``), the keyed
hash of that number (``ckanext.molisa.subjects.subject_hash``), never the number.

The sector-database harvester fills it when it loads a resource's rows
(``replace``: the resource's entries are swapped in the same transaction) and
empties it for a withdrawn dataset (``drop_package``); ``rows_of`` answers
which rows hold one person, for datasets that are still active.
"""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

subject_table = sa.Table(
    "molisa_harvest_subject", tk.BaseModel.metadata,
    sa.Column("resource_id", sa.Text, primary_key=True),
    sa.Column("row_id", sa.BigInteger, primary_key=True),
    sa.Column("subject_hash", sa.Text, nullable=False),
    sa.Column("package_id", sa.Text, nullable=False),
    # the row's e-mail address sealed under the person's number
    # (ckanext.molisa.subjects.seal_contact), where the source names one
    sa.Column("contact", sa.Text, nullable=True),
    extend_existing=True,
)

BATCH = 5000


def replace(resource_id: str, package_id: str, entries: Iterable[tuple]) -> int:
    """The resource's entries become ``entries`` ((row ``_id``, subject hash)
    pairs, or triples with the sealed contact address or None); returns how
    many. The caller commits."""
    session = model.Session
    session.execute(subject_table.delete().where(subject_table.c.resource_id == resource_id))
    count, batch = 0, []
    for row_id, digest, *contact in entries:
        batch.append({"resource_id": resource_id, "row_id": row_id, "subject_hash": digest,
                      "package_id": package_id, "contact": contact[0] if contact else None})
        if len(batch) >= BATCH:
            session.execute(subject_table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        session.execute(subject_table.insert(), batch)
        count += len(batch)
    return count


def drop_package(package_id: str) -> int:
    """A withdrawn dataset leaves the index; returns how many entries went."""
    result = model.Session.execute(
        subject_table.delete().where(subject_table.c.package_id == package_id))
    return result.rowcount


def drop_resources_except(package_id: str, keep: set[str]) -> None:
    """Entries of the dataset's resources other than ``keep`` (a resource gone
    from the dataset, or no longer indexed) leave the index."""
    query = subject_table.delete().where(subject_table.c.package_id == package_id)
    if keep:
        query = query.where(subject_table.c.resource_id.notin_(sorted(keep)))
    model.Session.execute(query)


def rows_of(subject_hash: str) -> dict[str, list[int]]:
    """The rows of one person, by resource id, in active datasets only."""
    query = (sa.select(subject_table.c.resource_id, subject_table.c.row_id)
             .join(model.Package.__table__,
                   model.Package.__table__.c.id == subject_table.c.package_id)
             .join(model.Resource.__table__,
                   model.Resource.__table__.c.id == subject_table.c.resource_id)
             .where(subject_table.c.subject_hash == subject_hash)
             .where(model.Package.__table__.c.state == "active")
             .where(model.Resource.__table__.c.state == "active")
             .order_by(subject_table.c.resource_id, subject_table.c.row_id))
    out: dict[str, list[int]] = {}
    for resource_id, row_id in model.Session.execute(query):
        out.setdefault(resource_id, []).append(row_id)
    return out


def count_for(resource_id: str) -> int:
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(subject_table)
        .where(subject_table.c.resource_id == resource_id)).scalar()


def contacts_of(subject_hash: str) -> list[str]:
    """The sealed contact addresses of one person in active datasets, the
    most recently updated dataset and the latest row first."""
    pkg = model.Package.__table__
    res = model.Resource.__table__
    query = (sa.select(subject_table.c.contact)
             .join(pkg, pkg.c.id == subject_table.c.package_id)
             .join(res, res.c.id == subject_table.c.resource_id)
             .where(subject_table.c.subject_hash == subject_hash)
             .where(subject_table.c.contact.isnot(None))
             .where(pkg.c.state == "active")
             .where(res.c.state == "active")
             .order_by(pkg.c.metadata_modified.desc(), subject_table.c.row_id.desc()))
    return [row[0] for row in model.Session.execute(query)]
