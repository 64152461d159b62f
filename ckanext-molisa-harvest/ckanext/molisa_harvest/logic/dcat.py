"""What the portal's own DCAT catalogue shows (R9.2, R4.3).

Open datasets appear with their data. A non-open dataset's download URLs
are already withheld from anyone without access (ckanext-molisa-sharing
blanks them in ``package_show``/``package_search``, which ckanext-dcat's
endpoints call). ``ckanext.molisa_harvest.dcat.restricted`` decides whether
such datasets still appear, as metadata (``metadata``, the default) or not at
all (``hide``): then the catalogue endpoints search only open datasets and a
non-open dataset's own DCAT document is not found, for every user.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import CONTENT_TYPES

from ckanext.molisa import access_levels

RESTRICTED_OPTION = "ckanext.molisa_harvest.dcat.restricted"
OPEN_ONLY = access_levels.search_filter(access_levels.OPEN)


#: the serialisations the DCAT endpoints answer in (those ckanext-dcat's
#: views have a content type for)
FORMATS = tuple(sorted(CONTENT_TYPES))


def _checked(data_dict: dict) -> dict:
    """A format that ckanext-dcat cannot write (``/catalog.json``) is the
    caller's mistake, not a server error."""
    fmt = data_dict.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise tk.ValidationError({"format": [
            tk._("Unknown format: use one of {formats}").format(formats=", ".join(FORMATS))]})
    return data_dict


def _hide() -> bool:
    return tk.config.get(RESTRICTED_OPTION) == "hide"


def _open_only(data_dict: dict) -> dict:
    fq = data_dict.get("fq")
    return dict(data_dict, fq=f"+{OPEN_ONLY} +({fq})" if fq else f"+{OPEN_ONLY}")


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(next_action, context, data_dict):
    _checked(data_dict)
    return next_action(context, _open_only(data_dict) if _hide() else data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(next_action, context, data_dict):
    _checked(data_dict)
    return next_action(context, _open_only(data_dict) if _hide() else data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_dataset_show(next_action, context, data_dict):
    _checked(data_dict)
    if _hide():
        dataset = tk.get_action("package_show")(dict(context), {"id": data_dict.get("id")})
        if dataset.get("access_level") != access_levels.OPEN:
            raise tk.ObjectNotFound(tk._("Dataset not found"))
    return next_action(context, data_dict)


def get_actions() -> dict:
    return {"dcat_catalog_show": dcat_catalog_show,
            "dcat_catalog_search": dcat_catalog_search,
            "dcat_dataset_show": dcat_dataset_show}
