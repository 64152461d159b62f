"""Parameter schemas of the identity actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args

CAPACITIES = ("member", "editor", "admin")


@validator_args
def molisa_identity_invitation_create(not_empty, one_of, unicode_safe, molisa_identity_pid,
                                      molisa_identity_text):
    return {
        "pid": [not_empty, molisa_identity_pid],
        "organization": [not_empty, unicode_safe, molisa_identity_text],
        "role": [not_empty, one_of(list(CAPACITIES))],
        "label": [not_empty, molisa_identity_text],
    }


@validator_args
def molisa_identity_code(not_empty, molisa_identity_code):
    return {"code": [not_empty, molisa_identity_code]}


@validator_args
def molisa_identity_user(not_empty, unicode_safe, molisa_identity_text):
    return {"user": [not_empty, unicode_safe, molisa_identity_text]}
