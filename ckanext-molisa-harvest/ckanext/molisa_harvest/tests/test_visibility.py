"""Harvest internals stay inside (R4.3, R12.1): a sector-database source, its
jobs, objects and logs are seen only by sysadmins and the admins of its unit;
another portal's source is public without its configuration or credentials;
harvest objects follow their datasets."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_harvest import sector_sources

CONFIG_SECRET = "khoa-bi-mat-cua-nguon"


@pytest.fixture
def world(units, sector_db, clean_index):
    unit = units["cuc-nguoi-co-cong"]
    people = {
        "admin": factories.UserWithToken(), "editor": factories.UserWithToken(),
        "member": factories.UserWithToken(), "stranger": factories.UserWithToken(),
        "sysadmin": factories.SysadminWithToken(),
    }
    for who, capacity in (("admin", "admin"), ("editor", "editor"), ("member", "member")):
        helpers.call_action("organization_member_create", context={"ignore_auth": True},
                            id=unit["id"], username=people[who]["name"], role=capacity)
    url = sector_db.url + "?application_name=" + CONFIG_SECRET
    source = sector_sources.ensure_source("nguon-kin", url, sector_db.config(),
                                          owner_org=unit["name"])
    sector_sources.run_source(source["id"])
    portal = helpers.call_action(
        "harvest_source_create", context={"user": people["sysadmin"]["name"]},
        name="cong-quoc-gia", title="Cổng dữ liệu quốc gia", url="https://user:mat-khau@data.gov.vn.example/",
        source_type="molisa_ckan", owner_org=units["cuc-viec-lam"]["id"], frequency="MANUAL",
        config=json.dumps({"api_key": CONFIG_SECRET}))
    return {"people": people, "source": source, "portal": portal, "unit": unit, "url": url}


def _as(world, who: str, action: str, **data):
    """The action as ``who`` would call it (auth included: call_action skips
    it unless told)."""
    user = world["people"].get(who)
    return helpers.call_action(action, context={"user": user["name"] if user else "",
                                                "ignore_auth": False}, **data)


@pytest.mark.req("R4.3", "R12.1")
def test_a_sector_source_is_seen_by_sysadmins_and_its_units_admins_only(world, app):
    source_id = world["source"]["id"]
    from ckanext.harvest.model import HarvestJob, HarvestObject
    from ckan import model
    job_id = model.Session.query(HarvestJob.id).filter_by(source_id=source_id).first()[0]
    obj_id = model.Session.query(HarvestObject.id).filter_by(
        harvest_source_id=source_id).first()[0]
    for who in ("sysadmin", "admin"):
        assert _as(world, who, "harvest_source_show", id=source_id)["url"].startswith("postgresql")
        assert _as(world, who, "harvest_job_show", id=job_id)["id"] == job_id
        assert _as(world, who, "harvest_object_show", id=obj_id)["content"]
        assert source_id in [s["id"] for s in _as(world, who, "harvest_source_list")]
        found = _as(world, who, "package_search", fq="dataset_type:harvest",
                    include_private=True)
        assert sorted(r["name"] for r in found["results"]) == ["cong-quoc-gia", "nguon-kin"], who
    for who in (None, "stranger", "member", "editor"):
        for action, data in (("harvest_source_show", {"id": source_id}),
                             ("harvest_source_show_status", {"id": source_id}),
                             ("harvest_job_show", {"id": job_id}),
                             ("harvest_job_list", {"source_id": source_id}),
                             ("harvest_object_show", {"id": obj_id}),
                             ("harvest_object_list", {"source_id": source_id}),
                             ("harvest_log_list", {}),
                             ("molisa_harvest_source_health", {"id": source_id})):
            with pytest.raises(tk.NotAuthorized):
                _as(world, who, action, **data)
        assert source_id not in [s["id"] for s in _as(world, who, "harvest_source_list")]
        found = _as(world, who, "package_search", fq="dataset_type:harvest")
        assert [r["name"] for r in found["results"]] == ["cong-quoc-gia"]
        # looked up by its address, it is "not found", as an address no source has
        with pytest.raises(tk.ObjectNotFound):
            _as(world, who, "harvest_source_show", url=world["url"])
    for path in (f"/harvest/{world['source']['name']}", f"/harvest/about/{world['source']['name']}",
                 f"/harvest/object/{obj_id}"):
        response = app.get(path)
        assert response.status_code in (403, 404), path
        assert "postgresql://" not in response.body and CONFIG_SECRET not in response.body
        assert "sector_ro" not in response.body


@pytest.mark.req("R4.3", "R9.2")
def test_another_portals_source_is_public_without_its_configuration(world, app):
    portal = world["portal"]
    for who in (None, "stranger", "member"):
        shown = _as(world, who, "harvest_source_show", id=portal["id"])
        assert shown["title"] == "Cổng dữ liệu quốc gia" and shown["source_type"] == "molisa_ckan"
        assert shown["url"] == "https://data.gov.vn.example/"          # no credentials
        assert "config" not in shown and "api_key" not in shown
        text = json.dumps(_as(world, who, "harvest_source_list")) + json.dumps(
            _as(world, who, "package_search", fq="dataset_type:harvest", fl="*"))
        assert CONFIG_SECRET not in text and "mat-khau" not in text
        assert _as(world, who, "package_search", q=CONFIG_SECRET)["count"] == 0
    page = app.get(f"/harvest/about/{portal['name']}").body
    assert "Cổng dữ liệu quốc gia" in page and CONFIG_SECRET not in page and "mat-khau" not in page
    # its unit's admin (a sysadmin here) sees the configuration
    assert json.loads(_as(world, "sysadmin", "harvest_source_show",
                          id=portal["id"])["config"])["api_key"] == CONFIG_SECRET
