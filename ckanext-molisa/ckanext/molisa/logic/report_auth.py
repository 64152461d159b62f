"""Who may do what with reports of problems, decided here only. Deny by
default; sysadmins pass every auth function before it is called.

* Anyone, visitors too, may make a report.
* A report is read, and answered, by its reporter (a logged-in one), the
  admins of the unit that manages the dataset (WikiMolisa's moderators for
  community data: ``reports/routing.py``), and the IT Centre (the admins
  of ``ckanext.molisa.report.it_centre_unit``) and sysadmins. Nobody else,
  whatever the report's type: an outsider is told it does not exist.
* The managing unit and the IT Centre acknowledge and close reports and hide
  or restore a resource; the reporter does not.
* The statistics are public: only counts and medians per unit.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import units
from ckanext.molisa.model.report import Report


def user_of(context) -> Optional[model.User]:
    """The calling user; None for a visitor."""
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if isinstance(name, str) and name else None


def is_it_centre(user: Optional[model.User]) -> bool:
    if user is None:
        return False
    if user.sysadmin:
        return True
    unit = (tk.config.get("ckanext.molisa.report.it_centre_unit") or "").strip()
    if not unit:
        return False
    group = model.Group.get(unit)
    return group is not None and group.id in units.units_administered(user)


def is_unit_admin(user: Optional[model.User], owner_org: Optional[str]) -> bool:
    """The managing unit of ``owner_org``'s data: its admins, or WikiMolisa's
    moderators for community data (``reports/routing.py`` decides)."""
    from ckanext.molisa.reports import routing
    return routing.manages(user, owner_org)


def handles(user: Optional[model.User], report: Report) -> bool:
    """The managing unit (its admins; the moderators for community data) and
    the IT Centre handle a report."""
    return is_it_centre(user) or is_unit_admin(user, report.owner_org)


def may_read(user: Optional[model.User], report: Optional[Report]) -> bool:
    if report is None or user is None:
        return False
    return (report.reporter_id == user.id) or handles(user, report)


def role_of(user: Optional[model.User], report: Report) -> Optional[str]:
    """The role in which ``user`` writes in the report's thread."""
    if user is None:
        return None
    if is_unit_admin(user, report.owner_org):
        from ckanext.molisa.reports import routing
        return routing.unit_role(report.owner_org)
    if is_it_centre(user):
        return "it_centre"
    if report.reporter_id == user.id:
        return "reporter"
    return None


def may_hide(user: Optional[model.User], owner_org: Optional[str]) -> bool:
    return is_it_centre(user) or is_unit_admin(user, owner_org)


def _report(data_dict) -> Optional[Report]:
    value = data_dict.get("id") if isinstance(data_dict, dict) else None
    return Report.get(value) if isinstance(value, str) else None


def _refused():
    return {"success": False, "msg": tk._("You may not see this report.")}


@tk.auth_allow_anonymous_access
def molisa_report_create(context, data_dict):
    """Anyone may report a problem (visitors with an e-mail address)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_report_show(context, data_dict):
    if may_read(user_of(context), _report(data_dict)):
        return {"success": True}
    return _refused()


def molisa_report_reply(context, data_dict):
    if may_read(user_of(context), _report(data_dict)):
        return {"success": True}
    return _refused()


def molisa_report_list(context, data_dict):
    """Logged-in users: the list holds only the reports they may read."""
    if user_of(context) is not None:
        return {"success": True}
    return {"success": False, "msg": tk._("Log in to follow your reports.")}


def _handle(context, data_dict):
    report = _report(data_dict)
    user = user_of(context)
    if report is not None and handles(user, report):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the managing unit's admins and the IT Centre handle this report.")}


molisa_report_acknowledge = _handle
molisa_report_close = _handle


def _resource_unit(data_dict) -> Optional[str]:
    value = data_dict.get("resource_id") if isinstance(data_dict, dict) else None
    if not isinstance(value, str) or len(value) > 100:
        return None
    resource = model.Resource.get(value)
    if resource is None or resource.package is None:
        return None
    return resource.package.owner_org


def _hide(context, data_dict):
    if may_hide(user_of(context), _resource_unit(data_dict)):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the managing unit's admins and the IT Centre hide or restore a resource.")}


molisa_report_hide_resource = _hide
molisa_report_restore_resource = _hide


@tk.auth_allow_anonymous_access
def molisa_report_stats(context, data_dict):
    """Public: counts and medians per unit, no report named."""
    return {"success": True}


def molisa_report_sweep(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators run the sweep.")}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_show(next_auth, context, data_dict):
    """A resource hidden pending review is refused to whoever may not see it
    (its page, its download, the DataStore and its views all ask this)."""
    from ckanext.molisa.reports import hiding
    value = data_dict.get("id") if isinstance(data_dict, dict) else None
    if hiding.resource_hidden_from(context, value):
        return {"success": False, "msg": tk._(
            "This resource is hidden while a report of personal data exposed is reviewed.")}
    return next_auth(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    functions = {name: fn for name, fn in globals().items()
                 if name.startswith("molisa_report_") and callable(fn)}
    functions["resource_show"] = resource_show
    return functions
