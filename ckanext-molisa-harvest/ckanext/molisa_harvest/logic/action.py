"""``molisa_harvest_*`` actions: the health of a harvest source and running it
now. ``get_actions`` also returns the DCAT output actions of ``logic.dcat``."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.logic import HarvestJobExists, HarvestSourceInactiveError
from ckanext.harvest.model import HarvestJob, HarvestSource

from .. import accesses, cases, connections, health, indexing, mydata, otp, visibility
from . import chained, dcat, schema

HEALTH_JOBS_OPTION = "ckanext.molisa_harvest.health_jobs"
MAX_HEALTH_JOBS = 100


def _source(id_or_name: str) -> HarvestSource:
    package = model.Package.get(id_or_name)
    source = HarvestSource.get(package.id) if package is not None else None
    if source is None:
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    return source


@tk.side_effect_free
def molisa_harvest_source_health(context, data_dict):
    """The last runs of a harvest source, their counts and errors, and its
    next scheduled run.

    :param id: the id or name of the harvest source
    :type id: string
    :param limit: how many runs, newest first (default
        ``ckanext.molisa_harvest.health_jobs``, at most 100)
    :type limit: int
    :returns: ``source``, ``running``, ``next_run`` (ISO UTC or None) and
        ``jobs``: each with ``status``, ``created``, ``gather_started``,
        ``gather_finished``, ``finished``, ``stats`` (added, updated,
        not_modified, deleted, errored) and ``errors`` (stage, guid, message)
    :rtype: dictionary
    """
    source = _source(data_dict.get("id") or "")
    tk.check_access("molisa_harvest_source_health", context, {"id": source.id})
    data, errors = tk.navl_validate(dict(data_dict, id=source.id),
                                    schema.source_health_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    limit = min(data.get("limit") or tk.config.get(HEALTH_JOBS_OPTION), MAX_HEALTH_JOBS)
    return health.source_health(source, limit=limit)


def molisa_harvest_source_run_now(context, data_dict):
    """Creates a job for a harvest source and sends it to the gather queue.

    :param id: the id or name of the harvest source
    :type id: string
    :returns: the job: ``id``, ``status``, ``created``
    :rtype: dictionary
    """
    source = _source(data_dict.get("id") or "")
    tk.check_access("molisa_harvest_source_run_now", context, {"id": source.id})
    data, errors = tk.navl_validate(dict(data_dict, id=source.id),
                                    schema.source_run_now_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    job_context: dict[str, Any] = {"user": context.get("user"), "ignore_auth": True}
    try:
        job = tk.get_action("harvest_job_create")(job_context,
                                                  {"source_id": source.id, "run": True})
    except HarvestJobExists:
        raise tk.ValidationError({"id": [tk._("A run of this source is already waiting or "
                                              "running")]})
    except HarvestSourceInactiveError:
        raise tk.ValidationError({"id": [tk._("This harvest source is not active")]})
    connections.record("run_now", source, requested_by=context.get("user"), job_id=job["id"])
    return {"id": job["id"], "status": job["status"], "created": job["created"]}


@tk.chained_action
def harvest_jobs_run(original_action, context, data_dict):
    """ckanext-harvest's ``harvest_jobs_run``; when it marks a job finished,
    the datasets the fetch consumers indexed without a commit are committed
    (searchable at once rather than at Solr's next soft commit)."""
    running = _running_jobs(data_dict.get("source_id"))
    result = original_action(context, data_dict)
    if running - _running_jobs(data_dict.get("source_id")):
        indexing.commit()
    return result


def _running_jobs(source_id: str | None) -> set[str]:
    query = model.Session.query(HarvestJob.id).filter(HarvestJob.status == "Running")
    if source_id:
        query = query.filter(HarvestJob.source_id == source_id)
    return {row.id for row in query}


@tk.chained_action
@tk.side_effect_free
def harvest_source_list(original_action, context, data_dict):
    """The harvest sources the user may see (:mod:`..visibility`): every
    public one, and those of the units they administer; configurations and
    credentials only for those admins. (ckanext-harvest's own list gives
    everything to anonymous callers and nothing to logged-in ones who are
    not sysadmins: it filters by its obsolete "publisher" groups.)"""
    # ckanext-harvest's action never asks its own auth function (everyone may)
    tk.check_access("harvest_source_list", context, data_dict)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    every = original_action(dict(context, user=site_user["name"], auth_user_obj=None),
                            data_dict)
    shown = []
    for source in every:
        package = model.Package.get(source.get("id") or "")
        if package is None or not visibility.may_see_source(context, package):
            continue
        shown.append(visibility.visible_source(context, dict(source,
                                                             owner_org=package.owner_org)))
    return shown


@tk.chained_action
@tk.side_effect_free
def harvest_source_show(original_action, context, data_dict):
    """ckanext-harvest's ``harvest_source_show``; a lookup by URL of a source
    the user may not see answers "not found", like a URL that no source has
    (a refusal would confirm the address)."""
    if not data_dict.get("id") and not data_dict.get("url"):
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    if data_dict.get("url") and not data_dict.get("id"):
        found = model.Session.query(HarvestSource.id).filter_by(url=data_dict["url"]).first()
        if found is None:
            raise tk.ObjectNotFound(tk._("Harvest source not found"))
        try:
            tk.check_access("harvest_source_show", context, {"id": found.id})
        except tk.NotAuthorized:
            raise tk.ObjectNotFound(tk._("Harvest source not found"))
        data_dict = dict(data_dict, id=found.id)
    else:
        # ckanext-harvest's action leaves its auth to package_show's
        tk.check_access("harvest_source_show", context, data_dict)
    return original_action(context, data_dict)


@tk.side_effect_free
def molisa_mydata_records(context, data_dict):
    """Every row of the sector data about the logged-in person, in every
    dataset whatever its access level (their own data, R17.2, R18.5): who
    they are comes only from the personal identification number verified for
    their account (the e-ID), never from a parameter; any parameter is
    ignored.

    :returns: ``count`` (rows) and ``datasets``: each with ``dataset`` (``id``,
        ``name``, ``title``, ``title_en``), ``unit`` (``name``, ``title``,
        ``title_en``), ``last_update`` (ISO date), ``resource_id``, ``fields``
        and ``records``
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_records", context, data_dict)
    subject = mydata.subject_for(context)
    if subject is None:   # the auth function already said no; never run without one
        raise tk.NotAuthorized(tk._("Log in with the e-ID to see your data"))
    return mydata.records_for(subject)


@tk.side_effect_free
def molisa_mydata_accesses(context, data_dict):
    """Who used my data: the reads of the logged-in person's rows by others
    (a grantee, a default-sharing service, the managing unit, the IT Centre),
    newest first, for the person whose number is verified (the e-ID or a
    one-time-password session), never from a parameter; any parameter is
    ignored. The official who read is never named: the event (the request id
    of the audit event) leads the unit and the IT Centre to the full event.

    :returns: ``accesses``: each with ``date`` (ISO), ``dataset`` (``name``,
        ``title``), ``organization``, ``unit`` (the managing unit: ``name``,
        ``title``), ``basis`` (``grant``, ``service``, ``unit``, ``it_centre``
        or ``open``), ``purpose``, ``legal_basis``, ``rows`` and ``event``
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_accesses", context, data_dict)
    subject = mydata.subject_for(context)
    if subject is None:
        raise tk.NotAuthorized(tk._("Log in with the e-ID to see your data"))
    return {"accesses": accesses.accesses_of(subject)}


def molisa_mydata_flag_create(context, data_dict):
    """"I don't recognise this": the logged-in person flags one entry of their
    "who used my data" list; a case opens for the unit that manages the
    dataset (due in 2 working days), which is told by mail.

    :param access_id: the entry's ``id`` (from ``molisa_mydata_accesses``)
    :type access_id: int
    :param note: what the person wants to say (optional)
    :type note: string
    :returns: the case: ``id``, ``state`` (``open``), ``created``, ``due``
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_flag_create", context, data_dict)
    subject = mydata.subject_for(context)
    if subject is None:
        raise tk.NotAuthorized(tk._("Log in with the e-ID to see your data"))
    data, errors = tk.navl_validate(data_dict, schema.mydata_flag_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    return cases.open_case(subject, data["access_id"], data.get("note"))


@tk.side_effect_free
def molisa_mydata_case_list(context, data_dict):
    """The cases opened by people's flags that the caller handles: the
    admins of the managing units (theirs), the IT Centre (all).

    :returns: ``cases``: each with ``id``, ``state``, ``created``, ``due``,
        ``note``, ``answer``, ``dataset``, ``event`` (the audit event's
        request id), ``escalated``
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_case_list", context, data_dict)
    return {"cases": cases.for_handler(model.User.get(context["user"]))}


def molisa_mydata_case_answer(context, data_dict):
    """The managing unit (or the IT Centre) answers a case; the person sees
    the answer beside the entry.

    :param id: the case
    :type id: string
    :param answer: the answer
    :type answer: string
    :rtype: dictionary (the case)
    """
    data, errors = tk.navl_validate(data_dict, schema.mydata_case_answer_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("molisa_mydata_case_answer", context, data)
    return cases.answer(data["id"], model.User.get(context["user"]), data["answer"])


def molisa_mydata_sweep(context, data_dict):
    """Cases past their due date without an answer go to the IT Centre, once
    each (``ckan molisa-harvest mydata-sweep``).

    :param today: the day to sweep for (ISO date; default today)
    :returns: ``escalations``
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_sweep", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.mydata_sweep_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    today = data.get("today")
    return cases.sweep(today.date() if today else datetime.date.today())


def _client_ip() -> str | None:
    from flask import has_request_context
    return tk.request.remote_addr if has_request_context() else None


def _throttled() -> tk.ValidationError:
    return tk.ValidationError({"pid": [tk._(
        "Too many requests: wait a few minutes and try again.")]})


def molisa_mydata_otp_request(context, data_dict):
    """Sends a one-time password for "My data" to the e-mail address that the
    sector data holds for a personal identification number (never an address
    given here). The answer is the same whether or not the number is known:
    for an unknown one no mail leaves and the masked address is a decoy.
    Throttled per number and per client address.

    :param pid: the 12 digits of the personal identification number
    :type pid: string
    :returns: ``challenge`` (to give back with the code), ``sent_to`` (the
        address in masked form, ``n***@example.vn``) and ``expires_in``
        (seconds)
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_otp_request", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.mydata_otp_request_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    try:
        return otp.request_code(data["pid"], _client_ip())
    except otp.Throttled:
        raise _throttled()


def molisa_mydata_otp_verify(context, data_dict):
    """Checks a one-time password of "My data" and opens a short session in
    which the person sees their records (``molisa_mydata_records`` through
    the page, whose cookie holds the session). A code works once; a wrong,
    reused or expired code gets the same refusal.

    :param challenge: the ``challenge`` of ``molisa_mydata_otp_request``
    :type challenge: string
    :param code: the 6 digits mailed
    :type code: string
    :returns: ``session`` (the session's token) and ``expires_in`` (seconds)
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_otp_verify", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.mydata_otp_verify_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    try:
        session = otp.verify_code(data["challenge"], data["code"], _client_ip())
    except otp.Throttled:
        raise tk.ValidationError({"code": [tk._(
            "Too many requests: wait a few minutes and try again.")]})
    if session is None:
        raise tk.ValidationError({"code": [tk._(
            "This code is wrong, already used or expired: check it, or ask for a new one.")]})
    return session


def molisa_mydata_otp_end(context, data_dict):
    """Ends the one-time-password session of "My data" that the page's cookie
    names (nothing for any other caller).

    :returns: ``ended`` (whether there was a live session)
    :rtype: dictionary
    """
    tk.check_access("molisa_mydata_otp_end", context, data_dict)
    token = context.get(mydata.OTP_SESSION)
    live = otp.session_subject(token) is not None
    otp.end_session(token)
    return {"ended": live}


def get_actions() -> dict:
    actions = dict(dcat.get_actions())
    actions.update(chained.actions())
    actions.update({"molisa_harvest_source_health": molisa_harvest_source_health,
                    "molisa_harvest_source_run_now": molisa_harvest_source_run_now,
                    "molisa_mydata_records": molisa_mydata_records,
                    "molisa_mydata_accesses": molisa_mydata_accesses,
                    "molisa_mydata_flag_create": molisa_mydata_flag_create,
                    "molisa_mydata_case_list": molisa_mydata_case_list,
                    "molisa_mydata_case_answer": molisa_mydata_case_answer,
                    "molisa_mydata_sweep": molisa_mydata_sweep,
                    "molisa_mydata_otp_request": molisa_mydata_otp_request,
                    "molisa_mydata_otp_verify": molisa_mydata_otp_verify,
                    "molisa_mydata_otp_end": molisa_mydata_otp_end,
                    "harvest_jobs_run": harvest_jobs_run,
                    "harvest_source_list": harvest_source_list,
                    "harvest_source_show": harvest_source_show})
    return actions
