"""The catalogue's facets: sector, unit, province, access level, format,
update frequency, licence (labels translated with ``tk._``)."""
from __future__ import annotations

from collections import OrderedDict

import ckan.plugins.toolkit as tk


def dataset_facets(facets_dict):
    """Replace CKAN's default facets with the portal's, in this order."""
    facets = OrderedDict()
    facets["sector"] = tk._("Sectors")
    facets["organization"] = tk._("Units")
    facets["province_current"] = tk._("Provinces")
    facets["access_level"] = tk._("Access levels")
    facets["res_format"] = tk._("Formats")
    facets["update_frequency"] = tk._("Update frequencies")
    facets["license_id"] = tk._("Licences")
    facets["tags"] = tk._("Keywords")
    facets_dict.clear()
    facets_dict.update(facets)
    return facets_dict


#: Facets whose values are codes from a code list, shown with their labels.
CODED_FACETS = {
    "sector": "sectors",
    "access_level": "access_levels",
    "update_frequency": "update_frequencies",
    "province_current": "provinces",
    "province": "provinces",
    "source_system": "source_systems",
}


def label_facets(search_results):
    """Give coded facet items their label in the user's language."""
    from ckanext.molisa.helpers import molisa_codelist_label
    for field, facet in (search_results.get("search_facets") or {}).items():
        codelist = CODED_FACETS.get(field)
        if not codelist:
            continue
        for item in facet.get("items", []):
            item["display_name"] = molisa_codelist_label(codelist, item["name"])
    return search_results
