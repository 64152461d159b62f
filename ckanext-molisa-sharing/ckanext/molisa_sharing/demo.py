"""Demo sharing records for ``make run``: a researcher's requests (one
approved, one waiting for review, one refused), a state agency's approved
default-sharing request with its connection account, and a unit's request to
receive data from outside. Idempotent: nothing is added once the demo
researcher has requests. Every record is made through the actions."""
from __future__ import annotations

import datetime
import secrets
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import access_levels
from ckanext.molisa_sharing.model import Request

RESEARCHER = "demo-nghien-cuu"
AGENCY = "demo-bhxh-viet-nam"


def _user(site: dict, name: str, fullname: str, email: str) -> dict:
    existing = model.User.get(name)
    if existing is not None:
        return {"name": existing.name, "id": existing.id}
    # the password is random and never shown: use "forgot password" (the
    # mail lands in .local/mail) to log in as a demo user
    return tk.get_action("user_create")(
        {"user": site["name"], "ignore_auth": True},
        {"name": name, "fullname": fullname, "email": email,
         "password": secrets.token_urlsafe(24)})


def _datasets(site: dict, level: str, rows: int) -> list[dict]:
    return tk.get_action("package_search")(
        {"user": site["name"], "ignore_auth": True},
        {"fq": access_levels.search_filter(level), "rows": rows, "sort": "name asc"})["results"]


def _apply(user: dict, pkg: dict, **extra) -> dict:
    today = datetime.date.today()
    data = {
        "datasets": [pkg["id"]], "requester_type": "organization",
        "requester_organization": "Viện Nghiên cứu chính sách xã hội (demo)",
        "user_name": "Phạm Minh Nghiên", "user_position": "Nghiên cứu viên chính",
        "user_email": "nghien.pham@vien-demo.example.vn", "user_phone": "+84 24 3826 0000",
        "purpose": "Đánh giá tác động chính sách trợ giúp xã hội giai đoạn 2021-2025",
        "scope": pkg["title"], "content": "Số liệu tổng hợp và chi tiết theo tỉnh",
        "period_start": today.isoformat(),
        "period_end": (today + datetime.timedelta(days=365)).isoformat(),
        "legal_basis": "Nghị định 47/2020/NĐ-CP (sửa đổi); Quyết định 2327/QĐ-BLĐTBXH",
    }
    data.update(extra)
    return tk.get_action("molisa_sharing_request_create")({"user": user["name"]}, data)


def load(context: dict[str, Any]) -> dict[str, int]:
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    researcher = _user(site, RESEARCHER, "Phạm Minh Nghiên (demo)", "nghien.pham@vien-demo.example.vn")
    if model.Session.query(Request).filter(Request.creator_id == researcher["id"]).count():
        return {"requests": 0}
    agency = _user(site, AGENCY, "Bảo hiểm xã hội Việt Nam (demo)", "cntt@bhxh-demo.example.gov.vn")
    special = _datasets(site, access_levels.SPECIAL_REQUEST, 3)
    shared = _datasets(site, access_levels.DEFAULT_SHARED, 1)
    admin = {"user": site["name"]}
    made = 0
    if special:
        req = _apply(researcher, special[0])
        tk.get_action("molisa_sharing_request_submit")({"user": researcher["name"]}, {"id": req["id"]})
        tk.get_action("molisa_sharing_request_approve")(dict(admin), {
            "id": req["id"], "quota_per_day": 1000,
            "conditions": "Chỉ dùng cho nghiên cứu; không công bố dữ liệu cá nhân."})
        made += 1
    if len(special) > 1:
        req = _apply(researcher, special[1])
        tk.get_action("molisa_sharing_request_submit")({"user": researcher["name"]}, {"id": req["id"]})
        made += 1
    if len(special) > 2:
        req = _apply(researcher, special[2], purpose="Thương mại hóa dữ liệu")
        tk.get_action("molisa_sharing_request_submit")({"user": researcher["name"]}, {"id": req["id"]})
        tk.get_action("molisa_sharing_request_reject")(dict(admin), {
            "id": req["id"],
            "reason": "Mục đích thương mại không thuộc trường hợp được khai thác dữ liệu này."})
        made += 1
    if shared:
        from werkzeug.datastructures import FileStorage
        import io
        doc = FileStorage(io.BytesIO(b"%PDF-1.4\n% Thiet ke ket noi (demo)\n"),
                          filename="thiet-ke-ket-noi.pdf", content_type="application/pdf")
        req = _apply(agency, shared[0], kind="service", requester_type="state_agency",
                     requester_organization="Bảo hiểm xã hội Việt Nam",
                     user_name="Trần Kết Nối", user_position="Kỹ sư hệ thống",
                     user_email="cntt@bhxh-demo.example.gov.vn", system_connection=True,
                     security_level=3, attachments=doc,
                     purpose="Đối soát đối tượng hưởng chính sách với dữ liệu bảo hiểm xã hội")
        tk.get_action("molisa_sharing_request_submit")({"user": agency["name"]}, {"id": req["id"]})
        tk.get_action("molisa_sharing_request_approve")(dict(admin), {"id": req["id"]})
        made += 1
    units = tk.get_action("organization_list")({"user": site["name"]}, {"limit": 1})
    if units:
        tk.get_action("molisa_sharing_inbound_create")(dict(admin), {
            "owner_org": units[0], "target": "Cơ sở dữ liệu người có công",
            "source_system": "Cổng dữ liệu quốc gia (data.gov.vn)",
            "scope": "Danh mục dữ liệu mở về lao động, việc làm của các bộ, ngành",
            "schedule": "02:00 hằng ngày", "frequency": "daily",
            "contact_name": "Nguyễn Đầu Mối", "contact_email": "daumoi@molisa-demo.example.gov.vn"})
    return {"requests": made}
