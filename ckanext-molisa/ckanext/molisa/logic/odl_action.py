"""Actions of the Open Data List (``molisa_odl_*``, R14.1, R14.2, R5.5).
Each: check access, validate, act, commit, return a dict."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa.logic import odl_schema as schema
from ckanext.molisa.logic.odl_auth import is_manager
from ckanext.molisa.model import odl_dictization as dictization
from ckanext.molisa.model import odl_queries as queries
from ckanext.molisa.logic.base import commit as _commit, validate as _validate
from ckanext.molisa.model.odl import (DRAFT, ENTRY_FIELDS, IN_FORCE, SUPERSEDED,
                                      VERSION_FIELDS, Entry, Version, now)


def today() -> datetime.date:
    return datetime.date.today()


def _user_id(context) -> str | None:
    user = model.User.get(context.get("user") or "")
    return user.id if user else None


def _version(id_: str) -> Version:
    version = Version.get(id_)
    if version is None:
        raise tk.ObjectNotFound(tk._("No such version of the Open Data List."))
    return version


def _draft(id_: str) -> Version:
    version = _version(id_)
    if version.state != DRAFT:
        raise tk.ValidationError({"id": [tk._(
            "Only a draft can be changed; an approved version is amended by a new draft.")]})
    return version


def _entry(id_: str) -> Entry:
    entry = Entry.get(id_)
    if entry is None:
        raise tk.ObjectNotFound(tk._("No such entry of the Open Data List."))
    return entry



def molisa_odl_version_create(context, data_dict):
    """A new draft version of the Open Data List: an amendment of the version
    in force (its entries copied, with their links) unless ``copy_in_force``
    is false.

    :param copy_in_force: copy the entries of the version in force (default true)
    :type copy_in_force: bool
    :param decision_number: the approving decision's number (optional in a draft)
    :type decision_number: string
    :param decision_date: its date, YYYY-MM-DD
    :type decision_date: string
    :param approver: who approves it
    :type approver: string
    :param note: a note on the version
    :type note: string
    :rtype: dictionary (the version)
    """
    tk.check_access("molisa_odl_version_create", context, data_dict)
    data = _validate(data_dict, schema.molisa_odl_version_create(), context)
    base = queries.version_in_force() if data.pop("copy_in_force", True) else None
    version = Version(number=queries.next_number(), state=DRAFT,
                      created_by=_user_id(context), based_on=base.id if base else None,
                      **{k: data[k] for k in VERSION_FIELDS if k in data})
    model.Session.add(version)
    model.Session.flush()
    if base is not None:
        for old in queries.entries(base.id):
            copy = Entry(version_id=version.id, key=old.key, package_id=old.package_id,
                         linked_at=old.linked_at, linked_by=old.linked_by,
                         **{k: getattr(old, k) for k in ENTRY_FIELDS})
            model.Session.add(copy)
    _commit(context)
    return dictization.version_dict(version)


def molisa_odl_version_update(context, data_dict):
    """Change a draft's decision number, date, approver or note.

    :param id: the draft version
    :type id: string
    :param decision_number: the approving decision's number
    :type decision_number: string
    :param decision_date: its date, YYYY-MM-DD
    :type decision_date: string
    :param approver: who approves it
    :type approver: string
    :param note: a note
    :type note: string
    :rtype: dictionary (the version)
    """
    tk.check_access("molisa_odl_version_update", context, data_dict)
    data = _validate(data_dict, schema.molisa_odl_version_update(), context)
    version = _draft(data["id"])
    for key in VERSION_FIELDS:
        if key in data:
            setattr(version, key, data[key])
    _commit(context)
    return dictization.version_dict(version)


def molisa_odl_version_approve(context, data_dict):
    """Approve a draft: it comes into force with its decision, the version
    in force before it is superseded (kept, with its entries, as history).

    :param id: the draft version
    :type id: string
    :param decision_number: the approving decision's number
    :type decision_number: string
    :param decision_date: its date, YYYY-MM-DD
    :type decision_date: string
    :param approver: who approved it
    :type approver: string
    :param note: a note
    :type note: string
    :rtype: dictionary (the version)
    """
    tk.check_access("molisa_odl_version_approve", context, data_dict)
    data = _validate(data_dict, schema.molisa_odl_version_approve(), context)
    version = _draft(data["id"])
    if not queries.entries(version.id):
        raise tk.ValidationError({"id": [tk._("A version without entries cannot be approved.")]})
    current = queries.version_in_force()
    if current is not None:
        current.state = SUPERSEDED
        current.superseded_at = now()
        model.Session.flush()
    for key in VERSION_FIELDS:
        if key in data:
            setattr(version, key, data[key])
    version.state = IN_FORCE
    version.approved_at = now()
    version.approved_by = _user_id(context)
    _commit(context)
    return dictization.version_dict(version)


@tk.side_effect_free
def molisa_odl_version_list(context, data_dict):
    """The versions of the Open Data List, newest first: the one in force
    and the superseded ones; drafts too for the IT Centre and sysadmins.

    :rtype: list of dictionaries
    """
    tk.check_access("molisa_odl_version_list", context, data_dict)
    return [dictization.version_dict(v)
            for v in queries.versions(include_drafts=is_manager(context))]


@tk.side_effect_free
def molisa_odl_version_show(context, data_dict):
    """One version with its entries and their states (default: the version
    in force).

    :param id: the version (optional)
    :type id: string
    :rtype: dictionary with ``entries`` and ``summary``
    """
    data = _validate(data_dict, schema.molisa_odl_version_show(), context)
    tk.check_access("molisa_odl_version_show", context, data)
    version = _version(data["id"]) if data.get("id") else queries.version_in_force()
    if version is None:
        raise tk.ObjectNotFound(tk._("No Open Data List has been approved yet."))
    entries = dictization.entry_dicts(queries.entries(version.id), today())
    return dict(dictization.version_dict(version), entries=entries,
                summary=dictization.summary(entries))


def molisa_odl_entry_create(context, data_dict):
    """Add an entry to a draft version.

    :param version_id: the draft
    :type version_id: string
    :param owner_org: the unit (organization id or name)
    :type owner_org: string
    :param title: planned title, Vietnamese
    :type title: string
    :param title_en: planned title, English
    :type title_en: string
    :param description: description, Vietnamese
    :type description: string
    :param description_en: description, English
    :type description_en: string
    :param sector: code list ``sectors``
    :type sector: string
    :param coverage: coverage (territory, period, population)
    :type coverage: string
    :param legal_basis: the legal basis
    :type legal_basis: string
    :param update_frequency: code list ``update_frequencies``
    :type update_frequency: string
    :param first_due: the first due date, YYYY-MM-DD
    :type first_due: string
    :rtype: dictionary (the entry)
    """
    tk.check_access("molisa_odl_entry_create", context, data_dict)
    data = _validate(data_dict, schema.molisa_odl_entry_create(), context)
    version = _draft(data.pop("version_id"))
    entry = Entry(version_id=version.id, **data)
    model.Session.add(entry)
    _commit(context)
    return dictization.entry_dicts([entry], today())[0]


def molisa_odl_entry_update(context, data_dict):
    """Change an entry of a draft version (the fields of
    ``molisa_odl_entry_create`` that are given).

    :param id: the entry
    :type id: string
    :param owner_org: the unit
    :type owner_org: string
    :param title: planned title, Vietnamese
    :type title: string
    :param title_en: planned title, English
    :type title_en: string
    :param description: description
    :type description: string
    :param sector: code list ``sectors``
    :type sector: string
    :param coverage: coverage
    :type coverage: string
    :param legal_basis: the legal basis
    :type legal_basis: string
    :param update_frequency: code list ``update_frequencies``
    :type update_frequency: string
    :param first_due: the first due date, YYYY-MM-DD
    :type first_due: string
    :rtype: dictionary (the entry)
    """
    tk.check_access("molisa_odl_entry_update", context, data_dict)
    data = _validate(data_dict, schema.molisa_odl_entry_update(), context)
    entry = _entry(data.pop("id"))
    _draft(entry.version_id)
    for key, value in data.items():
        setattr(entry, key, value)
    entry.modified = now()
    _commit(context)
    return dictization.entry_dicts([entry], today())[0]


def molisa_odl_entry_delete(context, data_dict):
    """Remove an entry from a draft version.

    :param id: the entry
    :type id: string
    """
    tk.check_access("molisa_odl_entry_delete", context, data_dict)
    data = _validate(data_dict, schema.molisa_odl_id_schema(), context)
    entry = _entry(data["id"])
    _draft(entry.version_id)
    model.Session.delete(entry)
    _commit(context)
    return {"id": data["id"], "deleted": True}


@tk.side_effect_free
def molisa_odl_entry_show(context, data_dict):
    """One entry with its state.

    :param id: the entry
    :type id: string
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.molisa_odl_id_schema(), context)
    tk.check_access("molisa_odl_entry_show", context, data)
    return dictization.entry_dicts([_entry(data["id"])], today())[0]


@tk.side_effect_free
def molisa_odl_entry_list(context, data_dict):
    """Entries of a version (default: the one in force) with their states.

    :param version_id: the version (optional)
    :type version_id: string
    :param owner_org: only this unit's entries (id or name)
    :type owner_org: string
    :param state: only entries in this state: ``planned``, ``on_time``,
        ``late``, ``overdue``
    :type state: string
    :rtype: list of dictionaries
    """
    data = _validate(data_dict, schema.molisa_odl_entry_list(), context)
    tk.check_access("molisa_odl_entry_list", context, data)
    version = (_version(data["version_id"]) if data.get("version_id")
               else queries.version_in_force())
    if version is None:
        return []
    entries = dictization.entry_dicts(queries.entries(version.id, data.get("owner_org")),
                                      today())
    if data.get("state"):
        entries = [e for e in entries if e["state"] == data["state"]]
    return entries


def molisa_odl_entry_link(context, data_dict):
    """Link an entry to its published dataset: an open, public dataset of the
    entry's own unit.

    :param id: the entry
    :type id: string
    :param package_id: the dataset (id or name)
    :type package_id: string
    :rtype: dictionary (the entry)
    """
    data = _validate(data_dict, schema.molisa_odl_entry_link(), context)
    tk.check_access("molisa_odl_entry_link", context, data)
    entry = _entry(data["id"])
    pkg = model.Package.get(data["package_id"])
    if pkg is None or pkg.state != "active":
        raise tk.ValidationError({"package_id": [tk._("No such dataset.")]})
    if pkg.owner_org != entry.owner_org:
        raise tk.ValidationError({"package_id": [tk._(
            "The dataset must be published by the entry's own unit.")]})
    if pkg.private or (pkg.extras or {}).get("access_level") != "open":
        raise tk.ValidationError({"package_id": [tk._(
            "Only a public dataset with the access level open fulfils an entry.")]})
    entry.package_id = pkg.id
    entry.linked_at = now()
    entry.linked_by = _user_id(context)
    _commit(context)
    return dictization.entry_dicts([entry], today())[0]


@tk.side_effect_free
def molisa_odl_status_summary(context, data_dict):
    """Counts of the entries of the version in force per state, overall and
    per unit, and each unit's on-time rate (R5.5).

    :param owner_org: only this unit (id or name)
    :type owner_org: string
    :rtype: dictionary with ``version``, ``counts``, ``on_time_rate``, ``units``
    """
    data = _validate(data_dict, schema.molisa_odl_status_summary(), context)
    tk.check_access("molisa_odl_status_summary", context, data)
    version = queries.version_in_force()
    entries = (dictization.entry_dicts(queries.entries(version.id, data.get("owner_org")),
                                       today()) if version else [])
    return dict(dictization.summary(entries),
                version=dictization.version_dict(version) if version else None)


def molisa_odl_sweep(context, data_dict):
    """Mail the admins of units whose entries fall due within
    ``ckanext.molisa.odl.remind_days`` days, and escalate overdue entries to
    the IT Centre (``ckanext.molisa.odl.it_centre_email``) and the unit's
    admins; each once per entry and due date (``ckan molisa odl-sweep``).

    :param today: the day to sweep for (default today), YYYY-MM-DD
    :type today: string
    :rtype: dictionary with counts ``reminders`` and ``escalations``
    """
    tk.check_access("molisa_odl_sweep", context, data_dict)
    data = _validate(data_dict, schema.molisa_odl_sweep(), context)
    from ckanext.molisa.odl import sweep
    return sweep.run(context, data.get("today") or today())


def get_actions() -> dict[str, Any]:
    return {
        "molisa_odl_version_create": molisa_odl_version_create,
        "molisa_odl_version_update": molisa_odl_version_update,
        "molisa_odl_version_approve": molisa_odl_version_approve,
        "molisa_odl_version_list": molisa_odl_version_list,
        "molisa_odl_version_show": molisa_odl_version_show,
        "molisa_odl_entry_create": molisa_odl_entry_create,
        "molisa_odl_entry_update": molisa_odl_entry_update,
        "molisa_odl_entry_delete": molisa_odl_entry_delete,
        "molisa_odl_entry_show": molisa_odl_entry_show,
        "molisa_odl_entry_list": molisa_odl_entry_list,
        "molisa_odl_entry_link": molisa_odl_entry_link,
        "molisa_odl_status_summary": molisa_odl_status_summary,
        "molisa_odl_sweep": molisa_odl_sweep,
    }
