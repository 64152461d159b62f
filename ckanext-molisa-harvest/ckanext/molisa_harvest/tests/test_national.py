"""The National Data Portal, both ways, end to end (R9.2, R12.1, R15.1).

A second CKAN site (``national_site``: the same install, its own database
and Solr core, stock plugins plus ckanext-dcat and ckanext-harvest) stands for
the national portal. Our portal harvests it through the CKAN harvester and
its DCAT endpoint, with the real Redis queue and real consumer processes; it
harvests our DCAT catalogue (served by gunicorn) with ckanext-dcat's RDF
harvester.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from urllib.parse import urlencode

import pytest
import rdflib

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_audit import recorder, shipper
from ckanext.molisa_harvest import mapping
from ckanext.molisa_harvest.tests.national import (  # noqa: F401 (fixtures)
    harvest_consumers, national_site, unique)

DATA = os.path.join(os.path.dirname(__file__), "data")
SECRET_HOST = "files.molisa.test"


# -- helpers ----------------------------------------------------------------------

@pytest.fixture
def portal(clean_db):
    """Our portal's units and a sysadmin."""
    admin = factories.Sysadmin()
    helpers.call_action("molisa_units_seed", context={"user": admin["name"]})
    return {"admin": admin["name"], "since": recorder.now_ms()}


def _ctx(portal) -> dict:
    return {"user": portal["admin"]}


def _source(portal, source_type: str, url: str, **config) -> dict:
    return helpers.call_action("harvest_source_create", context=_ctx(portal),
                               name=unique("nguon"), title="Cổng dữ liệu quốc gia", url=url,
                               source_type=source_type, owner_org="van-phong-bo",
                               config=json.dumps(config) if config else "")


def _harvested(source_id: str, include_deleted: bool = False) -> list[dict]:
    from ckan import model
    from ckanext.harvest.model import HarvestObject
    model.Session.remove()
    ids = {pid for (pid,) in model.Session.query(HarvestObject.package_id).filter(
        HarvestObject.harvest_source_id == source_id, HarvestObject.package_id.isnot(None))}
    out = []
    for pid in ids:
        pkg = helpers.call_action("package_show", context={"ignore_auth": True}, id=pid)
        if include_deleted or pkg["state"] == "active":
            out.append(pkg)
    return out


def _by_title(datasets: list[dict]) -> dict[str, dict]:
    return {d["title"]: d for d in datasets}


def _org_id(name: str) -> str:
    return helpers.call_action("organization_show", context={"ignore_auth": True}, id=name)["id"]


def _audit(portal, action: str) -> list[dict]:
    shipper.ship(recorder.spool_dir())
    return helpers.call_action("molisa_audit_event_list", context=_ctx(portal),
                               since=portal["since"].isoformat(), channel="harvest",
                               action=action, limit=1000)["results"]


def _national_data(national_site) -> dict:
    """Two units of the national portal and three datasets: one of MOLISA's
    Department of Employment (found by its title), two of a province's
    People's Committee (unknown here: the source's unit)."""
    employment = national_site.api("organization_create", name=unique("cuc-viec-lam"),
                                   title="Cục Việc làm")
    province = national_site.api("organization_create", name=unique("ubnd-tinh"),
                                 title="Ủy ban nhân dân tỉnh Hưng Yên")
    batch = unique("lo")
    unemployed = national_site.api(
        "package_create", name=unique("that-nghiep"), owner_org=employment["id"],
        title="Số người thất nghiệp theo tỉnh năm 2024",
        notes="Số người thất nghiệp trong độ tuổi lao động, theo tỉnh.",
        extras=[{"key": "title_en", "value": "Unemployed people by province, 2024"},
                {"key": "notes_en", "value": "Unemployed people of working age, by province."}],
        tags=[{"name": "thất nghiệp"}, {"name": "lao động"}, {"name": batch}], license_id="cc-by",
        maintainer="Phòng Thống kê", maintainer_email="thongke@vieclam.test",
        resources=[{"url": "https://data.gov.vn.test/files/that-nghiep-2024.csv",
                    "name": "that-nghiep-2024.csv", "format": "CSV"}])
    poor = national_site.api(
        "package_create", name=unique("ho-ngheo"), owner_org=province["id"],
        title="Danh sách hộ nghèo tổng hợp 2024", tags=[{"name": "hộ nghèo"}, {"name": batch}],
        license_id="notspecified",
        resources=[{"url": "https://data.gov.vn.test/files/ho-ngheo.xlsx", "format": "XLSX"}])
    other = national_site.api(
        "package_create", name=unique("bao-cao"), owner_org=province["id"],
        title="Báo cáo kinh tế - xã hội quý I", notes="Báo cáo tổng hợp.",
        license_id="odc-odbl", tags=[{"name": batch}])
    return {"batch": batch, "employment": employment, "province": province, "unemployed": unemployed,
            "poor": poor, "other": other}


# -- inbound: the CKAN harvester ------------------------------------------------------

@pytest.mark.req("R9.2", "R12.1", "R15.1")
def test_ckan_harvester_maps_the_national_portal_and_withdraws_deleted_datasets(
        portal, national_site, harvest_consumers):
    nat = _national_data(national_site)
    source = _source(portal, "molisa_ckan", national_site.url, organizations_filter_include=[
        nat["employment"]["name"], nat["province"]["name"]])

    job = harvest_consumers.run(source["id"])
    assert job["stats"].get("errored", 0) == 0, job
    got = _by_title(_harvested(source["id"]))
    assert set(got) == {nat["unemployed"]["title"], nat["poor"]["title"], nat["other"]["title"]}

    unemployed = got[nat["unemployed"]["title"]]
    assert unemployed["type"] == "dataset"
    assert unemployed["id"] == nat["unemployed"]["id"]            # the remote id, kept
    assert unemployed["title_en"] == "Unemployed people by province, 2024"
    assert unemployed["notes_en"] == "Unemployed people of working age, by province."
    assert unemployed["owner_org"] == _org_id("cuc-viec-lam")     # publisher -> unit
    assert unemployed["sector"] == "lao-dong-viec-lam"            # keywords -> sector
    assert unemployed["license_id"] == "cc-by-4.0"
    assert unemployed["access_level"] == "open"
    assert (unemployed["contact_name"], unemployed["contact_email"]) == (
        "Phòng Thống kê", "thongke@vieclam.test")
    assert [r["url"] for r in unemployed["resources"]] == [
        "https://data.gov.vn.test/files/that-nghiep-2024.csv"]

    poor = got[nat["poor"]["title"]]
    assert poor["owner_org"] == _org_id("van-phong-bo")           # unknown publisher: the source's unit
    assert poor["sector"] == "giam-ngheo"
    assert poor["notes"].startswith("Bộ dữ liệu thu thập tự động")   # defaults for what is missing
    assert poor["license_id"] == "cc-by-4.0"
    assert poor["update_frequency"] == "irregular"
    assert poor["contact_email"] == "congdulieu@molisa.gov.vn"
    assert got[nat["other"]["title"]]["sector"] == "khac"
    assert got[nat["other"]["title"]]["license_id"] == "odc-odbl"

    # deleted at the source, changed at the source: withdrawn and updated here
    national_site.api("package_delete", id=nat["poor"]["id"])
    national_site.api("package_patch", id=nat["unemployed"]["id"],
                      title="Số người thất nghiệp theo tỉnh năm 2024 (sửa đổi)")
    harvest_consumers.run(source["id"])
    everything = {d["id"]: d for d in _harvested(source["id"], include_deleted=True)}
    assert everything[nat["poor"]["id"]]["state"] == "deleted"
    assert everything[nat["unemployed"]["id"]]["title"].endswith("(sửa đổi)")
    assert everything[nat["other"]["id"]]["state"] == "active"

    # every connection and every change is in the audit log
    gathers = _audit(portal, "harvest_gather")
    assert len([e for e in gathers if e["connection_account"] == national_site.url]) == 2
    created = {d for e in _audit(portal, "harvest_create") for d in e["datasets"]}
    assert created == {nat["unemployed"]["id"], nat["poor"]["id"], nat["other"]["id"]}
    assert nat["poor"]["id"] in {d for e in _audit(portal, "harvest_withdraw")
                                 for d in e["datasets"]}


# -- inbound: the DCAT harvester --------------------------------------------------------

@pytest.mark.req("R9.2", "R12.1", "R15.1")
def test_dcat_harvester_reads_the_national_catalogue_page_by_page(
        portal, national_site, harvest_consumers):
    """The national portal's /catalog.ttl, two datasets a page."""
    nat = _national_data(national_site)
    # (a filter without spaces: ckanext-dcat writes its paging links unencoded)
    url = f"{national_site.url}/catalog.ttl?" + urlencode({"fq": f"tags:{nat['batch']}"})
    source = _source(portal, "molisa_dcat", url)

    job = harvest_consumers.run(source["id"])
    assert job["stats"].get("errored", 0) == 0, job
    got = _by_title(_harvested(source["id"]))
    assert set(got) == {nat["unemployed"]["title"], nat["poor"]["title"], nat["other"]["title"]}
    unemployed = got[nat["unemployed"]["title"]]
    assert unemployed["type"] == "dataset"
    assert unemployed["owner_org"] == _org_id("cuc-viec-lam")
    assert unemployed["sector"] == "lao-dong-viec-lam"
    assert unemployed["notes"] == nat["unemployed"]["notes"]
    assert [r["url"] for r in unemployed["resources"]] == [
        "https://data.gov.vn.test/files/that-nghiep-2024.csv"]
    assert got[nat["poor"]["title"]]["sector"] == "giam-ngheo"
    assert got[nat["poor"]["title"]]["owner_org"] == _org_id("van-phong-bo")

    national_site.api("package_delete", id=nat["other"]["id"])
    harvest_consumers.run(source["id"])
    states = {d["title"]: d["state"] for d in _harvested(source["id"], include_deleted=True)}
    assert states[nat["other"]["title"]] == "deleted"
    assert states[nat["unemployed"]["title"]] == "active"
    assert _audit(portal, "harvest_gather")


@pytest.fixture
def province_portal():
    """tests/data served over HTTP, as a province portal serves its catalogue."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=DATA)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.req("R9.2", "R12.1")
def test_dcat_ap3_catalogue_of_a_province_keeps_both_languages(
        portal, province_portal, harvest_consumers):
    source = _source(portal, "molisa_dcat", province_portal + "/province_dcat_ap3.ttl",
                     profiles="molisa_dcat_ap_3", rdf_format="turtle")
    job = harvest_consumers.run(source["id"])
    assert job["stats"].get("errored", 0) == 0, job
    got = _by_title(_harvested(source["id"]))
    poor = got["Hộ nghèo, hộ cận nghèo Hà Nội năm 2024"]
    assert poor["title_en"] == "Poor and near-poor households, Ha Noi, 2024"
    assert poor["notes"] == "Số hộ nghèo và cận nghèo theo quận, huyện."
    assert poor["notes_en"] == "Poor and near-poor households by district."
    assert poor["sector"] == "giam-ngheo"
    assert poor["owner_org"] == _org_id(
        "so-lao-dong-thuong-binh-va-xa-hoi-cac-tinh-thanh-pho-truc-thuoc-trung-uong")
    assert poor["update_frequency"] == "annual"
    assert (poor["issued"], poor["modified"]) == ("2025-01-15", "2025-03-01")
    assert (poor["contact_name"], poor["contact_email"]) == ("Phòng Bảo trợ xã hội",
                                                             "btxh@hanoi.test")
    assert poor["license_id"] == "cc-by-4.0"
    assert poor["resources"][0]["url"] == "https://data.hanoi.test/files/ho-ngheo-2024.csv"
    assert poor["resources"][0]["size"] == 2048

    training = got["Tuyển sinh giáo dục nghề nghiệp Hà Nội 2024"]
    assert training["title_en"] == "Vocational training enrolment, Ha Noi, 2024"
    assert training["sector"] == "giao-duc-nghe-nghiep"           # EU theme EDUC
    assert training["owner_org"] == _org_id("van-phong-bo")
    assert training["notes_en"].startswith("Dataset harvested from")


# -- outbound: our catalogue, harvested by the national portal ------------------------------

def _our_datasets(portal) -> dict[str, dict]:
    made = {}
    for level in ("open", "default_shared", "special_request", "internal"):
        made[level] = helpers.call_action(
            "package_create", context=_ctx(portal), type="dataset",
            name=unique("bo-du-lieu-" + level.replace("_", "-")),
            title=f"Lao động có việc làm ({level})", title_en=f"Employed workers ({level})",
            notes="Số lao động có việc làm theo tỉnh.", notes_en="Employed workers by province.",
            owner_org="cuc-viec-lam", sector="lao-dong-viec-lam", access_level=level,
            license_id="cc-by-4.0" if level == "open" else "molisa-restricted",
            update_frequency="quarterly", province=["ha-noi"] if level == "open" else [],
            contact_name="Cục Việc làm", contact_email="vieclam@molisa.gov.vn",
            tag_string="việc làm,lao động",
            resources=[{"url": f"https://{SECRET_HOST}/{level}/lao-dong.csv",
                        "name": "lao-dong.csv", "format": "CSV"}])
    return made


@pytest.mark.req("R9.2", "R12.5", "R4.3")
def test_the_national_portal_harvests_every_open_dataset_and_no_other_data(
        portal, national_site, web_server):
    ours = _our_datasets(portal)
    source = national_site.harvest(web_server.url + "/catalog.ttl")
    got = {d["title"]: d for d in national_site.harvested(source["id"])}

    open_ = got[ours["open"]["title"]]
    assert [r["url"] for r in open_["resources"]] == [f"https://{SECRET_HOST}/open/lao-dong.csv"]
    for level in ("default_shared", "special_request"):
        listed = got[ours[level]["title"]]             # metadata, without the data
        assert all(SECRET_HOST not in (r.get("url") or "") and
                   SECRET_HOST not in (r.get("download_url") or "")
                   for r in listed["resources"]), listed["resources"]
    assert ours["internal"]["title"] not in got
    assert SECRET_HOST + "/internal" not in json.dumps(list(got.values()))


@pytest.mark.req("R9.2", "R14.1")
def test_our_dcat_dataset_carries_the_schema_fields(portal, app):
    ours = _our_datasets(portal)
    resp = app.get(f"/dataset/{ours['open']['name']}.ttl")
    assert resp.status_code == 200
    g = rdflib.Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    dct, molisa = rdflib.namespace.DCTERMS, rdflib.Namespace("https://data.molisa.gov.vn/ns/dcat#")
    ref = next(g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))
    titles = {(str(t), t.language) for t in g.objects(ref, dct.title)}
    assert titles == {("Lao động có việc làm (open)", "vi"), ("Employed workers (open)", "en")}
    assert str(g.value(ref, molisa.sector)) == "lao-dong-viec-lam"
    assert str(g.value(ref, molisa.accessLevel)) == "open"
    assert str(g.value(ref, molisa.unit)) == "cuc-viec-lam"
    assert str(g.value(ref, molisa.province)) == "ha-noi"
    assert str(g.value(ref, dct.accessRights)).endswith("/access-right/PUBLIC")
    assert str(g.value(ref, dct.accrualPeriodicity)).endswith("/frequency/QUARTERLY")
    assert rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON") in \
        set(g.objects(ref, rdflib.URIRef("http://www.w3.org/ns/dcat#theme")))

    # and it reads back into the same fields
    parsed = mapping.to_molisa(_parse_one(resp.get_data(as_text=True)))
    assert (parsed["title"], parsed["title_en"], parsed["sector"], parsed["access_level"],
            parsed["update_frequency"], parsed["owner_org"], parsed["province"]) == (
        "Lao động có việc làm (open)", "Employed workers (open)", "lao-dong-viec-lam", "open",
        "quarterly", "cuc-viec-lam", ["ha-noi"])


def _parse_one(turtle: str) -> dict:
    from ckanext.dcat.processors import RDFParser
    parser = RDFParser(profiles=["molisa_dcat_ap"])
    parser.parse(turtle, _format="turtle")
    return next(iter(parser.datasets()))


@pytest.mark.req("R9.2", "R4.3")
def test_catalogue_lists_restricted_datasets_as_metadata_by_default(portal, app):
    ours = _our_datasets(portal)
    text = app.get("/catalog.ttl").get_data(as_text=True)
    for level in ("open", "default_shared", "special_request"):
        assert ours[level]["id"] in text
    assert f"{SECRET_HOST}/open/" in text
    assert f"{SECRET_HOST}/default_shared/" not in text
    assert f"{SECRET_HOST}/special_request/" not in text
    assert ours["internal"]["id"] not in text


@pytest.mark.req("R9.2", "R4.3")
@pytest.mark.ckan_config("ckanext.molisa_harvest.dcat.restricted", "hide")
def test_catalogue_can_leave_out_every_dataset_that_is_not_open(portal, app):
    ours = _our_datasets(portal)
    for path in ("/catalog.ttl", "/catalog.rdf", "/catalog.jsonld"):
        text = app.get(path).get_data(as_text=True)
        assert ours["open"]["id"] in text, path
        for level in ("default_shared", "special_request", "internal"):
            assert ours[level]["id"] not in text, (path, level)
    assert app.get(f"/dataset/{ours['open']['name']}.ttl").status_code == 200
    assert app.get(f"/dataset/{ours['special_request']['name']}.ttl").status_code == 404
