"""My records ("Dữ liệu của tôi", R17.2, R18.5): every DataStore row of the
sector data about one person, whatever the dataset's access level (their own
data), found through the subject index (``subjects``) by the keyed hash of the
number verified for their account, with the dataset, its managing unit and
the date of its last update; as a page, CSV and JSON.

The person's hash comes only from :func:`subject_for`: the verified e-ID of
the account (:func:`ckanext.molisa.subjects.subject_of`) or a session opened
by a one-time password (:mod:`.otp`, whose token the view puts into the
action's context from the person's cookie), never from the request's
parameters; the auth function ``molisa_mydata_records`` is the one place that
decides.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import spreadsheets, subjects as subject_keys

from . import otp, subjects

#: the context key under which a view passes the token of a one-time-password
#: session (only the view sets it, from the person's cookie; the API cannot)
OTP_SESSION = "molisa_mydata_otp_session"

#: columns of the DataStore that are not the record's
HIDDEN_FIELDS = ("_id", "_full_text")
CSV_HEADER = ("dataset", "dataset_title", "unit", "last_update", "row", "column", "value")


def subject_for(context: dict[str, Any]) -> str | None:
    """The keyed hash of the person a call is for: the verified e-ID number
    of an active account, else that of a live one-time-password session
    named in the context; else None (then nothing is shown)."""
    name = context.get("user")
    user = model.User.get(name) if isinstance(name, str) and name else None
    if user is not None and user.state == "active":
        digest = subject_keys.subject_of(user.id)
        if digest:
            return digest
    return otp.session_subject(context.get(OTP_SESSION))


def records_for(subject_hash: str) -> dict[str, Any]:
    """The rows of one person in every active dataset, by dataset."""
    site = {"ignore_auth": True, "user": tk.get_action("get_site_user")(
        {"ignore_auth": True}, {})["name"]}
    datasets = []
    for resource_id, row_ids in subjects.rows_of(subject_hash).items():
        resource = model.Resource.get(resource_id)
        package = resource.package if resource is not None else None
        if package is None:
            continue
        result = tk.get_action("datastore_search")(dict(site), {
            "resource_id": resource_id, "filters": {"_id": row_ids}, "limit": len(row_ids),
            "sort": "_id", "include_total": False})
        fields = [f["id"] for f in result["fields"] if f["id"] not in HIDDEN_FIELDS]
        org = package.get_groups("organization")
        unit = org[0] if org else model.Group.get(package.owner_org or "")
        extras = package.extras
        datasets.append({
            "dataset": {"id": package.id, "name": package.name, "title": package.title,
                        "title_en": extras.get("title_en") or ""},
            "unit": {"name": unit.name, "title": unit.title,
                     "title_en": (unit.extras or {}).get("title_en") or ""} if unit else None,
            "last_update": extras.get("modified") or package.metadata_modified.date().isoformat(),
            "resource_id": resource_id,
            "fields": fields,
            "records": [{k: r.get(k) for k in fields} for r in result["records"]],
        })
    datasets.sort(key=lambda d: (d["dataset"]["title"] or "", d["resource_id"]))
    return {"count": sum(len(d["records"]) for d in datasets), "datasets": datasets}


def to_csv(result: dict[str, Any]) -> bytes:
    """One line per value: the datasets' columns differ."""
    rows = []
    for ds in result["datasets"]:
        unit = (ds["unit"] or {}).get("title") or ""
        for n, record in enumerate(ds["records"], 1):
            for field in ds["fields"]:
                value = record.get(field)
                rows.append((ds["dataset"]["name"], ds["dataset"]["title"], unit,
                             ds["last_update"], n, field, "" if value is None else value))
    return spreadsheets.to_csv(CSV_HEADER, rows)
