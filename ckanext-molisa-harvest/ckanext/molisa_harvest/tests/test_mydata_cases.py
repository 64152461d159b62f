""""I don't recognise this": a person flags a read of their rows, the
managing unit is mailed a case due in 2 working days, answers it, and the
person sees the answer; an unanswered case is escalated to the IT Centre
once. Correction requests go through the reports module to the managing
unit. Real sector data, DataStore, grants, SMTP server and audit log."""
from __future__ import annotations

import datetime

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa.reports import deadlines
from ckanext.molisa.testing.audit import Audit

from .test_mydata import RECORDS, _person, _token, harvested  # noqa: F401
from .test_mydata_accesses import UNIT, _accesses, _read, shared  # noqa: F401

_FLASK = {}


@pytest.fixture(autouse=True)
def _flask_app(app):
    _FLASK["app"] = app.flask_app


def _call(action, user, **data):
    """The action as ``user`` (or the site, ``None``) in a request context of
    its own, as in a web request: mail in the portal's language, absolute
    links."""
    context = ({"ignore_auth": True} if user is None else
               {"user": user.name if hasattr(user, "name") else user["name"],
                "ignore_auth": False})
    with _FLASK["app"].test_request_context():
        return helpers.call_action(action, context=context, **data)


@pytest.fixture
def flagged_entry(app, shared):
    """The citizen whose rows the grantee read, and that entry."""
    pid = shared["pids"][0]
    _read(app, shared["grantee"], shared["resource_id"], pid)
    citizen = _person(pid)
    (entry,) = _accesses(citizen)
    return citizen, entry


@pytest.mark.req("R17.2", "R15.1")
def test_a_flag_opens_a_case_the_unit_answers_and_the_person_sees(app, shared, flagged_entry,
                                                                     mailbox):
    audit = Audit()
    citizen, entry = flagged_entry
    admin = shared["admin"]
    helpers.call_action("user_patch", context={"ignore_auth": True}, id=admin["id"],
                        email="dpo.gdnn@molisa.example.vn")
    assert entry["case"] is None
    # someone else cannot flag the person's entry
    other = _person(shared["pids"][1], "Trần Thị Bình")
    with pytest.raises(tk.ObjectNotFound):
        _call("molisa_mydata_flag_create", other, access_id=entry["id"])

    case = _call("molisa_mydata_flag_create", citizen, access_id=entry["id"],
                 note="Tôi không nộp hồ sơ nào cho viện này.")
    today = datetime.date.today()
    off = deadlines.days_off({today.year, today.year + 1})
    assert case["state"] == "open"
    assert case["due"] == deadlines.add_working_days(today, 2, off).isoformat()
    # the unit's admin is told, in the portal's language, with the audit event
    (message,) = mailbox.wait_for(1)
    assert mailbox.received[0].rcpt_tos == ("dpo.gdnn@molisa.example.vn",)
    text = message.get_content()
    assert entry["event"] in text and case["due"] in text
    assert "khôngnhậnra" in message["Subject"].replace(" ", "")
    # the flag is an audit event
    assert [e for e in audit.events(channel="report") if e["action"] == "mydata_flag_create"
            and e["extra"]["case_id"] == case["id"]]
    # twice: refused per field
    with pytest.raises(tk.ValidationError) as err:
        _call("molisa_mydata_flag_create", citizen, access_id=entry["id"])
    assert "access_id" in err.value.error_dict
    (seen,) = _accesses(citizen)
    assert seen["case"]["state"] == "open" and seen["case"]["due"] == case["due"]

    # the unit's admin sees the case with the event, not the person
    (listed,) = _call("molisa_mydata_case_list", admin)["cases"]
    assert listed["event"] == entry["event"] and listed["dataset"]["name"] == RECORDS
    assert "subject_hash" not in listed
    # another unit's admin and the grantee may neither list nor answer it
    stranger = factories.User()
    helpers.call_action("organization_member_create", context={"ignore_auth": True},
                        id="cuc-viec-lam", username=stranger["name"], role="admin")
    assert _call("molisa_mydata_case_list", stranger)["cases"] == []
    for who in (stranger, shared["grantee"]):
        with pytest.raises(tk.NotAuthorized):
            _call("molisa_mydata_case_answer", who, id=case["id"], answer="Không có gì.")
    with pytest.raises(tk.NotAuthorized):
        _call("molisa_mydata_case_list", shared["grantee"])

    answer = ("Viện Khoa học Lao động và Xã hội đọc hồ sơ theo quyết định chia sẻ "
              "số 12 để nghiên cứu chính sách.")
    _call("molisa_mydata_case_answer", admin, id=case["id"], answer=answer)
    (seen,) = _accesses(citizen)
    assert seen["case"]["state"] == "answered" and seen["case"]["answer"] == answer
    assert [e for e in audit.events(channel="report") if e["action"] == "mydata_case_answer"]

    # the person's page shows it; the unit's page too
    page = app.get("/my-data/", headers={"Authorization": _token(citizen)})
    assert answer in page.body and "Đã trả lời" in page.body
    unit_page = app.get("/my-data/cases", headers={"Authorization": _token_of(admin)})
    assert unit_page.status_code == 200 and entry["event"] in unit_page.body


def _token_of(user_dict):
    return helpers.call_action("api_token_create", context={"user": user_dict["name"]},
                               user=user_dict["name"], name="t")["token"]


@pytest.mark.req("R17.2", "R15.1")
@pytest.mark.ckan_config("ckanext.molisa_harvest.mydata_case_contact", "dpo@molisa.example.vn")
@pytest.mark.ckan_config("ckanext.molisa.report.it_centre_email", "ttcntt@molisa.example.vn")
def test_an_unanswered_case_goes_to_the_it_centre_once(app, shared, flagged_entry, mailbox):
    audit = Audit()
    citizen, entry = flagged_entry
    case = _call("molisa_mydata_flag_create", citizen, access_id=entry["id"])
    mailbox.wait_for(1)
    # the configured data-protection contact got it, not the admins
    assert [r.rcpt_tos for r in mailbox.received] == [("dpo@molisa.example.vn",)]
    mailbox.clear()
    due = datetime.date.fromisoformat(case["due"])
    # on the due date: nothing yet
    assert _call("molisa_mydata_sweep", None, today=due.isoformat()) == {"escalations": 0}
    after = (due + datetime.timedelta(days=1)).isoformat()
    assert _call("molisa_mydata_sweep", None, today=after) == {"escalations": 1}
    # the IT Centre, the contact in copy
    messages = mailbox.wait_for(2)
    assert sorted(a for r in mailbox.received for a in r.rcpt_tos) == [
        "dpo@molisa.example.vn", "ttcntt@molisa.example.vn"]
    assert all("Quáhạn" in m["Subject"].replace(" ", "") for m in messages)
    # once only
    assert _call("molisa_mydata_sweep", None, today=after) == {"escalations": 0}
    assert [e for e in audit.events(channel="report") if e["action"] == "mydata_case_overdue"]
    # nobody calls the sweep over the API
    for who in (citizen, factories.Sysadmin()):
        with pytest.raises(tk.NotAuthorized):
            _call("molisa_mydata_sweep", who)
    (listed,) = _call("molisa_mydata_case_list", factories.Sysadmin())["cases"]
    assert listed["escalated"] is True


@pytest.mark.req("R21.1d", "R17.2")
def test_a_correction_request_reaches_the_managing_unit(app, shared, mailbox):
    citizen = _person(shared["pids"][0])
    page = app.get("/my-data/", headers={"Authorization": _token(citizen)})
    assert f"/report/new?dataset={RECORDS}&amp;resource={shared['resource_id']}" in page.body
    admin = shared["admin"]
    helpers.call_action("user_patch", context={"ignore_auth": True}, id=admin["id"],
                        email="admin.gdnn@molisa.example.vn")
    report = _call("molisa_report_create", citizen, type="data_error",
                   resource_id=shared["resource_id"],
                   description="Ngày sinh của tôi trong hồ sơ học viên bị sai.")
    assert report["owner_org"] == helpers.call_action(
        "organization_show", context={"ignore_auth": True}, id=UNIT)["id"]
    mailbox.wait_for(1)
    assert [r.rcpt_tos for r in mailbox.received] == [("admin.gdnn@molisa.example.vn",)]
    # the person follows it
    (mine,) = _call("molisa_report_list", citizen, mine=True)
    assert mine["id"] == report["id"] and mine["state"] == "new"
