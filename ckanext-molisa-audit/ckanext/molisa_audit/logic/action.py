"""Actions of ckanext-molisa-audit: write an event (for other plugins), read
the log, its statistics and incidents (R15.1, R20.5), verify and archive it
(R15.2). No action changes or deletes an event."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa_audit import archive, recorder, reports, verify
from ckanext.molisa_audit.logic import schema
from ckanext.molisa_audit.logic.auth import molisa_audit_scope

__all__ = [
    "molisa_audit_event_create",
    "molisa_audit_event_list",
    "molisa_audit_stats",
    "molisa_audit_incident_list",
    "molisa_audit_live",
    "molisa_audit_verify",
    "molisa_audit_archive",
]


def _validate(data_dict, schema_, context, until_defaults_to_now=False):
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    defaulted = until_defaults_to_now and not data.get("until")
    if defaulted:
        data["until"] = datetime.datetime.now(datetime.timezone.utc)
    if not defaulted and data.get("since") and data.get("until") and data["since"] >= data["until"]:
        raise tk.ValidationError({"until": [tk._("Must be later than since.")]})
    return data


_FLAGS = {"true": True, "yes": True, "on": True, "1": True,
          "false": False, "no": False, "off": False, "0": False}


def _flag(data_dict, key, errors):
    """A yes/no parameter; any other value is an error for that field (CKAN's
    ``asbool`` raises a bare ``ValueError``, which would be a 500)."""
    value = data_dict.get(key, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _FLAGS:
        return _FLAGS[value.strip().lower()]
    errors[key] = [tk._("Must be true or false")]
    return False


def molisa_audit_event_create(context, data_dict):
    """Write one event to the log (for plugins: harvest connections, sharing
    decisions). Needs ``ignore_auth`` in the context: no HTTP caller may write.

    :param channel: ``api``, ``web``, ``download``, ``harvest``, ``sharing`` or ``auth``
    :param action: what happened, e.g. ``harvest_gather`` or ``grant_suspend``
    :param actor, connection_account, client_addr: who (optional)
    :param datasets, resources, organizations: ids touched (lists, optional)
    :param status, error_class, error_message, duration_ms, bytes_sent, extra: outcome
    :returns: the event as written
    """
    tk.check_access("molisa_audit_event_create", context, data_dict)
    data = _validate(data_dict, schema.molisa_audit_event_create(), context)
    return recorder.record(data.pop("channel"), data.pop("action"), **data)


def _scope(context):
    scope = molisa_audit_scope(context)
    return None if scope is None else list(scope)


@tk.side_effect_free
def molisa_audit_event_list(context, data_dict):
    """Events, oldest first. Sysadmins see all; a unit's admins see the events
    that touch their unit's data.

    :param since, until: ISO 8601 (``until`` excluded; default now)
    :param actor, organization, dataset, channel, action: filters
    :param outcome: ``success``, ``error`` or an HTTP status
    :param limit: at most ``ckanext.molisa_audit.list_limit_max`` (default 100)
    :param offset: paging
    :returns: ``{"count": N, "results": [...]}``
    """
    tk.check_access("molisa_audit_event_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_audit_filters(), context, until_defaults_to_now=True)
    return reports.event_list(data, _scope(context))


@tk.side_effect_free
def molisa_audit_stats(context, data_dict):
    """Counts, error counts, bytes and duration percentiles between ``since``
    and ``until``, grouped by ``group_by``: ``day``, ``month``, ``channel``,
    ``organization``, ``dataset`` or ``actor``. Same filters as the list;
    ``until`` defaults to now."""
    tk.check_access("molisa_audit_stats", context, data_dict)
    data = _validate(data_dict, schema.molisa_audit_stats(), context, until_defaults_to_now=True)
    return reports.stats(data, _scope(context))


@tk.side_effect_free
def molisa_audit_incident_list(context, data_dict):
    """Failed connections and shares (errors and refusals), with their details.
    Same filters and paging as ``molisa_audit_event_list``."""
    tk.check_access("molisa_audit_incident_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_audit_filters(), context)
    return reports.incident_list(data, _scope(context))


@tk.side_effect_free
def molisa_audit_live(context, data_dict):
    """The operations centre's live counters (R10.2): events and errors per
    minute over the last ``minutes`` (default 60, at most 1440) and the most
    requested datasets."""
    tk.check_access("molisa_audit_live", context, data_dict)
    minutes = data_dict.get("minutes", 60)
    try:
        minutes = int(minutes)
        if not 1 <= minutes <= 1440:
            raise ValueError
    except (TypeError, ValueError):
        raise tk.ValidationError({"minutes": [tk._("A whole number from 1 to 1440.")]})
    return reports.live(_scope(context), minutes)


@tk.side_effect_free
def molisa_audit_verify(context, data_dict):
    """Check the hash chain, the signed checkpoints and the checkpoints
    anchored outside the database, and recompute the events' hashes:
    ``{"ok", "batches", "events", "head", "problems", "first_rewritten_batch", ...}``;
    each problem says what (``altered``, ``deleted``, ``inserted``,
    ``chain_broken``, ``rewritten``, ...) and where (batch, event id, position).

    :param full: recompute every event's hash (default: only the batches after
        the last signed checkpoint)
    :param jobs: database connections hashing in parallel
    """
    tk.check_access("molisa_audit_verify", context, data_dict)
    errors = {}
    full = _flag(data_dict, "full", errors)
    jobs = data_dict.get("jobs")
    if jobs is not None:
        try:
            jobs = int(jobs)
            if not 1 <= jobs <= 16:
                raise ValueError
        except (TypeError, ValueError):
            errors["jobs"] = [tk._("A whole number from 1 to 16.")]
    if errors:
        raise tk.ValidationError(errors)
    return verify.verify(full=full, jobs=jobs)


def molisa_audit_archive(context, data_dict):
    """Archive partitions older than the retention period (files with a
    checksum manifest, then drop). ``partition`` names one; a younger one is
    refused. ``dry_run`` lists what would go."""
    tk.check_access("molisa_audit_archive", context, data_dict)
    errors = {}
    dry_run = _flag(data_dict, "dry_run", errors)
    partition = data_dict.get("partition")
    if partition is not None and not isinstance(partition, str):
        errors["partition"] = [tk._("Must be a text")]
    if errors:
        raise tk.ValidationError(errors)
    return archive.archive(partition=partition, dry_run=dry_run)


def get_actions() -> dict[str, Any]:
    """The actions of this plugin, by name (``tk.blanket.actions``)."""
    return {name: globals()[name] for name in __all__}
