"""Fixtures of WikiMolisa's tests: a small world (a sysadmin, a unit and its
admin, a moderating unit, a citizen and a neighbour), the files beside the
tests as uploads, and a clean throttle."""
from __future__ import annotations

import io
import os
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import FileStorage

import ckan.tests.factories as factories


DATA = os.path.join(os.path.dirname(__file__), "data")


def upload(name: str, content: bytes | None = None) -> FileStorage:
    """A file beside the tests (or ``content`` under ``name``) as an upload."""
    if content is None:
        with open(os.path.join(DATA, name), "rb") as f:
            content = f.read()
    return FileStorage(io.BytesIO(content), filename=name, content_type="text/csv")


def submission(**overrides) -> dict:
    data = {"title": "Số người tham gia câu lạc bộ dưỡng sinh theo tỉnh, 2024",
            "notes": "Tổng hợp từ báo cáo của các câu lạc bộ.",
            "source": "Hội Người cao tuổi các tỉnh", "license_id": "cc-by-4.0",
            "files": [upload("tham_gia_clb.csv")]}
    data.update(overrides)
    return data


@pytest.fixture
def world(clean_db, clean_index):
    """A sysadmin, a unit with its admin, a moderating unit with its member,
    a citizen and their neighbour (no datasets: WikiMolisa starts empty)."""
    from ckanext.molisa.reports import throttle
    from ckanext.molisa.wiki import verification
    throttle.forget()
    verification.forget()
    sysadmin = factories.SysadminWithToken(email="admin@molisa.example.vn")
    unit_admin = factories.UserWithToken(name="unit-admin", email="admin.btxh@molisa.example.vn")
    moderator = factories.UserWithToken(name="kiem-duyet", email="kiem.duyet@molisa.example.vn")
    unit = factories.Organization(name="cuc-bao-tro-xa-hoi", unit_type="department",
                                  users=[{"name": unit_admin["name"], "capacity": "admin"}])
    it_centre = factories.Organization(name="trung-tam-cong-nghe-thong-tin",
                                       unit_type="centre_or_fund",
                                       users=[{"name": moderator["name"], "capacity": "member"}])
    return SimpleNamespace(
        sysadmin=sysadmin, unit_admin=unit_admin, moderator=moderator, unit=unit,
        it_centre=it_centre,
        citizen=factories.UserWithToken(name="cong-dan", email="cong.dan@example.vn"),
        neighbour=factories.UserWithToken(name="hang-xom", email="hang.xom@example.vn"))
