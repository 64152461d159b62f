"""Fixtures of the Open Data List's tests: the world of
``ckanext.molisa.testing.factories`` and an approved list over its two units."""
from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

import ckan.tests.helpers as helpers

from ckanext.molisa.testing.factories import act, build_world, dataset_data

TODAY = datetime.date.today()


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def entry(version_id: str, owner_org: str, title: str, **overrides) -> dict:
    data = {"version_id": version_id, "owner_org": owner_org, "title": title,
            "title_en": title + " (EN)", "description": "Mô tả " + title,
            "sector": "bao-tro-xa-hoi", "coverage": "Toàn quốc, theo tỉnh, hằng năm",
            "legal_basis": "Quyết định 2327/QĐ-BLĐTBXH", "update_frequency": "annual",
            "first_due": days(30)}
    data.update(overrides)
    return data


def approved_list(world) -> SimpleNamespace:
    """Version 1 in force, with one entry in each state:

    * ``planned``: unit, annual, due in 30 days, not published;
    * ``overdue``: unit, annual, due 10 days ago, not published;
    * ``on_time``: unit, annual, due in 5 days, linked to the unit's open dataset;
    * ``late``: other unit, annual, due 60 days ago, linked to its open dataset
      issued 40 days ago.
    """
    admin = world.sysadmin
    other_open = helpers.call_action(
        "package_create", context={"user": admin["name"]},
        **dataset_data(world.other["id"], "open", name="viec-lam-mo", issued=days(-40),
                       modified=days(-40), sector="lao-dong-viec-lam"))
    version = act(admin, "molisa_odl_version_create", note="Danh mục năm 2026")
    entries = {
        "planned": act(admin, "molisa_odl_entry_create",
                       **entry(version["id"], world.unit["name"], "Người cao tuổi theo tỉnh")),
        "overdue": act(admin, "molisa_odl_entry_create",
                       **entry(version["id"], world.unit["id"], "Trẻ em mồ côi theo tỉnh",
                               first_due=days(-10))),
        "on_time": act(admin, "molisa_odl_entry_create",
                       **entry(version["id"], world.unit["id"], "Đối tượng trợ giúp xã hội",
                               first_due=days(5))),
        "late": act(admin, "molisa_odl_entry_create",
                    **entry(version["id"], world.other["id"], "Lao động có việc làm",
                            sector="lao-dong-viec-lam", first_due=days(-60))),
    }
    act(admin, "molisa_odl_entry_link", id=entries["on_time"]["id"],
        package_id=world.datasets["open"]["id"])
    act(admin, "molisa_odl_entry_link", id=entries["late"]["id"], package_id=other_open["id"])
    version = act(admin, "molisa_odl_version_approve", id=version["id"],
                  decision_number="123/QĐ-BLĐTBXH", decision_date=days(-1),
                  approver="Bộ trưởng")
    return SimpleNamespace(version=version, entries=entries, other_open=other_open)


@pytest.fixture
def world(clean_db, clean_index):
    return build_world()


@pytest.fixture
def odl(world):
    return approved_list(world)
