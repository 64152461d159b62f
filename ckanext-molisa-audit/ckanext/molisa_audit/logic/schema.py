"""Parameter schemas of the audit actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args

from ckanext.molisa_audit.recorder import CHANNELS

GROUP_BY = ("day", "month", "channel", "organization", "dataset", "actor")


@validator_args
def molisa_audit_filters(ignore_missing, molisa_audit_text, one_of, molisa_audit_iso_datetime,
                         molisa_audit_outcome, int_validator, natural_number_validator,
                         limit_to_configured_maximum, default):
    unicode_safe = molisa_audit_text
    return {
        "since": [ignore_missing, molisa_audit_iso_datetime],
        "until": [ignore_missing, molisa_audit_iso_datetime],
        "actor": [ignore_missing, unicode_safe],
        "organization": [ignore_missing, unicode_safe],
        "dataset": [ignore_missing, unicode_safe],
        "channel": [ignore_missing, one_of(list(CHANNELS))],
        "action": [ignore_missing, unicode_safe],
        "outcome": [ignore_missing, molisa_audit_outcome],
        "limit": [default(100), natural_number_validator,
                  limit_to_configured_maximum("ckanext.molisa_audit.list_limit_max", 1000)],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def molisa_audit_stats(not_missing, ignore_missing, one_of, molisa_audit_iso_datetime, default,
                       unicode_safe, molisa_audit_outcome):
    schema = molisa_audit_filters()
    schema.pop("limit")
    schema.pop("offset")
    schema.update({
        "since": [not_missing, molisa_audit_iso_datetime],
        "until": [ignore_missing, molisa_audit_iso_datetime],
        "group_by": [default("day"), one_of(list(GROUP_BY))],
    })
    return schema


@validator_args
def molisa_audit_event_create(not_empty, ignore_missing, one_of, unicode_safe, int_validator,
                              list_of_strings):
    return {
        "channel": [not_empty, one_of(list(CHANNELS))],
        "action": [not_empty, unicode_safe],
        "actor": [ignore_missing, unicode_safe],
        "connection_account": [ignore_missing, unicode_safe],
        "client_addr": [ignore_missing, unicode_safe],
        "datasets": [ignore_missing, list_of_strings],
        "resources": [ignore_missing, list_of_strings],
        "organizations": [ignore_missing, list_of_strings],
        "status": [ignore_missing, int_validator],
        "error_class": [ignore_missing, unicode_safe],
        "error_message": [ignore_missing, unicode_safe],
        "duration_ms": [ignore_missing],
        "bytes_sent": [ignore_missing, int_validator],
        "extra": [ignore_missing],
    }
