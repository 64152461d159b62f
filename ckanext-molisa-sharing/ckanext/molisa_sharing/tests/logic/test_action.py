"""The request/grant lifecycle, step by step: each transition changes the
state, writes an audit event and mails the people concerned (R12.4-R12.7,
R13, R17.3, R17.4, R18.1-R18.3, R20.2, R21.2b)."""
from __future__ import annotations

import datetime
import time

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa_sharing import deadlines
from ckanext.molisa_sharing.model import Grant, Request, UsageReport
from ckanext.molisa.testing.factories import act, pdf_upload, period, request_data

SITE = "Cổng dữ liệu Bộ Lao động - Thương binh và Xã hội"
APPLICANT_CONTACT = "dung.le@ilssa.example.vn"
REVIEWER = "admin.btxh@molisa.example.vn"


def sharing_events(audit, **filters) -> list[dict]:
    return audit.events(channel="sharing", **filters)


def _ts(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def _subjects(mailbox, address: str) -> list[str]:
    return [m["Subject"] for m in mailbox.to(address)]


def _actions(audit) -> list[str]:
    return [e["action"] for e in sharing_events(audit)]


def _vietnamese(subject: str, ref: str) -> bool:
    """A subject of the portal, about ``ref``, in the default language (not
    the English source text)."""
    english = ("was received", "to review", "was approved", "was refused", "Changes requested",
               "is suspended", "active again", "was terminated", "has expired", "usage report",
               "is overdue", "connection account", "Usage report received")
    return (subject.startswith(f"[{SITE}]") and ref in subject
            and not any(e in subject for e in english))


def _datastore(user, resource_id, **kw):
    return act(user, "datastore_search", resource_id=resource_id, **kw)


# -- applying and deciding -----------------------------------------------------------

@pytest.mark.req("R12.6", "R17.3")
def test_create_and_submit_write_the_log_and_tell_applicant_and_reviewers(
        world, audit, mailbox, with_request_context):
    ds = world.datasets["special_request"]
    req = act(world.grantee, "molisa_sharing_request_create", **request_data([ds["id"]]))
    assert req["state"] == "draft" and req["datasets"] == [ds["id"]]
    assert req["user_email"] == APPLICANT_CONTACT and req["purpose"]
    assert mailbox.messages == []  # a draft tells nobody

    req = act(world.grantee, "molisa_sharing_request_submit", id=req["id"])
    assert req["state"] == "submitted"
    assert _ts(req["due_at"]) == deadlines.add_working_days(_ts(req["submitted_at"]), 2)
    assert not req["overdue"]

    mailbox.wait_for(3)
    ref = req["id"][:8]
    for address in (world.grantee["email"], APPLICANT_CONTACT, REVIEWER):
        [subject] = _subjects(mailbox, address)
        assert _vietnamese(subject, ref), subject
    assert _subjects(mailbox, world.grantee["email"]) != _subjects(mailbox, REVIEWER)
    assert mailbox.to(world.other_admin["email"]) == []

    events = sharing_events(audit)
    assert [e["action"] for e in events] == ["request_create", "request_submit"]
    assert all(e["actor"] == world.grantee["name"] for e in events)
    assert all(ds["id"] in e["datasets"] for e in events)
    assert events[1]["extra"]["request_id"] == req["id"]


@pytest.mark.req("R12.6", "R18.1")
def test_changes_requested_then_updated_and_submitted_again(world, audit, mailbox):
    req = world.submitted(world.grantee)
    mailbox.clear()
    req = act(world.unit_admin, "molisa_sharing_request_request_changes", id=req["id"],
              reason="Nêu rõ phạm vi dữ liệu theo tỉnh")
    assert req["state"] == "changes_requested"
    [msg] = mailbox.to(world.grantee["email"])
    assert "Nêu rõ phạm vi dữ liệu theo tỉnh" in msg.get_content()

    changed = request_data([world.datasets["special_request"]["id"]],
                           scope="Số đối tượng của 63 tỉnh")
    req = act(world.grantee, "molisa_sharing_request_update", id=req["id"], **changed)
    assert req["state"] == "changes_requested" and req["scope"] == "Số đối tượng của 63 tỉnh"
    req = act(world.grantee, "molisa_sharing_request_submit", id=req["id"])
    assert req["state"] == "submitted"
    assert [h["state"] for h in req["history"]] == [
        "draft", "submitted", "changes_requested", "submitted"]
    assert _actions(audit) == ["request_create", "request_submit", "request_changes",
                               "request_update", "request_submit"]


@pytest.mark.req("R18.1")
def test_reject_needs_a_reason_and_is_final(world, audit, mailbox):
    req = world.submitted(world.grantee)
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_request_reject", id=req["id"])
    assert "reason" in err.value.error_dict
    with pytest.raises(tk.ValidationError):
        act(world.unit_admin, "molisa_sharing_request_reject", id=req["id"], reason="   ")
    assert act(world.grantee, "molisa_sharing_request_show", id=req["id"])["state"] == "submitted"
    mailbox.clear()

    req = act(world.unit_admin, "molisa_sharing_request_reject", id=req["id"],
              reason="Mục đích không phù hợp quy định")
    assert req["state"] == "rejected" and req["decision_reason"] == "Mục đích không phù hợp quy định"
    assert req["decided_by"] == world.unit_admin["id"]
    [msg] = mailbox.to(world.grantee["email"])
    assert "Mục đích không phù hợp quy định" in msg.get_content()
    assert mailbox.to(APPLICANT_CONTACT)

    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"])
    assert "state" in err.value.error_dict
    assert Request.get(req["id"]).grant_id is None
    assert _actions(audit)[-1] == "request_reject"
    with pytest.raises(tk.NotAuthorized):
        _datastore(world.grantee, world.resources["special_request"]["id"])


@pytest.mark.req("R12.6", "R17.4")
def test_approval_creates_the_grant_with_its_fee(world, audit, mailbox):
    req = world.submitted(world.grantee)
    mailbox.clear()
    req = act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"],
              conditions="Không chuyển cho bên thứ ba")
    assert req["state"] == "approved" and req["grant_id"]
    grant = act(world.grantee, "molisa_sharing_grant_show", id=req["grant_id"])
    assert grant["state"] == grant["effective_state"] == "active"
    assert grant["holder_id"] == world.grantee["id"]
    assert grant["fee_amount"] == 500000 and grant["fee_exempt"] is False
    assert grant["conditions"] == "Không chuyển cho bên thứ ba"
    [msg] = mailbox.to(world.grantee["email"])
    assert _vietnamese(msg["Subject"], req["id"][:8]) or req["id"][:8] in msg["Subject"]
    assert req["grant_id"] in msg.get_content()
    events = sharing_events(audit, action="request_approve")
    assert len(events) == 1 and events[0]["extra"]["grant_id"] == grant["id"]
    assert events[0]["actor"] == world.unit_admin["name"]


@pytest.mark.req("R17.4")
def test_state_agencies_are_exempt_from_the_fee_by_default(world):
    req = world.submitted(world.agency_applicant, requester_type="state_agency",
                          requester_organization="Bảo hiểm xã hội Việt Nam")
    req = act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"])
    grant = act(world.sysadmin, "molisa_sharing_grant_show", id=req["grant_id"])
    assert grant["fee_amount"] == 0 and grant["fee_exempt"] is True

    req = world.submitted(world.grantee, requester_type="state_agency",
                          requester_organization="Sở Lao động - Thương binh và Xã hội Huế")
    req = act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"],
              fee_exempt=False)
    grant = act(world.sysadmin, "molisa_sharing_grant_show", id=req["grant_id"])
    assert grant["fee_amount"] == 500000 and grant["fee_exempt"] is False


# -- approval narrows ------------------------------------------------------------------

@pytest.mark.req("R12.5")
def test_approval_may_shorten_the_period_but_not_extend_it(world):
    start, end = period(0, 180)
    req = world.submitted(world.grantee)
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"],
            period_end=(datetime.date.fromisoformat(end) + datetime.timedelta(days=1)).isoformat())
    assert "period_end" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"],
            period_start=(datetime.date.fromisoformat(start) - datetime.timedelta(days=1)).isoformat())
    assert "period_start" in err.value.error_dict
    assert act(world.grantee, "molisa_sharing_request_show", id=req["id"])["state"] == "submitted"
    short = period(0, 30)[1]
    req = act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"], period_end=short)
    grant = act(world.grantee, "molisa_sharing_grant_show", id=req["grant_id"])
    assert grant["period_end"] == short and grant["period_start"] == start


@pytest.mark.req("R12.5", "R21.2b")
def test_approval_may_grant_fewer_datasets_never_others(world):
    wanted = [world.datasets["special_request"]["id"], world.datasets["default_shared"]["id"]]
    req = act(world.grantee, "molisa_sharing_request_create", **request_data(wanted))
    act(world.grantee, "molisa_sharing_request_submit", id=req["id"])
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"],
            datasets=[world.datasets["internal"]["id"]])
    assert "datasets" in err.value.error_dict
    req = act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"],
              datasets=[world.datasets["default_shared"]["name"]])
    grant = act(world.grantee, "molisa_sharing_grant_show", id=req["grant_id"])
    assert grant["datasets"] == [world.datasets["default_shared"]["id"]]
    assert _datastore(world.grantee, world.resources["default_shared"]["id"])["total"] == 2
    with pytest.raises(tk.NotAuthorized):
        _datastore(world.grantee, world.resources["special_request"]["id"])


@pytest.mark.req("R12.5", "R21.2b")
@pytest.mark.ckan_config("ckan.datastore.sqlsearch.enabled", True)
def test_a_grant_of_some_fields_returns_those_fields_and_refuses_the_file(world, app):
    world.grant(world.grantee, fields=["tinh", "so_nguoi"])
    rid = world.resources["special_request"]["id"]
    result = _datastore(world.grantee, rid)
    assert {f["id"] for f in result["fields"]} <= {"_id", "tinh", "so_nguoi"}
    assert all("ho_ten" not in r for r in result["records"]) and result["total"] == 2
    result = _datastore(world.grantee, rid, fields=["ho_ten", "tinh"])
    assert [f["id"] for f in result["fields"]] == ["tinh"]
    with pytest.raises(tk.NotAuthorized):  # SQL could read any column
        act(world.grantee, "datastore_search_sql", sql=f'SELECT ho_ten FROM "{rid}"')
    headers = {"Authorization": world.grantee["token"]}
    resp = app.get(f"/dataset/{world.datasets['special_request']['id']}/resource/{rid}/download",
                   headers=headers)
    assert resp.status_code == 403 and b"Nguyen Van A" not in resp.data
    assert "datastore_search" in resp.get_data(as_text=True)
    resp = app.get(f"/datastore/dump/{rid}", headers=headers)
    assert resp.status_code == 200
    assert b"ha-noi" in resp.data and b"Nguyen Van A" not in resp.data


@pytest.mark.req("R12.5")
def test_rate_limit_refuses_the_request_after_the_limit(world):
    world.grant(world.grantee, rate_limit_per_minute=3)
    rid = world.resources["special_request"]["id"]
    if datetime.datetime.now().second > 50:  # keep the four calls in one minute
        time.sleep(61 - datetime.datetime.now().second)
    for _ in range(3):
        assert _datastore(world.grantee, rid)["total"] == 2
    with pytest.raises(tk.NotAuthorized) as err:
        _datastore(world.grantee, rid)
    assert "3" in str(err.value)


@pytest.mark.req("R12.5")
def test_daily_quota_refuses_the_request_after_the_quota(world):
    world.grant(world.grantee, quota_per_day=2)
    rid = world.resources["special_request"]["id"]
    _datastore(world.grantee, rid)
    _datastore(world.grantee, rid)
    with pytest.raises(tk.NotAuthorized):
        _datastore(world.grantee, rid)
    # metadata is not data: it does not count, and is still shown
    assert act(world.grantee, "package_show", id=world.datasets["special_request"]["id"])


@pytest.mark.req("R12.5", "R12.7")
def test_allowed_addresses_refuse_other_clients(world, app):
    world.grant(world.grantee, allowed_ips="10.0.0.0/8")
    rid = world.resources["special_request"]["id"]
    url = "/api/3/action/datastore_search"
    headers = {"Authorization": world.grantee["token"]}
    resp = app.post(url, json={"resource_id": rid}, headers=headers)  # from 127.0.0.1
    assert resp.status_code == 403
    assert "127.0.0.1" in resp.json["error"]["message"]
    resp = app.post(url, json={"resource_id": rid}, headers=headers,
                    environ_base={"REMOTE_ADDR": "10.20.30.40"})
    assert resp.status_code == 200 and resp.json["result"]["total"] == 2
    with pytest.raises(tk.ValidationError) as err:
        world.grant(world.grantee, allowed_ips="10.0.0.0/33")
    assert "allowed_ips" in err.value.error_dict


# -- the grant's life ------------------------------------------------------------------

@pytest.mark.req("R18.3")
def test_suspend_reinstate_terminate(world, audit, mailbox, app):
    grant = world.grant(world.grantee)
    rid = world.resources["special_request"]["id"]
    token = act(world.grantee, "molisa_sharing_grant_token_create", id=grant["id"],
                name="He thong ILSSA")
    headers = {"Authorization": token["token"]}

    def over_http():
        return app.post("/api/3/action/datastore_search", json={"resource_id": rid},
                        headers=headers)

    assert over_http().status_code == 200
    mailbox.clear()
    act(world.unit_admin, "molisa_sharing_grant_suspend", id=grant["id"],
        reason="Nghi ngờ chia sẻ cho bên thứ ba")
    with pytest.raises(tk.NotAuthorized) as err:
        _datastore(world.grantee, rid)
    assert "Nghi ngờ chia sẻ cho bên thứ ba" in str(err.value)
    resp = over_http()
    assert resp.status_code == 403
    assert "Nghi ngờ chia sẻ cho bên thứ ba" in resp.json["error"]["message"]
    [msg] = mailbox.to(world.grantee["email"])
    assert "Nghi ngờ chia sẻ cho bên thứ ba" in msg.get_content()
    with pytest.raises(tk.ValidationError):  # suspending twice
        act(world.unit_admin, "molisa_sharing_grant_suspend", id=grant["id"], reason="x")

    act(world.unit_admin, "molisa_sharing_grant_reinstate", id=grant["id"])
    assert _datastore(world.grantee, rid)["total"] == 2
    assert over_http().status_code == 200

    act(world.unit_admin, "molisa_sharing_grant_terminate", id=grant["id"],
        reason="Vi phạm điều kiện sử dụng")
    with pytest.raises(tk.NotAuthorized) as err:
        _datastore(world.grantee, rid)
    assert "Vi phạm điều kiện sử dụng" in str(err.value)
    assert model.ApiToken.get(token["id"]) is None  # revoked
    assert over_http().status_code == 403
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_grant_reinstate", id=grant["id"])
    assert "state" in err.value.error_dict
    assert Grant.get(grant["id"]).state == "terminated"
    with pytest.raises(tk.ValidationError):
        act(world.grantee, "molisa_sharing_grant_token_create", id=grant["id"])
    actions = _actions(audit)
    for step in ("grant_token_create", "grant_suspended", "grant_reinstated",
                 "grant_terminated"):
        assert step in actions
    assert len(mailbox.to(world.grantee["email"])) == 3


@pytest.mark.req("R18.3")
def test_an_expired_grant_cannot_be_reinstated(world):
    grant = world.grant(world.grantee)
    act(world.unit_admin, "molisa_sharing_grant_suspend", id=grant["id"], reason="Kiểm tra")
    today = datetime.date.today()
    world.set_grant(grant["id"], period_start=today - datetime.timedelta(days=10),
                    period_end=today - datetime.timedelta(days=1))
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_sharing_grant_reinstate", id=grant["id"])
    assert "state" in err.value.error_dict
    assert Grant.get(grant["id"]).state == "suspended"


@pytest.mark.req("R18.2")
def test_usage_report_asked_and_answered(world, audit, mailbox):
    grant = world.grant(world.grantee)
    mailbox.clear()
    grant = act(world.unit_admin, "molisa_sharing_grant_request_usage_report", id=grant["id"],
                question="Báo cáo việc sử dụng dữ liệu quý III")
    [report] = grant["usage_reports"]
    assert report["answer"] is None and not report["overdue"]
    [msg] = mailbox.to(world.grantee["email"])
    assert "Báo cáo việc sử dụng dữ liệu quý III" in msg.get_content()

    with pytest.raises(tk.NotAuthorized):
        act(world.user, "molisa_sharing_grant_submit_usage_report", id=report["id"],
            answer="Không")
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_sharing_grant_submit_usage_report", id=report["id"],
            answer="Thay mặt")
    with pytest.raises(tk.ValidationError) as err:
        act(world.grantee, "molisa_sharing_grant_submit_usage_report", id=report["id"])
    assert "answer" in err.value.error_dict
    mailbox.clear()
    grant = act(world.grantee, "molisa_sharing_grant_submit_usage_report", id=report["id"],
                answer="Dùng cho báo cáo nghiên cứu, không chia sẻ")
    assert grant["usage_reports"][0]["answer"] == "Dùng cho báo cáo nghiên cứu, không chia sẻ"
    assert mailbox.to(REVIEWER)
    with pytest.raises(tk.ValidationError):
        act(world.grantee, "molisa_sharing_grant_submit_usage_report", id=report["id"],
            answer="Lần nữa")
    assert _actions(audit)[-2:] == ["usage_report_request", "usage_report_submit"]


# -- deadlines and the sweep -------------------------------------------------------------

@pytest.mark.req("R12.4", "R12.6")
def test_overdue_requests_are_listed_for_their_reviewers(world):
    late = world.submitted(world.grantee)
    on_time = world.submitted(world.user)
    world.set_row(Request, late["id"], due_at=datetime.datetime.now(datetime.timezone.utc)
                  - datetime.timedelta(hours=1))
    listed = act(world.unit_admin, "molisa_sharing_request_list", role="review", overdue="true")
    assert [r["id"] for r in listed["results"]] == [late["id"]] and listed["results"][0]["overdue"]
    everything = act(world.unit_admin, "molisa_sharing_request_list", role="review")
    assert {r["id"] for r in everything["results"]} == {late["id"], on_time["id"]}
    assert act(world.other_admin, "molisa_sharing_request_list", role="review",
               overdue="true")["count"] == 0
    assert act(world.sysadmin, "molisa_sharing_request_list", role="review",
               overdue="true")["count"] == 1
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_sharing_request_list", role="all")


@pytest.mark.req("R12.4", "R18.2", "R18.3")
def test_the_sweep_expires_grants_and_reminds_once(world, audit, mailbox):
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_sharing_sweep")
    ended = world.grant(world.grantee)
    token = act(world.grantee, "molisa_sharing_grant_token_create", id=ended["id"])
    today = datetime.date.today()
    world.set_grant(ended["id"], period_start=today - datetime.timedelta(days=30),
                    period_end=today - datetime.timedelta(days=1))
    reported = world.grant(world.user)
    reported = act(world.unit_admin, "molisa_sharing_grant_request_usage_report",
                   id=reported["id"], question="Cho biết mục đích sử dụng")
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    world.set_row(UsageReport, reported["usage_reports"][0]["id"], due_at=past)
    late = world.submitted(world.suspended_grantee)
    world.set_row(Request, late["id"], due_at=past)
    mailbox.clear()

    counts = act(world.sysadmin, "molisa_sharing_sweep")
    assert counts == {"expired": 1, "overdue_requests": 1, "overdue_reports": 1}
    assert Grant.get(ended["id"]).state == "expired"
    assert model.ApiToken.get(token["id"]) is None
    with pytest.raises(tk.NotAuthorized) as err:
        _datastore(world.grantee, world.resources["special_request"]["id"])
    assert (today - datetime.timedelta(days=1)).isoformat() in str(err.value)
    assert len(mailbox.to(world.grantee["email"])) == 1          # expired
    assert len(mailbox.to(world.user["email"])) == 1             # report overdue
    assert len(mailbox.to(REVIEWER)) == 2                        # request + report overdue
    assert Request.get(late["id"]).overdue_notified_at is not None

    mailbox.clear()
    assert act(world.sysadmin, "molisa_sharing_sweep") == {
        "expired": 0, "overdue_requests": 0, "overdue_reports": 0}
    assert mailbox.messages == []
    actions = _actions(audit)
    assert "grant_expire" in actions and "request_overdue" in actions


# -- tokens bound to a grant -------------------------------------------------------------

@pytest.mark.req("R17.1", "R12.5")
def test_a_bound_token_opens_only_its_grant(world, app):
    first = world.grant(world.grantee, "special_request")
    world.grant(world.grantee, "default_shared")
    bound = act(world.grantee, "molisa_sharing_grant_token_create", id=first["id"])["token"]
    shown = act(world.grantee, "molisa_sharing_grant_show", id=first["id"])
    assert [t["id"] for t in shown["tokens"]] and "token" not in shown["tokens"][0]

    def search(token, level):
        return app.post("/api/3/action/datastore_search",
                        json={"resource_id": world.resources[level]["id"]},
                        headers={"Authorization": token}).status_code

    assert search(bound, "special_request") == 200
    assert search(bound, "default_shared") == 403
    assert search(world.grantee["token"], "special_request") == 200
    assert search(world.grantee["token"], "default_shared") == 200
    with pytest.raises(tk.NotAuthorized):
        act(world.user, "molisa_sharing_grant_token_create", id=first["id"])
    act(world.unit_admin, "molisa_sharing_grant_suspend", id=first["id"], reason="Tạm dừng")
    assert search(bound, "special_request") == 403
    assert search(world.grantee["token"], "default_shared") == 200


# -- default sharing with state agencies ---------------------------------------------------

@pytest.mark.req("R12.4", "R12.7", "R20.2")
def test_a_service_request_creates_the_agencys_connection_account(world, audit, mailbox):
    data = request_data([world.datasets["default_shared"]["id"]], kind="service",
                        requester_type="state_agency",
                        requester_organization="Bảo hiểm xã hội Việt Nam",
                        user_email="it@bhxh.example.gov.vn", system_connection=True,
                        security_level=3)
    req = act(world.agency_applicant, "molisa_sharing_request_create", **data,
              attachments=pdf_upload())
    assert req["kind"] == "service" and [a["name"] for a in req["attachments"]] == [
        "thiet-ke-ky-thuat.pdf"]
    assert "path" not in req["attachments"][0]
    act(world.agency_applicant, "molisa_sharing_request_submit", id=req["id"])
    mailbox.clear()
    req = act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"])
    grant = act(world.agency_applicant, "molisa_sharing_grant_show", id=req["grant_id"])
    account = model.User.get(grant["holder_id"])
    assert account.name.startswith("agency-") and account.name == grant["holder_name"]
    assert account.name != world.agency_applicant["name"]
    assert grant["manager_id"] == world.agency_applicant["id"] and grant["kind"] == "service"
    assert grant["fee_exempt"] and grant["fee_amount"] == 0
    mails = mailbox.to("it@bhxh.example.gov.vn")
    assert len(mails) == 2  # approved; the account is ready
    assert any(account.name in m.get_content() for m in mails)
    [event] = sharing_events(audit, action="request_approve")
    assert event["connection_account"] == account.name
    # the agency's second service: the same account
    req2 = act(world.agency_applicant, "molisa_sharing_request_create", **data,
               attachments=pdf_upload())
    act(world.agency_applicant, "molisa_sharing_request_submit", id=req2["id"])
    req2 = act(world.unit_admin, "molisa_sharing_request_approve", id=req2["id"])
    assert Grant.get(req2["grant_id"]).holder_id == account.id


@pytest.mark.req("R12.4")
def test_service_list_is_public_and_names_the_default_shared_datasets(world):
    services = act(None, "molisa_sharing_service_list")
    assert [s["id"] for s in services] == [world.datasets["default_shared"]["id"]]
    [endpoint] = services[0]["endpoints"]
    assert endpoint["resource_id"] == world.resources["default_shared"]["id"]
    assert {f["id"] for f in endpoint["fields"]} >= {"tinh", "nam", "so_nguoi"}


# -- the public register -------------------------------------------------------------------

@pytest.mark.req("R4.3", "R12.6")
def test_the_register_is_public_without_personal_contact_data(world, app):
    world.grant(world.grantee)
    individual = world.submitted(world.user, requester_type="individual",
                                 requester_organization="Nguyễn Thị Riêng Tư",
                                 user_name="Nguyễn Thị Riêng Tư",
                                 user_email="rieng.tu@example.vn", user_phone="0987654321")
    act(world.unit_admin, "molisa_sharing_request_approve", id=individual["id"])
    resp = app.get("/api/3/action/molisa_sharing_register")  # anonymous, in Vietnamese
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    register = resp.json["result"]
    assert len(register) == 2
    for secret in ("dung.le@ilssa.example.vn", "+84 912 345 678", "Lê Văn Dùng",
                   "rieng.tu@example.vn", "0987654321", "Riêng Tư", "Nguy\\u1ec5n Th\\u1ecb",
                   "user_email", "user_phone", "user_name"):
        assert secret not in text, secret
    holders = {g["holder"] for g in register}
    assert "Viện Khoa học Lao động và Xã hội" in holders
    assert holders & {"Cá nhân", "Individual"}
    english = act(None, "molisa_sharing_register")
    assert {g["holder"] for g in english} & {"Cá nhân", "Individual"}


# -- inbound connections (R13) -------------------------------------------------------------

def _inbound(**overrides) -> dict:
    data = {"target": "CSDL việc làm", "source_system": "Hệ thống BHXH",
            "scope": "Số người tham gia BHTN theo tỉnh", "schedule": "Hằng ngày 01:00",
            "frequency": "daily", "contact_name": "Trần Văn Liên",
            "contact_email": "lien.tran@molisa.example.vn", "contact_phone": "0241234567"}
    data.update(overrides)
    return data


@pytest.mark.req("R13.1", "R13.2", "R13.4")
def test_inbound_request_approved_by_the_it_centre_creates_its_harvest_source(
        world, audit, mailbox):
    data = _inbound(owner_org=world.unit["id"], source_url="https://data.bhxh.example.gov.vn",
                    source_type="ckan")
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_member, "molisa_sharing_inbound_create", **data)
    with pytest.raises(tk.NotAuthorized):
        act(world.other_admin, "molisa_sharing_inbound_create", **data)
    inbound = act(world.unit_editor, "molisa_sharing_inbound_create", **data)
    assert inbound["state"] == "submitted" and inbound["contact_name"] == "Trần Văn Liên"
    assert mailbox.to("admin@molisa.example.vn")  # the IT Centre (sysadmins)
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_sharing_inbound_approve", id=inbound["id"])
    mailbox.clear()
    inbound = act(world.sysadmin, "molisa_sharing_inbound_approve", id=inbound["id"])
    assert inbound["state"] == "approved" and inbound["harvest_source_id"]
    source = act(world.sysadmin, "harvest_source_show", id=inbound["harvest_source_id"])
    assert source["url"].startswith("https://data.bhxh.example.gov.vn")
    assert source["source_type"] == "molisa_ckan" and source["owner_org"] == world.unit["id"]
    assert mailbox.to("lien.tran@molisa.example.vn")
    assert _actions(audit)[-2:] == ["inbound_create", "inbound_approve"]


@pytest.mark.req("R13.1", "R13.2")
def test_inbound_reject_needs_a_reason(world, mailbox):
    inbound = act(world.unit_admin, "molisa_sharing_inbound_create",
                  **_inbound(owner_org=world.unit["name"]))
    with pytest.raises(tk.ValidationError) as err:
        act(world.sysadmin, "molisa_sharing_inbound_reject", id=inbound["id"])
    assert "reason" in err.value.error_dict
    mailbox.clear()
    inbound = act(world.sysadmin, "molisa_sharing_inbound_reject", id=inbound["id"],
                  reason="Trùng với nguồn đã có")
    assert inbound["state"] == "rejected"
    [msg] = mailbox.to("lien.tran@molisa.example.vn")
    assert "Trùng với nguồn đã có" in msg.get_content()
    with pytest.raises(tk.ValidationError):
        act(world.sysadmin, "molisa_sharing_inbound_approve", id=inbound["id"])
    assert act(world.unit_member, "molisa_sharing_inbound_list")["count"] == 1
    assert act(world.other_admin, "molisa_sharing_inbound_list")["count"] == 0
