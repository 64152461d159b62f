"""The Open Data List's actions and who may call them (R14.1, R14.2, R5.5),
against the real PostgreSQL and Solr."""
from __future__ import annotations

import datetime

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa.model.odl import Entry, Version
from ckanext.molisa.odl.deadlines import add_months
from ckanext.molisa.testing.factories import act, dataset_data

from .conftest import TODAY, days, entry


@pytest.mark.req("R14.1", "R14.2")
def test_each_entry_gets_its_state_from_the_linked_dataset(world, odl):
    shown = act(None, "molisa_odl_version_show")
    assert shown["id"] == odl.version["id"] and shown["state"] == "in_force"
    assert shown["decision_number"] == "123/QĐ-BLĐTBXH" and shown["approver"] == "Bộ trưởng"
    states = {e["title"]: e["state"] for e in shown["entries"]}
    assert states == {"Người cao tuổi theo tỉnh": "planned", "Trẻ em mồ côi theo tỉnh": "overdue",
                      "Đối tượng trợ giúp xã hội": "on_time", "Lao động có việc làm": "late"}
    by_state = {e["state"]: e for e in shown["entries"]}
    assert by_state["planned"]["status"]["due"] == days(30)
    assert by_state["overdue"]["status"]["due"] == days(-10)
    # published today, before its first due date: next due a year after that date
    on_time = by_state["on_time"]
    assert on_time["status"]["published"] == TODAY.isoformat()
    first_due = TODAY + datetime.timedelta(days=5)
    assert on_time["status"]["due"] == add_months(first_due, 12).isoformat()
    assert on_time["dataset"]["name"] == world.datasets["open"]["name"]
    late = by_state["late"]
    assert late["status"]["published"] == days(-40) and late["unit"]["name"] == "cuc-viec-lam"
    assert shown["summary"]["counts"] == {"planned": 1, "on_time": 1, "late": 1, "overdue": 1}


@pytest.mark.req("R5.5", "R14.1")
def test_status_summary_gives_each_units_on_time_rate(world, odl):
    summary = act(None, "molisa_odl_status_summary")
    assert summary["version"]["number"] == 1
    assert summary["entries"] == 4 and summary["on_time_rate"] == pytest.approx(1 / 3, abs=1e-3)
    rates = {u["name"]: u["on_time_rate"] for u in summary["units"]}
    assert rates == {"cuc-bao-tro-xa-hoi": 0.5, "cuc-viec-lam": 0.0}
    mine = act(None, "molisa_odl_status_summary", owner_org="cuc-viec-lam")
    assert mine["counts"] == {"planned": 0, "on_time": 0, "late": 1, "overdue": 0}
    assert [e["state"] for e in act(None, "molisa_odl_entry_list", state="overdue")] == ["overdue"]


@pytest.mark.req("R14.1")
def test_an_amendment_is_a_new_version_and_keeps_the_history(world, odl):
    admin = world.sysadmin
    draft = act(admin, "molisa_odl_version_create")
    assert draft["state"] == "draft" and draft["number"] == 2
    assert draft["based_on"] == odl.version["id"]
    copied = act(admin, "molisa_odl_entry_list", version_id=draft["id"])
    assert len(copied) == 4
    # the links came along, and the entries keep their keys
    assert {e["key"] for e in copied} == {e["key"] for e in odl.entries.values()}
    planned = next(e for e in copied if e["title"] == "Người cao tuổi theo tỉnh")
    act(admin, "molisa_odl_entry_update", id=planned["id"], first_due=days(90),
        title="Người cao tuổi theo tỉnh và giới tính")
    removed = next(e for e in copied if e["title"] == "Trẻ em mồ côi theo tỉnh")
    act(admin, "molisa_odl_entry_delete", id=removed["id"])
    # the version in force is not touched while the draft is edited
    assert len(act(None, "molisa_odl_version_show")["entries"]) == 4
    approved = act(admin, "molisa_odl_version_approve", id=draft["id"],
                   decision_number="456/QĐ-BLĐTBXH", decision_date=days(0), approver="Thứ trưởng")
    assert approved["state"] == "in_force"
    old = act(None, "molisa_odl_version_show", id=odl.version["id"])
    assert old["state"] == "superseded" and len(old["entries"]) == 4
    assert "Người cao tuổi theo tỉnh" in {e["title"] for e in old["entries"]}
    now = act(None, "molisa_odl_version_show")
    assert now["id"] == draft["id"] and len(now["entries"]) == 3
    assert model.Session.query(Version).filter(Version.state == "in_force").count() == 1
    assert [v["number"] for v in act(None, "molisa_odl_version_list")] == [2, 1]


@pytest.mark.req("R14.1")
def test_an_approved_version_cannot_be_edited(world, odl):
    admin = world.sysadmin
    with pytest.raises(tk.ValidationError) as err:
        act(admin, "molisa_odl_entry_update", id=odl.entries["planned"]["id"], title="Khác")
    assert "id" in err.value.error_dict
    with pytest.raises(tk.ValidationError):
        act(admin, "molisa_odl_entry_create",
            **entry(odl.version["id"], world.unit["id"], "Thêm"))
    with pytest.raises(tk.ValidationError):
        act(admin, "molisa_odl_version_approve", id=odl.version["id"], decision_number="1",
            decision_date=days(0), approver="X")
    assert Entry.get(odl.entries["planned"]["id"]).title == "Người cao tuổi theo tỉnh"


@pytest.mark.req("R14.1")
def test_bad_input_gets_a_message_per_field(world):
    admin = world.sysadmin
    draft = act(admin, "molisa_odl_version_create")
    with pytest.raises(tk.ValidationError) as err:
        act(admin, "molisa_odl_entry_create", version_id=draft["id"], owner_org="khong-co",
            title="", sector="vu-tru", update_frequency="hourly", first_due="2025-02-30")
    assert set(err.value.error_dict) >= {"owner_org", "title", "sector", "update_frequency",
                                         "first_due"}
    with pytest.raises(tk.ValidationError) as err:
        act(admin, "molisa_odl_version_approve", id=draft["id"])
    assert set(err.value.error_dict) >= {"decision_number", "decision_date", "approver"}
    with pytest.raises(tk.ValidationError) as err:   # no entries
        act(admin, "molisa_odl_version_approve", id=draft["id"], decision_number="1",
            decision_date=days(0), approver="X")
    assert "id" in err.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        act(None, "molisa_odl_version_show", id="khong-co")


@pytest.mark.req("R14.1")
def test_outsiders_cannot_write_or_read_drafts(world, odl):
    draft = act(world.sysadmin, "molisa_odl_version_create")
    for who in (None, world.user, world.unit_admin, world.other_admin):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_odl_version_create")
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_odl_entry_create", **entry(draft["id"], world.unit["id"], "X"))
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_odl_version_approve", id=draft["id"], decision_number="1",
                decision_date=days(0), approver="X")
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_odl_version_show", id=draft["id"])
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_odl_entry_list", version_id=draft["id"])
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_odl_sweep")
        assert draft["id"] not in {v["id"] for v in act(who, "molisa_odl_version_list")}
        # the approved list is public
        assert len(act(who, "molisa_odl_entry_list")) == 4
    assert draft["id"] in {v["id"] for v in act(world.sysadmin, "molisa_odl_version_list")}


@pytest.mark.req("R14.1")
@pytest.mark.ckan_config("ckanext.molisa.odl.managing_unit", "cuc-viec-lam")
def test_the_managing_units_admins_manage_the_list(world):
    draft = act(world.other_admin, "molisa_odl_version_create")
    act(world.other_admin, "molisa_odl_entry_create",
        **entry(draft["id"], world.unit["id"], "Người khuyết tật"))
    assert act(world.other_admin, "molisa_odl_version_show", id=draft["id"])["entries"]
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_odl_version_create")


@pytest.mark.req("R14.1")
def test_a_units_admins_link_their_own_entries_to_their_own_open_datasets(world, odl):
    planned = odl.entries["planned"]
    with pytest.raises(tk.NotAuthorized):
        act(world.other_admin, "molisa_odl_entry_link", id=planned["id"],
            package_id=odl.other_open["id"])
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_editor, "molisa_odl_entry_link", id=planned["id"],
            package_id=world.datasets["open"]["id"])
    with pytest.raises(tk.ValidationError) as err:   # another unit's dataset
        act(world.unit_admin, "molisa_odl_entry_link", id=planned["id"],
            package_id=odl.other_open["id"])
    assert "package_id" in err.value.error_dict
    with pytest.raises(tk.ValidationError):          # not open data
        act(world.unit_admin, "molisa_odl_entry_link", id=planned["id"],
            package_id=world.datasets["default_shared"]["id"])
    fresh = helpers.call_action("package_create", context={"user": world.sysadmin["name"]},
                                **dataset_data(world.unit["id"], "open", name="nguoi-cao-tuoi"))
    linked = act(world.unit_admin, "molisa_odl_entry_link", id=planned["id"],
                 package_id=fresh["name"])
    assert linked["package_id"] == fresh["id"] and linked["state"] == "on_time"
    assert linked["linked_by"] == model.User.get(world.unit_admin["name"]).id
