"""Who may do what in WikiMolisa, decided here only (R14.3, R4.3). Deny by
default; sysadmins pass every auth function before it is called.

* Moderators: sysadmins, the IT Centre (``ckanext.molisa.report.it_centre_unit``)
  and the members of the units ``ckanext.molisa.wiki.moderator_units`` names.
* Any logged-in account may submit a community dataset, once its e-mail
  address is confirmed if it registered itself (``wiki/verification.py``).
* A submission the moderators returned with a request for changes is
  edited and sent again by its submitter (verified, as to submit) or a
  moderator; in no other state, by nobody else.
* A submission that is not published is seen by its submitter (its metadata
  and its own scan report) and the moderators only; anyone else is told it
  does not exist. A published one is seen by everyone.
* Anyone logged in registers a reuse of a dataset they may see that is open;
  it is public once a moderator publishes it.
* A quarantined file (the personal-data scan found something) is fetched by
  moderators only, whatever the dataset's state: :func:`visible_dataset`
  drops it from every view of the dataset (the kernel's one visibility
  function calls it), so CKAN's resource page and download refuse it too.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import units
from ckanext.molisa.logic.report_auth import is_it_centre, user_of
from ckanext.molisa.model.wiki import CHANGES_REQUESTED, PUBLISHED, Submission


def is_moderator(user: Optional[model.User]) -> bool:
    if user is None:
        return False
    if is_it_centre(user):
        return True
    names = tk.aslist(tk.config.get("ckanext.molisa.wiki.moderator_units"))
    if not names:
        return False
    mine = set(units.units_of(user))
    for name in names:
        group = model.Group.get(name)
        if group is not None and group.id in mine:
            return True
    return False


def may_see(user: Optional[model.User], submission: Optional[Submission]) -> bool:
    if submission is None:
        return False
    if submission.state == PUBLISHED:
        return True
    if user is None:
        return False
    return submission.submitter_id == user.id or is_moderator(user)


def submission_of(data_dict) -> Optional[Submission]:
    value = data_dict.get("id") if isinstance(data_dict, dict) else None
    if not isinstance(value, str) or not value:
        return None
    found = Submission.get(value)
    if found is None:
        found = model.Session.query(Submission).filter(
            Submission.package_id == value).first()
        if found is None:
            pkg = model.Package.get(value)
            if pkg is not None:
                found = model.Session.query(Submission).filter(
                    Submission.package_id == pkg.id).first()
    return found


def molisa_wiki_submit(context, data_dict):
    from ckanext.molisa.wiki.verification import is_unverified
    user = user_of(context)
    if user is None:
        return {"success": False, "msg": tk._("Log in to publish data in WikiMolisa.")}
    if is_unverified(user):
        return {"success": False, "msg": tk._(
            "Confirm your e-mail address first: open the link we sent you.")}
    return {"success": True}


def molisa_wiki_submission_update(context, data_dict):
    from ckanext.molisa.wiki.verification import is_unverified
    user = user_of(context)
    submission = submission_of(data_dict)
    if user is None or submission is None or not may_see(user, submission):
        return {"success": False, "msg": tk._("No such community dataset.")}
    moderator = is_moderator(user)
    if submission.submitter_id != user.id and not moderator:
        return {"success": False, "msg": tk._(
            "Only the submitter and the moderators edit a submission.")}
    if submission.state != CHANGES_REQUESTED:
        return {"success": False, "msg": tk._(
            "Only a submission the moderators returned for changes can be edited.")}
    if not moderator and is_unverified(user):
        return {"success": False, "msg": tk._(
            "Confirm your e-mail address first: open the link we sent you.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_wiki_verify(context, data_dict):
    """Anyone holding the signed link may confirm the address it names."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_wiki_show(context, data_dict):
    """Everyone may ask; the answer for what they may not see is "not found"
    (the action), so that an outsider cannot tell a hidden submission exists."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_wiki_list(context, data_dict):
    """Everyone sees the published list; ``mine`` needs an account and the
    moderation queue a moderator (checked by the action with the same rules)."""
    return {"success": True}


def molisa_wiki_queue(context, data_dict):
    if is_moderator(user_of(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only WikiMolisa's moderators see this page.")}


def molisa_wiki_moderate(context, data_dict):
    if is_moderator(user_of(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only WikiMolisa's moderators decide on submissions.")}


def molisa_wiki_file(context, data_dict):
    """A file of a submission: a quarantined one for moderators only."""
    user = user_of(context)
    submission = submission_of(data_dict)
    if submission is None or not may_see(user, submission):
        return {"success": False, "msg": tk._("No such community dataset.")}
    resource_id = data_dict.get("resource_id") if isinstance(data_dict, dict) else None
    if resource_id in (submission.quarantined or []) and not is_moderator(user):
        return {"success": False, "msg": tk._(
            "This file is quarantined: it holds personal data and only moderators may "
            "open it.")}
    return {"success": True}


def quarantined_ids(package_id: Any) -> list[str]:
    if not isinstance(package_id, str) or not package_id:
        return []
    row = model.Session.query(Submission.quarantined).filter(
        Submission.package_id == package_id).first()
    return list(row[0] or []) if row else []


def visible_dataset(context: dict, pkg_dict: dict) -> None:
    """Drop, in place, the quarantined files of a community dataset for
    everyone but moderators (and the portal's own processes)."""
    if pkg_dict.get("type") not in (None, "community"):
        return
    hidden = set(quarantined_ids(pkg_dict.get("id")))
    if not hidden or context.get("ignore_auth") or is_moderator(user_of(context)):
        return
    from ckanext.molisa.visibility import drop_resources
    drop_resources(pkg_dict, set(hidden))


def molisa_wiki_reuse_create(context, data_dict):
    """Anyone logged in registers a reuse (of a dataset they may see: the
    action checks it)."""
    if user_of(context) is None:
        return {"success": False, "msg": tk._("Log in to register a reuse.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_wiki_reuse_list(context, data_dict):
    """Published reuses are public; the queue is the moderators' (the action
    checks ``molisa_wiki_queue``)."""
    return {"success": True}


def molisa_wiki_reuse_moderate(context, data_dict):
    return molisa_wiki_moderate(context, data_dict)


def molisa_wiki_sweep(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators run the sweep.")}


def get_auth_functions() -> dict[str, Any]:
    return {
        "molisa_wiki_sweep": molisa_wiki_sweep,
        "molisa_wiki_submit": molisa_wiki_submit,
        "molisa_wiki_submission_update": molisa_wiki_submission_update,
        "molisa_wiki_show": molisa_wiki_show,
        "molisa_wiki_list": molisa_wiki_list,
        "molisa_wiki_queue": molisa_wiki_queue,
        "molisa_wiki_file": molisa_wiki_file,
        "molisa_wiki_moderate": molisa_wiki_moderate,
        "molisa_wiki_verify": molisa_wiki_verify,
        "molisa_wiki_reuse_create": molisa_wiki_reuse_create,
        "molisa_wiki_reuse_list": molisa_wiki_reuse_list,
        "molisa_wiki_reuse_moderate": molisa_wiki_reuse_moderate,
    }
