"""The demo sharing records of ``make run``: the action is a thin caller of
:mod:`ckanext.molisa_sharing.demo`, which holds the demo itself.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.molisa_sharing import demo

__all__ = ["molisa_sharing_demo_load"]


def molisa_sharing_demo_load(context, data_dict):
    """Demo requests, grants and a connection account (``make run``).
    Sysadmins only; idempotent.

    :returns: how many requests were made
    """
    tk.check_access("molisa_sharing_demo_load", context, data_dict)
    return demo.load(context)
