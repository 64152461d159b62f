"""Builders of the tests' data, once for the four suites: a MOLISA dataset
as a unit sends it, the uploads, a sharing request, and a small world of two
units, their people and a dataset at each access level (each with an
uploaded CSV in the file store and its rows in the DataStore).

Everything goes through the real actions, PostgreSQL, Solr and the file
store. The sharing helpers call sharing's actions by name.
"""
from __future__ import annotations

import datetime
import io
import os
from types import SimpleNamespace

from werkzeug.datastructures import FileStorage

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model

from . import solr

HERE = os.path.dirname(__file__)
LEVELS = ("open", "default_shared", "special_request", "internal")


def csv_upload(name: str = "people.csv") -> FileStorage:
    with open(os.path.join(HERE, "data", "people.csv"), "rb") as f:
        return FileStorage(io.BytesIO(f.read()), filename=name, content_type="text/csv")


def pdf_upload(name: str = "thiet-ke-ky-thuat.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(b"%PDF-1.4\n% technical design\n"), filename=name,
                       content_type="application/pdf")


def dataset_data(owner_org: str, level: str, **overrides) -> dict:
    data = {
        "type": "dataset",
        "name": f"tro-giup-xa-hoi-{level.replace('_', '-')}",
        "title": f"Đối tượng trợ giúp xã hội ({level})",
        "title_en": f"Social assistance beneficiaries ({level})",
        "notes": "Danh sách đối tượng trợ giúp xã hội theo tỉnh.",
        "owner_org": owner_org,
        "sector": "bao-tro-xa-hoi",
        "access_level": level,
        "personal_data": "false" if level == "open" else "true",
        "license_id": {"open": "cc-by-4.0", "internal": "molisa-internal"}.get(level, "molisa-restricted"),
        "update_frequency": "annual",
        "source_system": "csdl-bao-tro-xa-hoi",
        "contact_name": "Phòng Thống kê - Cục Bảo trợ xã hội",
        "contact_email": "thongke.btxh@molisa.example.vn",
        "sharing_fee": 0 if level == "open" else 500000,
    }
    data.update(overrides)
    return data


def period(days_from: int = 0, days_to: int = 180) -> tuple[str, str]:
    today = datetime.date.today()
    return ((today + datetime.timedelta(days=days_from)).isoformat(),
            (today + datetime.timedelta(days=days_to)).isoformat())


def request_data(datasets, **overrides) -> dict:
    start, end = period()
    data = {
        "datasets": datasets,
        "requester_type": "organization",
        "requester_organization": "Viện Khoa học Lao động và Xã hội",
        "user_name": "Lê Văn Dùng",
        "user_position": "Nghiên cứu viên",
        "user_email": "dung.le@ilssa.example.vn",
        "user_phone": "+84 912 345 678",
        "purpose": "Nghiên cứu chính sách trợ giúp xã hội",
        "scope": "Số đối tượng theo tỉnh",
        "content": "Bảng tổng hợp theo tỉnh, năm 2024",
        "period_start": start,
        "period_end": end,
        "legal_basis": "Nghị định 47/2020/NĐ-CP, sửa đổi",
    }
    data.update(overrides)
    return data


def act(user: dict | None, action: str, **data):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return helpers.call_action(action, context=context, **data)


class World(SimpleNamespace):
    def ctx(self, who: str) -> dict:
        return {"user": getattr(self, who)["name"] if getattr(self, who) else ""}

    def grant(self, applicant: dict, level: str = "special_request", **approve) -> dict:
        """A request by ``applicant`` for the dataset at ``level``, submitted
        and approved by the unit's admin; returns the grant."""
        req = act(applicant, "molisa_sharing_request_create",
                  **request_data([self.datasets[level]["id"]]))
        act(applicant, "molisa_sharing_request_submit", id=req["id"])
        req = act(self.unit_admin, "molisa_sharing_request_approve", id=req["id"], **approve)
        return act(self.sysadmin, "molisa_sharing_grant_show", id=req["grant_id"])

    def set_grant(self, grant_id: str, **values) -> None:
        """Set a grant's row directly (to place it in the past)."""
        from ckanext.molisa_sharing.model import Grant
        grant = model.Session.get(Grant, grant_id)
        for key, value in values.items():
            setattr(grant, key, value)
        model.repo.commit()
        _forget()

    def submitted(self, applicant: dict, level: str = "special_request", **overrides) -> dict:
        """A request by ``applicant`` for the dataset at ``level``, submitted."""
        req = act(applicant, "molisa_sharing_request_create",
                  **request_data([self.datasets[level]["id"]], **overrides))
        return act(applicant, "molisa_sharing_request_submit", id=req["id"])

    def set_row(self, cls, row_id: str, **values) -> None:
        """Set any sharing row directly (a request's or report's due date in
        the past)."""
        row = model.Session.get(cls, row_id)
        for key, value in values.items():
            setattr(row, key, value)
        model.repo.commit()
        _forget()


def _forget() -> None:
    """Sharing keeps decisions for the length of a request; rows set by hand
    must be seen at once."""
    from ckanext.molisa_sharing import access
    access.forget()


def build_world() -> World:
    """Two units, their people and a dataset at each access level (with an
    uploaded CSV and its rows in the DataStore), indexed with one commit."""
    with solr.one_commit():
        return _world()


def _world() -> World:
    sysadmin = factories.SysadminWithToken(email="admin@molisa.example.vn")
    unit_admin = factories.UserWithToken(name="unit-admin", email="admin.btxh@molisa.example.vn")
    unit_editor = factories.UserWithToken(name="unit-editor")
    unit_member = factories.UserWithToken(name="unit-member")
    other_admin = factories.UserWithToken(name="other-admin")
    user = factories.UserWithToken(name="data-user", email="user@example.vn")
    grantee = factories.UserWithToken(name="grantee", email="grantee@example.vn")
    suspended = factories.UserWithToken(name="suspended-grantee")
    expired = factories.UserWithToken(name="expired-grantee")
    agency_applicant = factories.UserWithToken(name="agency-applicant",
                                               email="it@bhxh.example.gov.vn")
    unit = factories.Organization(
        name="cuc-bao-tro-xa-hoi", title="Cục Bảo trợ xã hội", unit_type="department",
        users=[{"name": unit_admin["name"], "capacity": "admin"},
               {"name": unit_editor["name"], "capacity": "editor"},
               {"name": unit_member["name"], "capacity": "member"}])
    other = factories.Organization(name="cuc-viec-lam", title="Cục Việc làm", unit_type="department",
                                   users=[{"name": other_admin["name"], "capacity": "admin"}])
    admin_ctx = {"user": sysadmin["name"]}
    datasets, resources = {}, {}
    for level in LEVELS:
        pkg = helpers.call_action("package_create", context=dict(admin_ctx),
                                  **dataset_data(unit["id"], level))
        res = helpers.call_action("resource_create", context=dict(admin_ctx),
                                  package_id=pkg["id"], name="Bảng số liệu", format="CSV",
                                  upload=csv_upload(), url="people.csv")
        helpers.call_action("datastore_create", context=dict(admin_ctx), resource_id=res["id"],
                            force=True,
                            fields=[{"id": "tinh", "type": "text"}, {"id": "nam", "type": "int"},
                                    {"id": "so_nguoi", "type": "int"},
                                    {"id": "ho_ten", "type": "text"}],
                            records=[{"tinh": "ha-noi", "nam": 2024, "so_nguoi": 120,
                                      "ho_ten": "Nguyen Van A"},
                                     {"tinh": "hue", "nam": 2024, "so_nguoi": 80,
                                      "ho_ten": "Tran Thi B"}])
        datasets[level] = helpers.call_action("package_show", context=dict(admin_ctx),
                                              id=pkg["id"])
        resources[level] = res
    w = World(sysadmin=sysadmin, unit_admin=unit_admin, unit_editor=unit_editor,
              unit_member=unit_member, other_admin=other_admin, user=user, grantee=grantee,
              suspended_grantee=suspended, expired_grantee=expired,
              agency_applicant=agency_applicant, anonymous=None, unit=unit, other=other,
              datasets=datasets, resources=resources)
    return w


def meritorious_dataset(unit_id: str, /, **overrides) -> dict:
    """A valid open MOLISA dataset with every optional field filled, as a
    unit would send it to ``package_create``; ``None`` drops a field."""
    data = {
        "type": "dataset",
        "name": "nguoi-co-cong-theo-tinh-2024",
        "title": "Số người có công theo tỉnh, năm 2024",
        "title_en": "Meritorious people by province, 2024",
        "notes": "Số người có công với cách mạng đang hưởng trợ cấp, theo tỉnh.",
        "notes_en": "People with meritorious service receiving allowances, by province.",
        "owner_org": unit_id,
        "sector": "nguoi-co-cong",
        "tags": [{"name": "người có công"}, {"name": "trợ cấp"}],
        "access_level": "open",
        "personal_data": "false",
        "license_id": "cc-by-4.0",
        "legal_basis": "Pháp lệnh Ưu đãi người có công với cách mạng 2020",
        "source_system": "csdl-nguoi-co-cong",
        "update_frequency": "annual",
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        "province": ["ha-noi", "hue"],
        "contact_name": "Phòng Thống kê - Cục Người có công",
        "contact_email": "thongke.ncc@molisa.gov.vn",
        "quality_note": "Số liệu tổng hợp từ báo cáo của các Sở.",
        "version": "1.0",
        "issued": "2025-02-01",
        "modified": "2025-03-01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
