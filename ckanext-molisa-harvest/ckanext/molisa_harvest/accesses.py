"""Who used my data ("Ai đã dùng dữ liệu của tôi", R17.2, R15.1): every
DataStore read that returns rows of an indexed resource (``datastore_search``
and ``datastore_search_sql``, so the dump and the data tables view too)
records, for each person whose rows it returned, the keyed hash of their
number (never the number), linked to the request's audit event by its request
id, with the dataset, and on what footing the rows were read: a sharing
grant or a default-sharing service (its id, the grantee organisation, its
purpose and legal basis, as they stood at the time of the read), the
managing unit's own access, the IT Centre (a sysadmin) or open data.

One statement per call: ``INSERT ... SELECT`` from the subject index joined
with the returned ``_id``s (and the grant and its request for the purpose and
legal basis), committed on a connection of its own before the answer leaves,
so that rows never leave without their record and the request's own session
is not touched. Internal calls (``ignore_auth``: "my records" reading the
person's own rows, the harvester) and calls outside a web request are not
recorded: they are nobody's access to the person's data.

The person sees the list (:func:`accesses_of`: organisation, purpose, legal
basis, date, dataset; never the official); the request id leads the unit's
admins and the IT Centre to the full audit event in the audit log.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

import msgspec
import sqlalchemy as sa
from flask import g, has_request_context

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.lazyjson import LazyJSONObject

from . import subjects

RECORD_OPTION = "ckanext.molisa_harvest.mydata_record_accesses"

#: on what footing a read was made (``basis``)
BASES = ("grant", "service", "unit", "it_centre", "open")

access_table = sa.Table(
    "molisa_harvest_subject_access", tk.BaseModel.metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("ts", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("subject_hash", sa.Text, nullable=False),
    sa.Column("request_id", sa.Text),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("resource_id", sa.Text, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("basis", sa.Text, nullable=False),
    # the unit whose own access it was, or the grant's managing unit
    sa.Column("organization_id", sa.Text),
    sa.Column("grant_id", sa.Text),
    # the grantee organisation, the purpose and legal basis at the time of the read
    sa.Column("organization", sa.Text),
    sa.Column("purpose", sa.Text),
    sa.Column("legal_basis", sa.Text),
    extend_existing=True,
)

# One statement: the index's entries of the returned rows, one line per
# person, with the grant's purpose and its request's legal basis if any.
_INSERT = sa.text("""
    INSERT INTO molisa_harvest_subject_access
        (subject_hash, request_id, package_id, resource_id, rows, basis, organization_id,
         grant_id, organization, purpose, legal_basis)
    SELECT s.subject_hash, :request_id, s.package_id, s.resource_id, count(*), :basis,
           coalesce(gr.owner_org, :organization_id), :grant_id,
           coalesce(gr.organization, rq.requester_organization), gr.purpose, rq.legal_basis
      FROM molisa_harvest_subject s
      LEFT JOIN molisa_sharing_grant gr ON gr.id = :grant_id
      LEFT JOIN molisa_sharing_request rq ON rq.id = gr.request_id
     WHERE s.resource_id = :resource_id AND s.row_id = ANY(:row_ids)
     GROUP BY s.subject_hash, s.package_id, s.resource_id, gr.owner_org, gr.organization,
              rq.requester_organization, gr.purpose, rq.legal_basis
""")


_ASYNC_COMMIT = sa.text("SET LOCAL synchronous_commit TO off")


def enabled() -> bool:
    return tk.asbool(tk.config.get(RECORD_OPTION))


def recording(context: dict[str, Any]) -> bool:
    """Is this call someone's read to be recorded?"""
    return (enabled() and has_request_context() and not context.get("ignore_auth")
            and hasattr(g, "molisa_audit_request_id"))


# -- the rows a read returned ----------------------------------------------------------

def with_row_ids(data_dict: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The call asks for ``_id`` too (a call that names its fields without it
    gets it, and it is taken out of the answer again); returns the call and
    whether ``_id`` was added."""
    fields = data_dict.get("fields")
    if not fields:
        return data_dict, False
    names = ([f.strip() for f in fields.split(",") if f.strip()] if isinstance(fields, str)
             else list(fields) if isinstance(fields, list) else None)
    if names is None or "_id" in names:
        return data_dict, False
    return dict(data_dict, fields=["_id"] + names), True


def row_ids(result: dict[str, Any], drop: bool = False) -> list[int]:
    """The ``_id``s of the rows in an answer, whatever its ``records_format``;
    ``drop``: take ``_id`` out of the answer (it was added for this)."""
    records = result.get("records")
    if isinstance(records, LazyJSONObject):
        # the Action API's answer: the rows as JSON text, decoded here only
        # to read the ids (and rewritten only when _id must go)
        records = msgspec.json.decode(records.encoded_json)
        if drop:
            result["records"] = records
    fields = [f.get("id") for f in result.get("fields") or [] if isinstance(f, dict)]
    ids: list[Any] = []
    if isinstance(records, list) and records and isinstance(records[0], dict):
        ids = [r.get("_id") for r in records]
        if drop:
            for r in records:
                r.pop("_id", None)
    elif isinstance(records, list) and "_id" in fields:
        at = fields.index("_id")
        ids = [r[at] for r in records if isinstance(r, (list, tuple)) and len(r) > at]
        if drop:
            result["records"] = [list(r[:at]) + list(r[at + 1:]) for r in records]
    elif isinstance(records, str) and "_id" in fields:
        at = fields.index("_id")
        delimiter = "\t" if result.get("records_format") == "tsv" else ","
        rows = list(csv.reader(io.StringIO(records), delimiter=delimiter))
        ids = [r[at] for r in rows if len(r) > at]
        if drop:
            out = io.StringIO()
            csv.writer(out, delimiter=delimiter).writerows(r[:at] + r[at + 1:] for r in rows)
            result["records"] = out.getvalue()
    if drop and "_id" in fields:
        result["fields"] = [f for f in result["fields"] if f.get("id") != "_id"]
    out_ids = []
    for value in ids:
        try:
            out_ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return out_ids


# -- on what footing -------------------------------------------------------------------

def footing(context: dict[str, Any], resource_id: str) -> dict[str, Any] | None:
    """(basis, organisation, grant) of a read that the sharing plugin's
    decision allowed, or None for a read that is not anybody's access (an
    internal call, or a resource the portal does not hold)."""
    from ckanext.molisa_sharing import access

    pkg = access.package_of_resource(resource_id)
    if pkg is None:
        return None
    decision = access.decide(context, pkg, resource_id)
    grant_id = getattr(g, "molisa_sharing_grant_used", None) if decision.code == "grant" else None
    grant_id = grant_id or decision.grant_id
    basis = {"member": "unit", "sysadmin": "it_centre", "open": "open"}.get(decision.code)
    if decision.code == "grant":
        from ckanext.molisa_sharing.model import Grant
        grant = Grant.get(grant_id) if grant_id else None
        basis = "service" if grant is not None and grant.kind == "service" else "grant"
    if basis is None:
        return None
    return {"basis": basis, "organization_id": pkg.owner_org if basis == "unit" else None,
            "grant_id": grant_id if basis in ("grant", "service") else None}


def record(context: dict[str, Any], resource_id: str, ids: Iterable[int]) -> int:
    """The persons whose rows ``ids`` of ``resource_id`` a read returned;
    returns how many were recorded."""
    ids = sorted(set(ids))
    if not ids or not resource_id:
        return 0
    how = footing(context, resource_id)
    if how is None:
        return 0
    with model.meta.engine.begin() as conn:
        # no wait for the disk at commit (measured: most of the cost): the
        # read's audit event is made durable before the answer leaves; a
        # crash of PostgreSQL may lose the last wal_writer_delay of these
        # records, never make one up
        conn.execute(_ASYNC_COMMIT)
        result = conn.execute(_INSERT, {
            "request_id": getattr(g, "molisa_audit_request_id", None), "basis": how["basis"],
            "organization_id": how["organization_id"], "grant_id": how["grant_id"],
            "resource_id": resource_id, "row_ids": ids})
    return result.rowcount


def sql_resources(names: Iterable[str]) -> list[str]:
    """The indexed resources among the tables a SQL query read."""
    from ckanext.molisa_sharing import access
    found = []
    for name in names:
        rid = access.datastore_resource_id(name)
        if rid and subjects.count_for(rid):
            found.append(rid)
    return found


# -- what the person sees ----------------------------------------------------------------

def accesses_of(subject_hash: str, limit: int = 500) -> list[dict[str, Any]]:
    from . import cases
    """The reads of one person's rows, newest first: when, which dataset,
    which organisation, on what footing, purpose and legal basis; never who."""
    pkg = model.Package.__table__
    grp = model.Group.__table__
    query = (sa.select(access_table.c.id, access_table.c.ts, access_table.c.rows,
                       access_table.c.basis, access_table.c.organization,
                       access_table.c.purpose, access_table.c.legal_basis,
                       access_table.c.request_id, pkg.c.name, pkg.c.title,
                       grp.c.name.label("unit_name"), grp.c.title.label("unit_title"))
             .join(pkg, pkg.c.id == access_table.c.package_id)
             .outerjoin(grp, grp.c.id == sa.func.coalesce(access_table.c.organization_id,
                                                           pkg.c.owner_org))
             .where(access_table.c.subject_hash == subject_hash)
             .order_by(access_table.c.ts.desc(), access_table.c.id.desc())
             .limit(limit))
    out = []
    for row in model.Session.execute(query):
        out.append({
            "id": row.id, "date": row.ts.isoformat(), "rows": row.rows, "basis": row.basis,
            "organization": row.organization if row.basis in ("grant", "service")
            else row.unit_title,
            "unit": {"name": row.unit_name, "title": row.unit_title},
            "purpose": row.purpose, "legal_basis": row.legal_basis,
            "dataset": {"name": row.name, "title": row.title},
            "event": row.request_id,
        })
    flagged = cases.for_accesses([a["id"] for a in out])
    for entry in out:
        case = flagged.get(entry["id"])
        entry["case"] = cases.as_dict(case) if case is not None else None
    return out


# -- retention -------------------------------------------------------------------------

def delete_before(cutoff, dry_run: bool = False) -> int:
    """The records older than ``cutoff`` (the audit log's retention, at
    least 24 months: R15.2) are deleted, by the audit log's archive command;
    returns how many (would) go."""
    old = access_table.c.ts < cutoff
    if dry_run:
        return model.Session.execute(
            sa.select(sa.func.count()).select_from(access_table).where(old)).scalar()
    count = model.Session.execute(access_table.delete().where(old)).rowcount
    model.repo.commit()
    return count
