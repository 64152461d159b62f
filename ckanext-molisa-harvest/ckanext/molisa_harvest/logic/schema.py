"""Schemas of the molisa_harvest actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args

from ckanext.molisa.logic.odl_schema import molisa_odl_id
from ckanext.molisa.logic.report_schema import molisa_report_text


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


@validator_args
def mydata_flag_schema(not_empty, ignore_missing, molisa_harvest_entry_id):
    return {"access_id": [not_empty, molisa_harvest_entry_id],
            "note": [ignore_missing, molisa_report_text]}


@validator_args
def mydata_case_answer_schema(not_empty):
    return {"id": [not_empty, molisa_odl_id],
            "answer": [not_empty, molisa_report_text, not_empty]}


@validator_args
def mydata_sweep_schema(ignore_missing, isodate):
    return {"today": [ignore_missing, isodate]}
