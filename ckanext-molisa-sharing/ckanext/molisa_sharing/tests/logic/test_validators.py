"""Bad input to every sharing action: a ValidationError naming each bad
field, nothing stored or changed; over the API a 409 with the field errors,
never a 500 (R12.6, R12.7, R17.3, R18.1)."""
from __future__ import annotations

import datetime
import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa_sharing.model import Request
from ckanext.molisa.testing.factories import act, dataset_data, pdf_upload, request_data

REQUIRED = ("datasets", "requester_organization", "user_name", "user_position", "user_email",
            "user_phone", "purpose", "scope", "content", "period_start", "period_end",
            "legal_basis")


def _errors(user, action, **data) -> dict:
    with pytest.raises(tk.ValidationError) as err:
        act(user, action, **data)
    return err.value.error_dict


def _yesterday() -> str:
    return (datetime.date.today() - datetime.timedelta(days=1)).isoformat()


BAD_REQUESTS = [
    ("bad e-mail", {"user_email": "dung.le@"}, "user_email"),
    ("bad phone", {"user_phone": "gọi tôi"}, "user_phone"),
    ("bad start date", {"period_start": "31/12/2025"}, "period_start"),
    ("bad end date", {"period_end": "2025-02-30"}, "period_end"),
    ("end before start", {"period_start": "2030-06-01", "period_end": "2030-05-01"},
     "period_end"),
    ("end in the past", {"period_start": "2020-01-01", "period_end": _yesterday()},
     "period_end"),
    ("unknown requester type", {"requester_type": "alien"}, "requester_type"),
    ("unknown kind", {"kind": "other"}, "kind"),
    ("security level out of range", {"security_level": 9}, "security_level"),
    ("security level 2 for a connecting system",
     {"system_connection": True, "security_level": 2}, "security_level"),
    ("connecting system without a level", {"system_connection": True}, "security_level"),
    ("a resource of another dataset", {"resources": ["khong-phai-tai-nguyen"]}, "resources"),
    ("control characters", {"purpose": "Nghiên cứu\x00"}, "purpose"),
    ("text too long", {"content": "x" * 10001}, "content"),
    ("datasets not a list", {"datasets": {"a": 1}}, "datasets"),
]


@pytest.mark.req("R12.6", "R17.3", "R12.7")
def test_bad_requests_name_the_field_and_store_nothing(world):
    ds = world.datasets["special_request"]["id"]
    errors = _errors(world.grantee, "molisa_sharing_request_create")
    assert set(REQUIRED) <= set(errors), errors
    for label, bad, field in BAD_REQUESTS:
        errors = _errors(world.grantee, "molisa_sharing_request_create",
                         **dict(request_data([ds]), **bad))
        assert field in errors, (label, errors)
        assert all(isinstance(m, str) and m for m in errors[field]), (label, errors)
    assert model.Session.query(Request).count() == 0


@pytest.mark.req("R12.4", "R12.5", "R18.1")
def test_datasets_that_cannot_be_requested(world):
    other_pkg = helpers.call_action(
        "package_create", context={"user": world.sysadmin["name"]},
        **dataset_data(world.other["id"], "special_request", name="viec-lam-dac-thu"))
    cases = [
        ("open data", [world.datasets["open"]["id"]]),
        ("internal data", [world.datasets["internal"]["id"]]),
        ("unknown dataset", ["khong-ton-tai"]),
        ("two units", [world.datasets["special_request"]["id"], other_pkg["id"]]),
        ("nothing", []),
    ]
    for label, datasets in cases:
        errors = _errors(world.grantee, "molisa_sharing_request_create",
                         **request_data(datasets))
        assert list(errors) == ["datasets"], (label, errors)
    # a unit member asking for internal data is told it is not shared
    errors = _errors(world.user, "molisa_sharing_request_create",
                     **request_data([world.datasets["internal"]["name"]]))
    assert "datasets" in errors
    # a service is a default-shared dataset
    errors = _errors(world.agency_applicant, "molisa_sharing_request_create",
                     **request_data([world.datasets["special_request"]["id"]], kind="service",
                                    security_level=3), attachments=pdf_upload())
    assert "datasets" in errors
    assert model.Session.query(Request).count() == 0


@pytest.mark.req("R12.4", "R12.7")
def test_attachments_are_required_when_a_system_connects_and_checked(world):
    ds = world.datasets["default_shared"]["id"]
    service = request_data([ds], kind="service", requester_type="state_agency",
                           security_level=3)
    errors = _errors(world.agency_applicant, "molisa_sharing_request_create", **service)
    assert "attachments" in errors
    errors = _errors(world.grantee, "molisa_sharing_request_create",
                     **request_data([ds], system_connection=True, security_level=4))
    assert "attachments" in errors
    exe = FileStorage(io.BytesIO(b"MZ\x90\x00"), filename="setup.exe",
                      content_type="application/octet-stream")
    errors = _errors(world.agency_applicant, "molisa_sharing_request_create", **service,
                     attachments=exe)
    assert "attachments" in errors and "setup.exe" in errors["attachments"][0]
    empty = FileStorage(io.BytesIO(b""), filename="trong.pdf", content_type="application/pdf")
    errors = _errors(world.agency_applicant, "molisa_sharing_request_create", **service,
                     attachments=empty)
    assert "attachments" in errors
    assert model.Session.query(Request).count() == 0
    req = act(world.agency_applicant, "molisa_sharing_request_create", **service,
              attachments=[pdf_upload(), pdf_upload("so-do-ket-noi.pdf")])
    assert len(req["attachments"]) == 2


@pytest.mark.req("R12.6")
def test_a_failed_update_leaves_the_request_as_it_was(world):
    ds = world.datasets["special_request"]["id"]
    req = act(world.grantee, "molisa_sharing_request_create", **request_data([ds]))
    before = act(world.grantee, "molisa_sharing_request_show", id=req["id"])
    for bad in ({"user_email": "sai"}, {"datasets": [world.datasets["open"]["id"]]},
                {"period_end": "2000-01-01"}, {"purpose": ""}):
        errors = _errors(world.grantee, "molisa_sharing_request_update", id=req["id"],
                         **dict(request_data([ds]), **bad))
        assert errors
        # in the same session (a form shown again after the error): unchanged
        after = act(world.grantee, "molisa_sharing_request_show", id=req["id"])
        assert after == before, bad


@pytest.mark.req("R18.1", "R12.5")
def test_bad_decisions_name_the_field_and_change_nothing(world):
    req = world.submitted(world.grantee)
    cases = [
        ({"allowed_ips": "10.0.0.0/8, không-phải-ip"}, "allowed_ips"),
        ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
        ({"quota_per_day": "nhiều"}, "quota_per_day"),
        ({"datasets": [world.datasets["default_shared"]["id"]]}, "datasets"),
        ({"resources": [world.resources["default_shared"]["id"]]}, "resources"),
        ({"period_end": "2000-01-01"}, "period_end"),
        ({"period_start": "ngày mai"}, "period_start"),
    ]
    for bad, field in cases:
        errors = _errors(world.unit_admin, "molisa_sharing_request_approve", id=req["id"], **bad)
        assert field in errors, (bad, errors)
    assert list(_errors(world.unit_admin, "molisa_sharing_request_reject",
                        id=req["id"])) == ["reason"]
    assert "reason" in _errors(world.unit_admin, "molisa_sharing_request_request_changes",
                               id=req["id"], reason="")
    model.Session.remove()
    assert Request.get(req["id"]).state == "submitted" and Request.get(req["id"]).grant_id is None
    grant = world.grant(world.user)
    assert "reason" in _errors(world.unit_admin, "molisa_sharing_grant_suspend", id=grant["id"])
    assert "question" in _errors(world.unit_admin, "molisa_sharing_grant_request_usage_report",
                                 id=grant["id"])
    assert "due_date" in _errors(world.unit_admin, "molisa_sharing_grant_request_usage_report",
                                 id=grant["id"], question="?", due_date=_yesterday())
    assert "id" in _errors(world.unit_admin, "molisa_sharing_grant_suspend", reason="x")


@pytest.mark.req("R13.1", "R13.2", "R13.4")
def test_bad_inbound_requests(world):
    errors = _errors(world.unit_editor, "molisa_sharing_inbound_create",
                     owner_org=world.unit["id"])
    assert {"target", "source_system", "scope", "schedule", "frequency", "contact_name",
            "contact_email"} <= set(errors)
    good = {"owner_org": world.unit["id"], "target": "CSDL", "source_system": "BHXH",
            "scope": "x", "schedule": "x", "frequency": "x", "contact_name": "Liên",
            "contact_email": "lien@molisa.example.vn"}
    for bad, field in (({"contact_email": "lien"}, "contact_email"),
                       ({"contact_phone": "abc"}, "contact_phone"),
                       ({"source_url": "không phải url"}, "source_url"),
                       ({"source_type": "ftp"}, "source_type"),
                       ({"owner_org": "khong-co-don-vi"}, "owner_org")):
        errors = _errors(world.unit_editor, "molisa_sharing_inbound_create", **dict(good, **bad))
        assert field in errors, (bad, errors)


@pytest.mark.req("R12.6", "R17.3")
def test_over_the_api_bad_input_is_a_409_with_field_errors(world, app):
    """In the default language (Vietnamese); never a 500."""
    headers = {"Authorization": world.grantee["token"]}
    ds = world.datasets["special_request"]["id"]
    resp = app.post("/api/3/action/molisa_sharing_request_create",
                    json=request_data([ds], user_email="sai@", period_end="hôm qua"),
                    headers=headers)
    assert resp.status_code == 409
    error = resp.json["error"]
    assert error["__type"] == "Validation Error"
    assert {"user_email", "period_end"} <= set(error)
    resp = app.post("/api/3/action/molisa_sharing_request_create", json={}, headers=headers)
    assert resp.status_code == 409 and set(REQUIRED) <= set(resp.json["error"])
    # CKAN's own messages come in Vietnamese
    assert resp.json["error"]["purpose"] != ["Missing value"]
    resp = app.post("/api/3/action/molisa_sharing_request_submit", json={"id": "khong-co"},
                    headers=headers)
    assert resp.status_code == 404
    resp = app.post("/api/3/action/molisa_sharing_request_submit", json={}, headers=headers)
    assert resp.status_code == 409 and "id" in resp.json["error"]
    req = world.submitted(world.grantee)
    admin = {"Authorization": world.unit_admin["token"]}
    resp = app.post("/api/3/action/molisa_sharing_request_reject", json={"id": req["id"]},
                    headers=admin)
    assert resp.status_code == 409 and "reason" in resp.json["error"]
    resp = app.post("/api/3/action/molisa_sharing_request_approve",
                    json={"id": req["id"], "allowed_ips": ["999.1.1.1"],
                          "period_end": "2000-13-01"}, headers=admin)
    assert resp.status_code == 409
    assert {"allowed_ips", "period_end"} <= set(resp.json["error"])
    resp = app.post("/api/3/action/molisa_sharing_request_list", json={"limit": "nhiều"},
                    headers=headers)
    assert resp.status_code == 409 and "limit" in resp.json["error"]
