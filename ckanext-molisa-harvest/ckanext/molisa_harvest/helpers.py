"""Template helpers of ckanext-molisa-harvest."""
from __future__ import annotations

from ckanext.molisa.contexts import request_context

from . import mydata


def molisa_harvest_mydata_available() -> bool:
    """Whether the logged-in person's number was verified by the e-ID (the
    header's "My data" link)."""
    context = request_context()
    return bool(context.get("user")) and mydata.subject_for(context) is not None


def get_helpers() -> dict:
    return {"molisa_harvest_mydata_available": molisa_harvest_mydata_available}
