"""Fixtures of ckanext-molisa's tests."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers


@pytest.fixture
def unit():
    """An organization standing for a MOLISA unit."""
    return factories.Organization(name="cuc-nguoi-co-cong", title="Cục Người có công",
                                  unit_type="department")


@pytest.fixture
def sysadmin():
    return factories.SysadminWithToken()


@pytest.fixture
def dataset_dict(unit):
    """A valid MOLISA dataset, as a unit would send it to package_create."""

    def make(**overrides):
        data = {
            "type": "dataset",
            "name": "nguoi-co-cong-theo-tinh-2024",
            "title": "Số người có công theo tỉnh, năm 2024",
            "title_en": "Meritorious people by province, 2024",
            "notes": "Số người có công với cách mạng đang hưởng trợ cấp, theo tỉnh.",
            "notes_en": "People with meritorious service receiving allowances, by province.",
            "owner_org": unit["id"],
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

    return make


@pytest.fixture
def create_dataset(sysadmin):
    """package_create as a sysadmin (the auth rules are tested elsewhere)."""

    def create(data):
        return helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)

    return create
