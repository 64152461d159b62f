"""`make run`'s demo Open Data List: approved, amended once, with entries on
time, late, overdue and planned, linked to the demo catalogue's datasets."""
from __future__ import annotations

import datetime

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa.demo import odl
from ckanext.molisa.logic import odl_action

#: the day the demo's dates describe (open_data_list.yaml): the states are
#: computed as on that day, so that the test does not change with the calendar
DEMO_DAY = datetime.date(2026, 12, 3)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.mark.req("R14.1")
def test_the_demo_list_has_every_state(ckan_config, tmp_path, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    monkeypatch.setattr(odl_action, "today", lambda: DEMO_DAY)
    admin = factories.Sysadmin()
    context = {"user": admin["name"]}
    helpers.call_action("molisa_units_seed", context=dict(context))
    helpers.call_action("molisa_demo_load", context=dict(context), with_datastore=False)
    counts = odl.load(dict(context))
    assert counts == {"versions": 2, "entries": 12, "linked": 9, "skipped": False}
    versions = helpers.call_action("molisa_odl_version_list", context={"user": ""})
    assert [v["state"] for v in versions] == ["in_force", "superseded"]
    shown = helpers.call_action("molisa_odl_version_show", context={"user": ""})
    states = {e["state"] for e in shown["entries"]}
    assert states == {"planned", "on_time", "late", "overdue"}
    assert len(shown["entries"]) == 12 and shown["decision_number"] == "2210/QĐ-BLĐTBXH"
    assert odl.load(dict(context))["skipped"] is True
