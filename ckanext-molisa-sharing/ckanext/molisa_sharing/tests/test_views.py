"""The sharing pages through CKAN's Flask test client: who sees what, the
forms and their errors (Vietnamese by default, English under /en/), the
"Request access" button on datasets and no download URL for those who may not
get the data.

Users are authenticated by their API token in the ``Authorization`` header,
which CKAN accepts on every page as on the API."""
from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import MultiDict

from ckanext.molisa.testing.factories import act, period, request_data


@pytest.fixture(autouse=True)
def _grants_emptied_first():
    """Work-around: the migration gives molisa_sharing_grant a foreign key to
    molisa_sharing_request that the model does not declare, so CKAN's reset
    (clean_db) deletes the requests before the grants and fails when a test
    left a grant. Runs before clean_db (autouse fixtures come first)."""
    empty_grants()


def empty_grants() -> None:
    import sqlalchemy as sa
    from ckan import model
    with model.meta.engine.begin() as conn:
        for table in ("molisa_sharing_usage_report", "molisa_sharing_grant"):
            if sa.inspect(conn).has_table(table):
                conn.execute(sa.text(f"DELETE FROM {table}"))



#: "Missing value" in Vietnamese: this extension's catalogue ("Thiếu giá trị",
#: while an action of the extension uses the msgid) or CKAN core's
MISSING = re.compile("Thiếu giá trị|Giá trị bị mất")


def _auth(user) -> dict:
    return {"Authorization": user["token"]} if user else {}


def get(app, url, user=None, status=200, **kw):
    res = app.get(url, headers=_auth(user), **kw)
    assert res.status_code == status, (url, res.status_code, res.get_data(as_text=True)[:3000])
    return res.get_data(as_text=True)


def post(app, url, data, user=None, status=200, **kw):
    res = app.post(url, data=data, headers=_auth(user), **kw)
    assert res.status_code == status, (url, res.status_code, res.get_data(as_text=True)[:3000])
    return res.get_data(as_text=True)


def submitted(world, applicant=None, level="special_request", **overrides) -> dict:
    applicant = applicant or world.user
    req = act(applicant, "molisa_sharing_request_create",
              **request_data([world.datasets[level]["id"]], **overrides))
    return act(applicant, "molisa_sharing_request_submit", id=req["id"])


def form_data(world, level="special_request", **overrides) -> MultiDict:
    data = request_data([world.datasets[level]["name"]], **overrides)
    data["datasets"] = ",".join(data["datasets"])
    return MultiDict(data)


# -- datasets: the button, the message, the fee; no download URL ----------------------

def _dataset_url(world, level):
    return f"/dataset/{world.datasets[level]['name']}"


def _resource_url(world, level):
    return f"{_dataset_url(world, level)}/resource/{world.resources[level]['id']}"


@pytest.mark.req("R12.5", "R17.4")
def test_request_access_button_on_a_special_request_dataset(app, world):
    html = get(app, _dataset_url(world, "special_request"), world.user)
    assert "molisa-sharing-request-access" in html
    assert f"/sharing/requests/new?dataset={world.datasets['special_request']['name']}" in html
    assert "Yêu cầu khai thác dữ liệu" in html
    # why, and the fee (500,000 dong, grouped the Vietnamese way)
    assert "chỉ được chia sẻ với người dùng đã được phê duyệt" in html
    assert "500.000 đồng" in html


@pytest.mark.req("R12.5")
def test_request_access_button_for_anonymous_and_in_english(app, world):
    html = get(app, _dataset_url(world, "default_shared"))
    assert "molisa-sharing-request-access" in html
    html = get(app, "/en" + _dataset_url(world, "special_request"), world.user)
    assert "Request access" in html and "500,000 VND" in html
    assert "shared only with approved users" in html


@pytest.mark.req("R18.4", "R18.5")
@pytest.mark.parametrize("level, who", [("open", "user"), ("open", "anonymous"),
                                        ("special_request", "unit_member"),
                                        ("special_request", "sysadmin")])
def test_no_request_access_button_for_who_has_the_data(app, world, level, who):
    html = get(app, _dataset_url(world, level), getattr(world, who))
    assert "molisa-sharing-request-access" not in html
    assert "molisa-sharing-notice" not in html


@pytest.mark.req("R12.5", "R4.3")
@pytest.mark.parametrize("level", ["special_request", "default_shared"])
def test_restricted_resource_page_has_no_download_url(app, world, level):
    res = world.resources[level]
    html = get(app, _resource_url(world, level), world.user)
    assert "molisa-sharing-request-access" in html
    assert "/download" not in html
    assert "people.csv" not in html
    assert "datastore/dump" not in html
    # the dataset page lists the resource without its URL either
    html = get(app, _dataset_url(world, level), world.user)
    assert "molisa-sharing-restricted-item" in html
    assert f"resource/{res['id']}/download" not in html
    # and the file itself is refused, with the message
    html = get(app, f"{_resource_url(world, level)}/download/people.csv", world.user, status=403)
    assert "chỉ được chia sẻ với người dùng đã được phê duyệt" in html
    assert "/sharing/requests/new?dataset=" in html


@pytest.mark.req("R12.6", "R18.5")
def test_open_and_granted_resource_pages_have_the_download(app, world):
    html = get(app, _resource_url(world, "open"), world.user)
    assert "/download/people.csv" in html
    world.grant(world.grantee)
    html = get(app, _resource_url(world, "special_request"), world.grantee)
    assert "/download/people.csv" in html and "molisa-sharing-request-access" not in html
    res = app.get(f"{_resource_url(world, 'special_request')}/download/people.csv",
                  headers=_auth(world.grantee))
    assert res.status_code == 200 and b"ha-noi" in res.get_data()


# -- the request form --------------------------------------------------------------------

@pytest.mark.req("R12.6", "R17.3", "R17.4")
def test_new_request_form_is_prefilled(app, world):
    name = world.datasets["special_request"]["name"]
    html = get(app, f"/sharing/requests/new?dataset={name}", world.user)
    assert f'value="{name}"' in html
    for field in ("requester_type", "requester_organization", "user_name", "user_position",
                  "user_email", "user_phone", "purpose", "scope", "content", "period_start",
                  "period_end", "legal_basis", "system_connection", "security_level",
                  "attachments", "fields"):
        assert f'name="{field}"' in html, field
    assert 'type="date"' in html and 'enctype="multipart/form-data"' in html
    assert "500.000 đồng" in html
    assert f'name="resources" value="{world.resources["special_request"]["id"]}"' in html


def test_new_request_form_sends_anonymous_users_to_log_in(app, world):
    res = app.get("/sharing/requests/new?dataset=x", follow_redirects=False)
    assert res.status_code == 302 and "/user/login" in res.headers["Location"]


@pytest.mark.req("R17.3")
def test_new_request_errors_in_vietnamese_values_kept(app, world):
    data = form_data(world, user_email="not-an-address", purpose="")
    html = post(app, "/sharing/requests/new", data, world.user)
    assert "Phải là địa chỉ thư điện tử" in html
    assert MISSING.search(html)
    assert 'value="not-an-address"' in html
    assert "Viện Khoa học Lao động và Xã hội" in html
    assert act(world.sysadmin, "molisa_sharing_request_list", role="all")["count"] == 0


@pytest.mark.req("R17.3")
def test_new_request_errors_in_english(app, world):
    data = form_data(world, user_phone="abc")
    html = post(app, "/en/sharing/requests/new", data, world.user)
    assert "Must be a phone number" in html
    assert 'value="abc"' in html


@pytest.mark.req("R12.5")
def test_new_request_for_open_data_is_refused_with_a_message(app, world):
    html = post(app, "/sharing/requests/new", form_data(world, level="open"), world.user)
    assert "là dữ liệu mở" in html


@pytest.mark.req("R12.7")
def test_outside_system_needs_security_level_3(app, world):
    data = form_data(world, system_connection="true", security_level="2")
    html = post(app, "/sharing/requests/new", data, world.user)
    assert "cấp độ an toàn thông tin 3" in html


@pytest.mark.req("R12.6", "R17.3")
def test_create_and_submit_from_the_form(app, world, mailbox):
    data = form_data(world)
    data["submit"] = "submit"
    html = post(app, "/sharing/requests/new", data, world.user)
    [req] = act(world.user, "molisa_sharing_request_list")["results"]
    assert req["state"] == "submitted"
    assert req["requester_organization"] == "Viện Khoa học Lao động và Xã hội"
    assert "Đã gửi" in html
    assert "molisa-sharing-applicant-actions" not in html


@pytest.mark.req("R12.6")
def test_save_draft_then_edit_and_submit(app, world):
    post(app, "/sharing/requests/new", form_data(world), world.user)
    [req] = act(world.user, "molisa_sharing_request_list")["results"]
    assert req["state"] == "draft"
    html = get(app, f"/sharing/requests/{req['id']}/edit", world.user)
    assert "Nghiên cứu chính sách trợ giúp xã hội" in html
    data = form_data(world, purpose="Mục đích đã sửa")
    html = post(app, f"/sharing/requests/{req['id']}/edit", data, world.user)
    assert "Mục đích đã sửa" in html
    post(app, f"/sharing/requests/{req['id']}/submit", {}, world.user)
    assert act(world.user, "molisa_sharing_request_show", id=req["id"])["state"] == "submitted"
    # a submitted request is not edited any more
    html = get(app, f"/sharing/requests/{req['id']}/edit", world.user)
    assert "không thể thay đổi" in html


@pytest.mark.req("R12.4", "R20.2")
def test_service_request_form_lists_the_services(app, world):
    name = world.datasets["default_shared"]["name"]
    html = get(app, f"/sharing/requests/new?kind=service&dataset={name}", world.agency_applicant)
    assert f'name="datasets" value="{name}"' in html
    assert re.search(rf'value="{name}"[^>]*checked', html)
    assert world.datasets["special_request"]["name"] not in html


@pytest.mark.req("R12.4", "R12.7")
def test_service_request_needs_documents_and_takes_them(app, world):
    data = form_data(world, level="default_shared", requester_type="state_agency",
                     security_level="3")
    data["system_connection"] = "true"
    html = post(app, "/sharing/requests/new?kind=service", data, world.agency_applicant)
    assert "tài liệu kỹ thuật" in html
    data.add("attachments", (io.BytesIO(b"%PDF-1.4 thiet ke"), "thiet-ke.pdf"))
    post(app, "/sharing/requests/new?kind=service", data, world.agency_applicant,
         content_type="multipart/form-data")
    [req] = act(world.agency_applicant, "molisa_sharing_request_list")["results"]
    assert req["kind"] == "service" and [a["name"] for a in req["attachments"]] == ["thiet-ke.pdf"]


# -- request pages and decisions ---------------------------------------------------------

@pytest.mark.req("R12.6")
def test_request_page_by_role(app, world):
    req = submitted(world)
    url = f"/sharing/requests/{req['id']}"
    html = get(app, url, world.user)
    assert "Lê Văn Dùng" in html and "form-approve" not in html
    html = get(app, url, world.unit_admin)
    assert "form-approve" in html and "form-reject" in html and "form-changes" in html
    html = get(app, url, world.sysadmin)
    assert "form-approve" in html
    assert "Không có quyền xem yêu cầu này" in get(app, url, world.other_admin, status=403)
    get(app, url, world.unit_member, status=403)
    get(app, url, world.grantee, status=403)
    get(app, "/sharing/requests/no-such-request", world.user, status=404)
    get(app, "/sharing/grants/no-such-grant", world.user, status=404)


@pytest.mark.req("R18.1")
def test_refusal_needs_a_reason_and_the_applicant_sees_it(app, world):
    req = submitted(world)
    url = f"/sharing/requests/{req['id']}"
    html = post(app, url + "/reject", {"reason": ""}, world.unit_admin)
    assert MISSING.search(html) and "form-reject" in html
    post(app, url + "/reject", {"reason": "Mục đích không phù hợp"}, world.unit_admin)
    html = get(app, url, world.user)
    assert "Mục đích không phù hợp" in html and "Từ chối" in html


@pytest.mark.req("R12.6")
def test_request_changes_then_approve_with_narrowing(app, world):
    req = submitted(world)
    url = f"/sharing/requests/{req['id']}"
    post(app, url + "/changes", {"reason": "Ghi rõ phạm vi"}, world.unit_admin)
    html = get(app, url, world.user)
    assert "Ghi rõ phạm vi" in html and "molisa-sharing-applicant-actions" in html
    post(app, url + "/submit", {}, world.user)
    start, end = period(0, 30)
    html = post(app, url + "/approve", {"period_end": end, "quota_per_day": "x"},
                world.unit_admin)
    assert "Phải là số nguyên" in html
    post(app, url + "/approve", {"period_end": end, "quota_per_day": "100",
                                 "conditions": "Không chuyển cho bên thứ ba"}, world.unit_admin)
    shown = act(world.user, "molisa_sharing_request_show", id=req["id"])
    grant = act(world.user, "molisa_sharing_grant_show", id=shown["grant_id"])
    assert grant["period_end"] == end and grant["quota_per_day"] == 100
    assert grant["fee_exempt"] is False and grant["fee_amount"] == 500000


def test_applicant_cannot_decide(app, world):
    req = submitted(world)
    html = post(app, f"/sharing/requests/{req['id']}/approve", {}, world.user, status=403)
    assert "Không ai được tự quyết định" in html


@pytest.mark.req("R12.7", "R4.3")
def test_attachment_download_only_for_applicant_and_reviewers(app, world):
    from ckanext.molisa.testing.factories import pdf_upload
    req = act(world.user, "molisa_sharing_request_create",
              **request_data([world.datasets["special_request"]["id"]],
                             system_connection=True, security_level=3,
                             attachments=[pdf_upload()]))
    [att] = req["attachments"]
    url = f"/sharing/requests/{req['id']}/attachments/{att['id']}"
    assert url in get(app, f"/sharing/requests/{req['id']}", world.user)
    for who in ("user", "unit_admin", "sysadmin"):
        res = app.get(url, headers=_auth(getattr(world, who)))
        assert res.status_code == 200, who
        assert res.get_data().startswith(b"%PDF")
        assert "thiet-ke-ky-thuat.pdf" in res.headers["Content-Disposition"]
    for who in ("other_admin", "grantee", "unit_member"):
        get(app, url, getattr(world, who), status=403)
    get(app, url, None, status=403)
    get(app, f"/sharing/requests/{req['id']}/attachments/nope", world.user, status=404)


# -- lists ---------------------------------------------------------------------------

def test_my_requests_and_review_queue(app, world):
    req = submitted(world)
    html = get(app, "/sharing/requests", world.user)
    assert req["id"][:8] in html
    assert req["id"][:8] not in get(app, "/sharing/requests", world.grantee)
    html = get(app, "/sharing/review", world.unit_admin)
    assert req["id"][:8] in html
    assert req["id"][:8] not in get(app, "/sharing/review", world.other_admin)
    get(app, "/sharing/review", world.user, status=403)
    assert get(app, "/sharing/review", world.sysadmin)


@pytest.mark.req("R12.6")
def test_overdue_requests_are_flagged(app, world):
    import datetime
    from ckan import model
    from ckanext.molisa_sharing.model import Request
    req = submitted(world)
    row = model.Session.get(Request, req["id"])
    row.due_at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    model.repo.commit()
    html = get(app, "/sharing/review", world.unit_admin)
    assert "molisa-sharing-overdue" in html and "Quá hạn" in html


def test_anonymous_users_are_sent_to_log_in(app, world):
    for url in ("/sharing/requests", "/sharing/grants", "/sharing/review", "/sharing/inbound"):
        res = app.get(url, follow_redirects=False)
        assert res.status_code == 302 and "/user/login" in res.headers["Location"], url


# -- grants ---------------------------------------------------------------------------

@pytest.mark.req("R18.3")
def test_grant_page_by_role_and_suspension(app, world):
    grant = world.grant(world.grantee)
    url = f"/sharing/grants/{grant['id']}"
    html = get(app, url, world.grantee)
    assert "form-token" in html and "form-suspend" not in html
    assert grant["id"][:8] in get(app, "/sharing/grants", world.grantee)
    html = get(app, url, world.unit_admin)
    assert "form-suspend" in html and "form-terminate" in html and "form-token" not in html
    get(app, url, world.user, status=403)
    get(app, url, world.other_admin, status=403)
    html = post(app, url + "/suspend", {"reason": ""}, world.unit_admin)
    assert MISSING.search(html)
    post(app, url + "/suspend", {"reason": "Sử dụng sai mục đích"}, world.unit_admin)
    html = get(app, url, world.grantee)
    assert "Sử dụng sai mục đích" in html and "Đình chỉ" in html
    post(app, url + "/suspend", {"reason": "x"}, world.grantee, status=403)
    post(app, url + "/reinstate", {}, world.unit_admin)
    assert act(world.grantee, "molisa_sharing_grant_show", id=grant["id"])["state"] == "active"
    post(app, url + "/terminate", {"reason": "Hết nhu cầu"}, world.unit_admin)
    html = get(app, url, world.grantee)
    assert "Hết nhu cầu" in html and "Chấm dứt" in html


@pytest.mark.req("R18.2", "R21.2b")
def test_usage_report_asked_and_answered(app, world):
    grant = world.grant(world.grantee)
    url = f"/sharing/grants/{grant['id']}"
    post(app, url + "/usage-reports", {"question": "Dữ liệu được dùng vào việc gì?"},
         world.unit_admin)
    html = get(app, url, world.grantee)
    assert "Dữ liệu được dùng vào việc gì?" in html
    [report] = act(world.grantee, "molisa_sharing_grant_show", id=grant["id"])["usage_reports"]
    html = post(app, f"{url}/usage-reports/{report['id']}", {"answer": ""}, world.grantee)
    assert MISSING.search(html)
    post(app, f"{url}/usage-reports/{report['id']}", {"answer": "Chỉ để nghiên cứu"},
         world.grantee)
    assert "Chỉ để nghiên cứu" in get(app, url, world.unit_admin)


@pytest.mark.req("R20.2", "R17.1")
def test_token_bound_to_the_grant_is_shown_once(app, world):
    grant = world.grant(world.grantee)
    url = f"/sharing/grants/{grant['id']}"
    html = post(app, url + "/tokens", {"name": "He thong BHXH"}, world.grantee)
    token = re.search(r'id="molisa-sharing-token">([^<]+)<', html).group(1)
    assert "chỉ hiển thị một lần" in html
    html = get(app, url, world.grantee)
    assert token not in html and "He thong BHXH" in html
    res = app.get(f"/api/3/action/datastore_search?resource_id="
                  f"{world.resources['special_request']['id']}",
                  headers={"Authorization": token})
    assert res.status_code == 200
    post(app, url + "/tokens", {}, world.unit_admin, status=403)


# -- public pages ----------------------------------------------------------------------

@pytest.mark.req("R12.4")
def test_services_catalogue(app, world):
    html = get(app, "/sharing/services")
    name = world.datasets["default_shared"]["name"]
    assert f"/sharing/requests/new?kind=service&amp;dataset={name}" in html
    assert "datastore_search?resource_id=" + world.resources["default_shared"]["id"] in html
    assert "so_nguoi" in html
    assert world.datasets["special_request"]["name"] not in html
    assert "Request connection" in get(app, "/en/sharing/services")


@pytest.mark.req("R18.3")
def test_register_lists_active_grants_without_contact_data(app, world):
    grant = world.grant(world.grantee)
    html = get(app, "/sharing/register")
    assert "Viện Khoa học Lao động và Xã hội" in html
    assert "dung.le@ilssa.example.vn" not in html and "912 345 678" not in html
    act(world.unit_admin, "molisa_sharing_grant_suspend", id=grant["id"], reason="x")
    assert "Viện Khoa học Lao động và Xã hội" not in get(app, "/sharing/register")


def test_landing_page_and_navigation(app, world):
    html = get(app, "/sharing/")
    assert "Dữ liệu chia sẻ" in html
    html = get(app, "/", world.unit_admin)
    assert 'href="/sharing/"' in html
    html = get(app, "/sharing/", world.unit_admin)
    assert "/sharing/review" in html
    assert "/sharing/review" not in get(app, "/sharing/", world.user)
    assert ">Sharing<" in get(app, "/en/sharing/")


# -- inbound ---------------------------------------------------------------------------

def _inbound_form(world, **overrides) -> dict:
    data = {"owner_org": world.unit["id"], "target": "CSDL Bảo trợ xã hội",
            "source_system": "Hệ thống an sinh xã hội của Bộ Công an",
            "scope": "Dữ liệu dân cư của đối tượng bảo trợ", "schedule": "02:00 hằng ngày",
            "frequency": "Hằng ngày", "contact_name": "Nguyễn Thị Hoa",
            "contact_email": "hoa@molisa.example.vn", "contact_phone": "0912345678"}
    data.update(overrides)
    return data


@pytest.mark.req("R13.1", "R13.2", "R13.4")
def test_inbound_form_and_decision(app, world, mailbox):
    get(app, "/sharing/inbound/new", world.user, status=403)
    get(app, "/sharing/inbound/new", world.unit_member, status=403)
    html = get(app, "/sharing/inbound/new", world.unit_editor)
    assert world.unit["id"] in html and world.other["id"] not in html
    html = post(app, "/sharing/inbound/new", _inbound_form(world, contact_email="x"),
                world.unit_editor)
    assert "Phải là địa chỉ thư điện tử" in html and "Nguyễn Thị Hoa" in html
    post(app, "/sharing/inbound/new", _inbound_form(world), world.unit_editor)
    [inbound] = act(world.unit_editor, "molisa_sharing_inbound_list")["results"]
    url = f"/sharing/inbound/{inbound['id']}"
    html = get(app, url, world.unit_member)
    assert "Nguyễn Thị Hoa" in html and "form-approve" not in html
    assert inbound["id"][:8] in get(app, "/sharing/inbound", world.unit_member)
    assert inbound["id"][:8] not in get(app, "/sharing/inbound", world.other_admin)
    get(app, url, world.other_admin, status=403)
    html = get(app, url, world.sysadmin)
    assert "form-approve" in html
    html = post(app, url + "/reject", {"reason": ""}, world.sysadmin)
    assert MISSING.search(html)
    post(app, url + "/reject", {"reason": "Chưa có thỏa thuận kết nối"}, world.sysadmin)
    assert "Chưa có thỏa thuận kết nối" in get(app, url, world.unit_editor)
    post(app, url + "/approve", {}, world.unit_admin, status=403)


@pytest.mark.req("R13.3")
def test_inbound_approve_by_sysadmin(app, world):
    inbound = act(world.unit_editor, "molisa_sharing_inbound_create", **_inbound_form(world))
    url = f"/sharing/inbound/{inbound['id']}"
    html = post(app, url + "/approve", {"harvest_source_id": "no-such-source"}, world.sysadmin)
    assert "form-approve" in html
    post(app, url + "/approve", {"reason": "Đồng ý"}, world.sysadmin)
    html = get(app, url, world.unit_editor)
    assert "Đồng ý" in html
