"""Who may take each step, and the steps nobody may take (R12.6, R18.1,
R18.3, R18.4, R17.1): every refusal leaves the stored rows as they were."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.molisa_sharing.model import Grant, Request
from ckanext.molisa.testing.factories import act, request_data


def _state(req_id: str) -> str:
    from ckan import model
    model.Session.expire_all()
    return Request.get(req_id).state


@pytest.mark.req("R18.1")
def test_nobody_decides_on_their_own_request_not_even_a_sysadmin(world):
    req = world.submitted(world.sysadmin)
    for action in ("molisa_sharing_request_approve", "molisa_sharing_request_reject",
                   "molisa_sharing_request_request_changes"):
        with pytest.raises(tk.NotAuthorized):
            act(world.sysadmin, action, id=req["id"], reason="Tự duyệt")
    # a unit admin applying for their own unit's data
    own = world.submitted(world.unit_admin)
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_sharing_request_approve", id=own["id"])
    assert _state(req["id"]) == _state(own["id"]) == "submitted"
    # another sysadmin-level reviewer may
    act(world.sysadmin, "molisa_sharing_request_approve", id=own["id"])
    assert _state(own["id"]) == "approved"


@pytest.mark.req("R18.1", "R18.4")
def test_only_the_owning_units_admins_and_sysadmins_decide(world):
    req = world.submitted(world.grantee)
    for who in (world.other_admin, world.unit_member, world.unit_editor, world.user, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_request_approve", id=req["id"])
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_request_reject", id=req["id"], reason="Không")
    assert _state(req["id"]) == "submitted"
    assert Request.get(req["id"]).grant_id is None


@pytest.mark.req("R12.6")
def test_a_draft_cannot_be_approved_and_a_submitted_request_cannot_be_changed(world):
    ds = world.datasets["special_request"]["id"]
    draft = act(world.grantee, "molisa_sharing_request_create", **request_data([ds]))
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_request_approve", id=draft["id"])
    assert "state" in err.value.error_dict
    act(world.grantee, "molisa_sharing_request_submit", id=draft["id"])
    with pytest.raises(tk.ValidationError) as err:
        act(world.grantee, "molisa_sharing_request_update", id=draft["id"],
            **request_data([ds], purpose="Mục đích khác"))
    assert "state" in err.value.error_dict
    with pytest.raises(tk.ValidationError):
        act(world.grantee, "molisa_sharing_request_submit", id=draft["id"])
    assert Request.get(draft["id"]).purpose == "Nghiên cứu chính sách trợ giúp xã hội"


@pytest.mark.req("R12.6")
def test_only_the_applicant_changes_submits_and_sees_the_request(world):
    ds = world.datasets["special_request"]["id"]
    draft = act(world.grantee, "molisa_sharing_request_create", **request_data([ds]))
    for who in (world.user, world.unit_admin, world.sysadmin, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_request_submit", id=draft["id"])
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_request_update", id=draft["id"], **request_data([ds]))
    assert _state(draft["id"]) == "draft"
    for who in (world.user, world.other_admin, world.unit_member, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_request_show", id=draft["id"])
    assert act(world.unit_admin, "molisa_sharing_request_show", id=draft["id"])["id"]
    with pytest.raises(tk.NotAuthorized):
        act(None, "molisa_sharing_request_create", **request_data([ds]))
    assert act(world.user, "molisa_sharing_request_list")["count"] == 0
    assert act(world.grantee, "molisa_sharing_request_list")["count"] == 1


@pytest.mark.req("R18.3")
def test_only_the_owning_units_admins_manage_a_grant(world):
    grant = world.grant(world.grantee)
    for who in (world.grantee, world.other_admin, world.unit_member, world.user, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_grant_suspend", id=grant["id"], reason="x")
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_grant_terminate", id=grant["id"], reason="x")
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_grant_request_usage_report", id=grant["id"],
                question="x")
    for who in (world.other_admin, world.unit_member, world.user, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_grant_show", id=grant["id"])
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_sharing_grant_token_create", id=grant["id"])
    assert Grant.get(grant["id"]).state == "active"
    assert act(world.unit_admin, "molisa_sharing_grant_show", id=grant["id"])["id"]
    assert act(world.grantee, "molisa_sharing_grant_list")["count"] == 1
    assert act(world.other_admin, "molisa_sharing_grant_list", role="review")["count"] == 0
    assert act(world.unit_admin, "molisa_sharing_grant_list", role="review")["count"] == 1


@pytest.mark.req("R18.2")
def test_nobody_answers_someone_elses_usage_report(world):
    grant = world.grant(world.grantee)
    world.grant(world.user)
    grant = act(world.unit_admin, "molisa_sharing_grant_request_usage_report", id=grant["id"],
                question="Báo cáo sử dụng")
    report_id = grant["usage_reports"][0]["id"]
    for ref in (report_id, grant["id"]):
        with pytest.raises(tk.NotAuthorized):
            act(world.user, "molisa_sharing_grant_submit_usage_report", id=ref, answer="Của tôi")
    shown = act(world.unit_admin, "molisa_sharing_grant_show", id=grant["id"])
    assert shown["usage_reports"][0]["answer"] is None


@pytest.mark.req("R12.4", "R13.1", "R13.2")
def test_periodic_duties_and_inbound_decisions_are_for_sysadmins(world):
    for who in (world.unit_admin, world.user, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_sharing_sweep")
    assert act(None, "molisa_sharing_register") == []
    assert isinstance(act(None, "molisa_sharing_service_list"), list)
    with pytest.raises(tk.NotAuthorized):
        act(None, "molisa_sharing_request_list")
    with pytest.raises(tk.NotAuthorized):
        act(world.user, "molisa_sharing_request_list", role="all")


@pytest.mark.req("R17.1")
def test_unknown_ids_are_not_found_for_everyone(world):
    for action, extra in (("molisa_sharing_request_show", {}),
                          ("molisa_sharing_request_submit", {}),
                          ("molisa_sharing_request_approve", {}),
                          ("molisa_sharing_request_reject", {"reason": "x"}),
                          ("molisa_sharing_grant_show", {}),
                          ("molisa_sharing_grant_suspend", {"reason": "x"}),
                          ("molisa_sharing_grant_token_create", {}),
                          ("molisa_sharing_grant_request_usage_report", {"question": "x"}),
                          ("molisa_sharing_grant_submit_usage_report", {"answer": "x"}),
                          ("molisa_sharing_inbound_show", {}),
                          ("molisa_sharing_inbound_approve", {})):
        for who in (world.sysadmin, world.user):
            with pytest.raises(tk.ObjectNotFound):
                act(who, action, id="khong-ton-tai", **extra)
