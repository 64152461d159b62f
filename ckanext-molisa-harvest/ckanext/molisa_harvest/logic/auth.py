"""Auth functions of harvesting: a source's health and running it now (the
members of the unit that owns the source for the health of a public source,
its admins for any other; its admins and editors to run it; sysadmins), and
ckanext-harvest's own auth functions chained so that every harvest internal
follows :mod:`ckanext.molisa_harvest.visibility`. Denied by default."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.molisa import units

from .. import cases, mydata, visibility
from . import chained


def _owner_org(data_dict: dict[str, Any]) -> str | None:
    package = model.Package.get(data_dict.get("id") or "")
    if package is None or package.type != "harvest":
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    return package.owner_org


def _allowed(context, data_dict, permission: str) -> bool:
    user = context.get("user")
    if not user:
        return False
    owner_org = _owner_org(data_dict)
    if authz.is_sysadmin(user):
        return True
    return bool(owner_org) and authz.has_user_permission_for_group_or_org(
        owner_org, user, permission)


def molisa_harvest_source_health(context, data_dict):
    package = model.Package.get(data_dict.get("id") or "")
    public = package is not None and visibility.is_public_type(
        visibility.source_type_of(package))
    if (public and _allowed(context, data_dict, "read")) or (
            package is not None and visibility.administers(context, package.owner_org)):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the members of the unit that owns this harvest source may see "
                        "its runs")}


def molisa_harvest_source_run_now(context, data_dict):
    if _allowed(context, data_dict, "update_dataset"):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the admins and editors of the unit that owns this harvest "
                        "source may run it")}


def _not_yours() -> dict:
    return {"success": False,
            "msg": tk._("Only the admins of the unit that owns this harvest source may see it")}


# -- ckanext-harvest's auth, chained -------------------------------------------------

@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth, context, data_dict):
    """A harvest source (a dataset of type ``harvest``) that is not public:
    its unit's admins only."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    package = context.get("package")
    if not isinstance(package, model.Package):
        package = model.Package.get((data_dict or {}).get("id") or "")
    if package is not None and package.type == "harvest" \
            and not visibility.may_see_source(context, package):
        return _not_yours()
    return result


def _job_source(data_dict: dict) -> model.Package | None:
    job = HarvestJob.get(data_dict.get("id") or "") if data_dict.get("id") else None
    return model.Package.get(job.source_id) if job is not None else None


@tk.chained_auth_function
def harvest_job_show(next_auth, context, data_dict):
    source = _job_source(data_dict)
    if source is None:
        return {"success": True}   # the action answers "not found"
    if not visibility.may_see_source(context, source):
        return _not_yours()
    return next_auth(context, data_dict)


@tk.chained_auth_function
def harvest_job_list(next_auth, context, data_dict):
    source = model.Package.get(data_dict.get("source_id") or "") \
        if data_dict.get("source_id") else None
    if source is None:
        return {"success": False,
                "msg": tk._("Give the harvest source whose jobs to list (source_id)")}
    if not visibility.may_see_source(context, source):
        return _not_yours()
    return next_auth(context, data_dict)


def _object(data_dict: dict):
    if data_dict.get("id"):
        return HarvestObject.get(data_dict["id"])
    if data_dict.get("dataset_id"):
        pkg = model.Package.get(data_dict["dataset_id"])
        if pkg is not None:
            return model.Session.query(HarvestObject).filter(
                HarvestObject.package_id == pkg.id,
                HarvestObject.current == True).first()  # noqa: E712
    return None


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def harvest_object_show(next_auth, context, data_dict):
    """What a harvester read: see visibility.may_see_object (ckanext-harvest
    shows every object to anyone)."""
    obj = _object(data_dict or {})
    if obj is None:
        return {"success": True}   # the action answers "not found"
    if not visibility.may_see_object(context, obj):
        return {"success": False,
                "msg": tk._("Only the admins of the unit that owns this harvest source may "
                            "see what it read")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def harvest_object_list(next_auth, context, data_dict):
    source = model.Package.get(data_dict.get("source_id") or "") \
        if data_dict.get("source_id") else None
    if source is None or not visibility.administers(context, source.owner_org):
        return {"success": False,
                "msg": tk._("Only the admins of the unit that owns a harvest source may "
                            "list its objects (source_id)")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def harvest_log_list(next_auth, context, data_dict):
    """Every harvester's log: sysadmins only (sysadmins pass auth anyway)."""
    return {"success": False, "msg": tk._("Only sysadmins may read the harvesters' log")}


@tk.auth_sysadmins_check
@tk.auth_allow_anonymous_access
def molisa_mydata_records(context, data_dict):
    """My records: only a person whose personal identification number was
    verified, by the e-ID of their account or by a one-time password in this
    session (:func:`..mydata.subject_for`), sysadmins included; everyone else
    is refused."""
    if mydata.subject_for(context) is None:
        return {"success": False, "msg": tk._("Log in with the e-ID to see your data")}
    return {"success": True}


@tk.auth_sysadmins_check
@tk.auth_allow_anonymous_access
def molisa_mydata_accesses(context, data_dict):
    """Who used my data: the same decision as for the records."""
    return molisa_mydata_records(context, data_dict)


@tk.auth_sysadmins_check
@tk.auth_allow_anonymous_access
def molisa_mydata_flag_create(context, data_dict):
    """Flagging an entry of one's own list: the same decision as for the
    records (the entry must then be the person's own)."""
    return molisa_mydata_records(context, data_dict)


def _handler(context):
    user = model.User.get(context.get("user") or "")
    return user if user is not None and user.state == "active" else None


def molisa_mydata_case_list(context, data_dict):
    """The IT Centre and the admins of a unit."""
    user = _handler(context)
    if user is None or not (user.sysadmin or units.units_administered(user)):
        return {"success": False, "msg": tk._("Only the managing units' admins and the IT "
                                              "Centre handle these cases")}
    return {"success": True}


def molisa_mydata_case_answer(context, data_dict):
    """The IT Centre and the admins of the case's managing unit."""
    case = cases.get(data_dict.get("id") if isinstance(data_dict, dict) else None)
    if case is None or not cases.may_handle(_handler(context), case.owner_org):
        return {"success": False, "msg": tk._("Only the managing units' admins and the IT "
                                              "Centre handle these cases")}
    return {"success": True}


@tk.auth_sysadmins_check
def molisa_mydata_sweep(context, data_dict):
    """The sweep command only (it calls with ignore_auth); not even a
    sysadmin over the API (a ``today`` in the future would escalate cases
    before their time)."""
    return {"success": False, "msg": tk._("Only the portal's sweep runs this")}


@tk.auth_allow_anonymous_access
def molisa_mydata_otp_request(context, data_dict):
    """Anyone may ask for a code: it only ever goes to the address the
    sector data holds, and the action throttles."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_mydata_otp_verify(context, data_dict):
    """Anyone may give a code back: only the right one opens a session."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_mydata_otp_end(context, data_dict):
    """Ending one's own session: it only touches the session of the caller's
    cookie."""
    return {"success": True}


def get_auth_functions() -> dict:
    return {**chained.auth_functions(),
            "molisa_mydata_accesses": molisa_mydata_accesses,
            "molisa_mydata_flag_create": molisa_mydata_flag_create,
            "molisa_mydata_case_list": molisa_mydata_case_list,
            "molisa_mydata_case_answer": molisa_mydata_case_answer,
            "molisa_mydata_sweep": molisa_mydata_sweep,
            "molisa_harvest_source_health": molisa_harvest_source_health,
            "molisa_harvest_source_run_now": molisa_harvest_source_run_now,
            "molisa_mydata_records": molisa_mydata_records,
            "molisa_mydata_otp_request": molisa_mydata_otp_request,
            "molisa_mydata_otp_verify": molisa_mydata_otp_verify,
            "molisa_mydata_otp_end": molisa_mydata_otp_end,
            "package_show": package_show,
            "harvest_job_show": harvest_job_show,
            "harvest_job_list": harvest_job_list,
            "harvest_object_show": harvest_object_show,
            "harvest_object_list": harvest_object_list,
            "harvest_log_list": harvest_log_list}
