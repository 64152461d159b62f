"""Parameter schemas of the sharing actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args

KINDS = ("special", "service")
REQUESTER_TYPES = ("state_agency", "organization", "individual")


@validator_args
def molisa_sharing_request_create(not_empty, ignore_missing, default, one_of, molisa_boolean,
                                  molisa_sharing_list, molisa_sharing_text, molisa_sharing_date,
                                  molisa_sharing_email, molisa_sharing_phone,
                                  molisa_sharing_security_level):
    text = [not_empty, molisa_sharing_text]
    return {
        "kind": [default("special"), one_of(list(KINDS))],
        "datasets": [not_empty, molisa_sharing_list, not_empty],
        "resources": [ignore_missing, molisa_sharing_list],
        "fields": [ignore_missing, molisa_sharing_list],
        "requester_type": [default("organization"), one_of(list(REQUESTER_TYPES))],
        "requester_organization": text,
        "user_name": text,
        "user_position": text,
        "user_email": [not_empty, molisa_sharing_email],
        "user_phone": [not_empty, molisa_sharing_phone],
        "purpose": text,
        "scope": text,
        "content": text,
        "period_start": [not_empty, molisa_sharing_date],
        "period_end": [not_empty, molisa_sharing_date],
        "legal_basis": text,
        "system_connection": [default(False), molisa_boolean],
        "security_level": [ignore_missing, molisa_sharing_security_level],
    }


@validator_args
def molisa_sharing_request_update(not_empty):
    schema = molisa_sharing_request_create()
    schema["id"] = [not_empty]
    return schema


@validator_args
def molisa_sharing_id(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def molisa_sharing_reason(not_empty, molisa_sharing_text):
    return {"id": [not_empty], "reason": [not_empty, molisa_sharing_text, not_empty]}


@validator_args
def molisa_sharing_optional_reason(not_empty, ignore_missing, molisa_sharing_text):
    return {"id": [not_empty], "reason": [ignore_missing, molisa_sharing_text]}


@validator_args
def molisa_sharing_request_approve(not_empty, ignore_missing, molisa_boolean,
                                   molisa_sharing_list, molisa_sharing_date, molisa_sharing_text,
                                   molisa_sharing_ip_list, molisa_sharing_positive_int):
    return {
        "id": [not_empty],
        "period_start": [ignore_missing, molisa_sharing_date],
        "period_end": [ignore_missing, molisa_sharing_date],
        "datasets": [ignore_missing, molisa_sharing_list],
        "resources": [ignore_missing, molisa_sharing_list],
        "fields": [ignore_missing, molisa_sharing_list],
        "rate_limit_per_minute": [ignore_missing, molisa_sharing_positive_int],
        "quota_per_day": [ignore_missing, molisa_sharing_positive_int],
        "allowed_ips": [ignore_missing, molisa_sharing_ip_list],
        "fee_exempt": [ignore_missing, molisa_boolean],
        "conditions": [ignore_missing, molisa_sharing_text],
        "reason": [ignore_missing, molisa_sharing_text],
    }


@validator_args
def molisa_sharing_request_list(ignore_missing, default, one_of, natural_number_validator,
                                molisa_boolean, limit_to_configured_maximum):
    return {
        "role": [default("mine"), one_of(["mine", "review", "all"])],
        "state": [ignore_missing, one_of(
            ["draft", "submitted", "changes_requested", "approved", "rejected"])],
        "kind": [ignore_missing, one_of(list(KINDS))],
        "overdue": [ignore_missing, molisa_boolean],
        "limit": [default(50), natural_number_validator,
                  limit_to_configured_maximum("ckanext.molisa_sharing.list_limit_max", 500)],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def molisa_sharing_grant_list(ignore_missing, default, one_of, natural_number_validator,
                              limit_to_configured_maximum):
    return {
        "role": [default("mine"), one_of(["mine", "review", "all"])],
        "state": [ignore_missing, one_of(["active", "suspended", "terminated", "expired"])],
        "limit": [default(50), natural_number_validator,
                  limit_to_configured_maximum("ckanext.molisa_sharing.list_limit_max", 500)],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def molisa_sharing_usage_report_request(not_empty, ignore_missing, molisa_sharing_text,
                                        molisa_sharing_date):
    return {"id": [not_empty], "question": [not_empty, molisa_sharing_text, not_empty],
            "due_date": [ignore_missing, molisa_sharing_date]}


@validator_args
def molisa_sharing_usage_report_submit(not_empty, molisa_sharing_text):
    return {"id": [not_empty], "answer": [not_empty, molisa_sharing_text, not_empty]}


@validator_args
def molisa_sharing_token_create(not_empty, ignore_missing, molisa_sharing_text):
    return {"id": [not_empty], "name": [ignore_missing, molisa_sharing_text]}


@validator_args
def molisa_sharing_inbound_create(not_empty, ignore_missing, molisa_sharing_text,
                                  molisa_sharing_email, molisa_sharing_phone, url_validator,
                                  unicode_safe, molisa_sharing_source_type):
    text = [not_empty, molisa_sharing_text]
    return {
        "owner_org": [not_empty, unicode_safe],
        "target": text,
        "source_system": text,
        "scope": text,
        "schedule": text,
        "frequency": text,
        "details": [ignore_missing, molisa_sharing_text],
        "contact_name": text,
        "contact_position": [ignore_missing, molisa_sharing_text],
        "contact_email": [not_empty, molisa_sharing_email],
        "contact_phone": [ignore_missing, molisa_sharing_phone],
        "source_url": [ignore_missing, molisa_sharing_text, url_validator],
        "source_type": [ignore_missing, molisa_sharing_source_type],
    }


@validator_args
def molisa_sharing_inbound_approve(not_empty, ignore_missing, unicode_safe, molisa_sharing_text):
    return {"id": [not_empty], "harvest_source_id": [ignore_missing, unicode_safe],
            "reason": [ignore_missing, molisa_sharing_text]}


@validator_args
def molisa_sharing_inbound_list(ignore_missing, default, one_of, natural_number_validator):
    return {
        "state": [ignore_missing, one_of(["submitted", "approved", "rejected"])],
        "limit": [default(50), natural_number_validator],
        "offset": [default(0), natural_number_validator],
    }
