"""Actions of the quality checks (``molisa_quality_*``, R6.2, R14.1, R9.2).
Each: check access, validate, act, return a dict."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa.logic import quality_schema as schema


def _validate(data_dict, sch, context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict or {}), sch, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def molisa_quality_sweep(context, data_dict):
    """Check every active dataset's resources: enqueued as background jobs
    (chunks of 50 datasets), or here and now with ``sync``
    (``ckan molisa quality-sweep``).

    :param sync: run the checks in this process (default false: enqueue)
    :type sync: bool
    :rtype: dictionary of counts
    """
    tk.check_access("molisa_quality_sweep", context, data_dict)
    data = _validate(data_dict, schema.molisa_quality_sweep(), context)
    from ckanext.molisa.quality import jobs
    return jobs.sweep(bool(data.get("sync")))


def get_actions() -> dict[str, Any]:
    return {"molisa_quality_sweep": molisa_quality_sweep}
