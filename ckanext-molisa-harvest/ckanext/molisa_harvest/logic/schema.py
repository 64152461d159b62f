"""Schemas of the molisa_harvest actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def source_health_schema(not_empty, unicode_safe, ignore_missing, is_positive_integer):
    return {"id": [not_empty, unicode_safe],
            "limit": [ignore_missing, is_positive_integer]}


@validator_args
def source_run_now_schema(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def mydata_otp_request_schema(not_empty, unicode_safe, molisa_harvest_personal_number):
    return {"pid": [not_empty, unicode_safe, molisa_harvest_personal_number]}


@validator_args
def mydata_otp_verify_schema(not_empty, unicode_safe, molisa_harvest_otp_code,
                             molisa_harvest_otp_challenge):
    return {"challenge": [not_empty, unicode_safe, molisa_harvest_otp_challenge],
            "code": [not_empty, unicode_safe, molisa_harvest_otp_code]}
