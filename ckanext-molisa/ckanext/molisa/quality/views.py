"""The quality page of a unit (``/quality/unit/<unit>``): its datasets'
latest results as the reader may see them, and the trend over time. A thin
caller of ``molisa_quality_list``."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.molisa import contexts

molisa_quality = Blueprint("molisa_quality", __name__, url_prefix="/quality")


def unit(id: str):
    try:
        data = contexts.call_for_page("molisa_quality_list", {"owner_org": id},
                                      forbidden=tk._("Not authorized to see this page"),
                                      not_found=tk._("Unit not found"))
    except tk.ValidationError:
        return tk.abort(404, tk._("Unit not found"))
    return tk.render("molisa_quality/unit.html", data)


molisa_quality.add_url_rule("/unit/<id>", view_func=unit, endpoint="unit")
