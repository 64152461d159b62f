"""The catalogue of data-sharing services (R12.4): the datasets shared by
default with state agencies, with their API endpoints and structure.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.molisa import access_levels

__all__ = ["molisa_sharing_service_list"]


@tk.side_effect_free
def molisa_sharing_service_list(context, data_dict):
    """The data-sharing services: datasets shared by default with state
    agencies, with their API endpoints and structure (R12.4).

    :returns: list of services
    """
    tk.check_access("molisa_sharing_service_list", context, data_dict)
    search = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"fq": "access_level:" + access_levels.DEFAULT_SHARED, "rows": 1000, "sort": "name asc"})
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    services = []
    for pkg in search["results"]:
        endpoints = []
        for res in pkg.get("resources") or []:
            fields = []
            if res.get("datastore_active"):
                try:
                    info = tk.get_action("datastore_info")({"ignore_auth": True},
                                                           {"id": res["id"]})
                    fields = [{"id": f["id"], "type": f.get("type")}
                              for f in info.get("fields") or []]
                except (tk.ObjectNotFound, tk.ValidationError):
                    fields = []
            endpoints.append({
                "resource_id": res["id"], "name": res.get("name"), "format": res.get("format"),
                "datastore_search": f"{site}/api/3/action/datastore_search?resource_id={res['id']}"
                if res.get("datastore_active") else None,
                "download": f"{site}/dataset/{pkg['id']}/resource/{res['id']}/download",
                "fields": fields, "columns": res.get("columns"),
            })
        services.append({"id": pkg["id"], "name": pkg["name"], "title": pkg.get("title"),
                         "title_en": pkg.get("title_en"), "owner_org": pkg.get("owner_org"),
                         "unit": (pkg.get("organization") or {}).get("title"),
                         "update_frequency": pkg.get("update_frequency"),
                         "endpoints": endpoints})
    return services
