"""The sector-database harvester against a real PostgreSQL source, with the
real CKAN, DataStore, file store, Solr and Redis queue."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectError
from ckanext.molisa_audit import recorder, shipper
from ckanext.molisa_harvest import sector_sources

OPEN_NCC = "test-nguoi-co-cong-theo-tinh"
OPEN_BTXH = "test-bao-tro-theo-tinh"
RECORDS = "test-hoc-vien-gdnn"
LEAKY = "test-ghi-chu-tong-hop"


def _show(name):
    return helpers.call_action("package_show", context={"ignore_auth": True}, id=name)


def _errors_of(source_id):
    rows = (model.Session.query(HarvestObject.guid, HarvestObjectError.message)
            .join(HarvestObjectError, HarvestObjectError.harvest_object_id == HarvestObject.id)
            .filter(HarvestObject.harvest_source_id == source_id))
    return {guid: message for guid, message in rows}


def _activities(package_id):
    return helpers.call_action("package_activity_list", context={"ignore_auth": True},
                               id=package_id, limit=100)


def _rows(name):
    res = _show(name)["resources"][0]
    result = helpers.call_action("datastore_search", context={"ignore_auth": True},
                                 resource_id=res["id"], limit=32000)
    return result["total"], result["records"]


def _source_count(sector_db, sql):
    import sqlalchemy as sa
    engine = sa.create_engine(sector_db.owner_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        value = conn.execute(sa.text(sql.replace("{schema}", sector_db.schema))).scalar()
    engine.dispose()
    return value


@pytest.mark.req("R5.4", "R5.5", "R8.1", "R14.1")
def test_a_harvest_publishes_csv_and_datastore(source, sector_db):
    report = sector_sources.run_source(source)
    assert report == {"changed": 3, "errors": 1, "withdrawn": 0}

    pkg = _show(OPEN_NCC)
    assert pkg["type"] == "dataset"
    assert pkg["access_level"] == "open" and pkg["license_id"] == "cc-by-4.0"
    assert pkg["personal_data"] == "false"
    assert pkg["sector"] == "nguoi-co-cong" and pkg["update_frequency"] == "monthly"
    assert pkg["source_system"] == "csdl-nguoi-co-cong"
    assert pkg["organization"]["name"] == "cuc-nguoi-co-cong"
    # linked to its source and table: the harvest object, and the resource
    link = model.Session.query(HarvestObject).filter_by(package_id=pkg["id"], current=True).one()
    assert link.harvest_source_id == source and link.guid == OPEN_NCC
    (res,) = pkg["resources"]
    assert res["harvest_source_table"] == "v_nguoi_co_cong_theo_tinh"
    assert res["format"] == "CSV" and res["url_type"] == "upload" and res["datastore_active"]
    # the CSV is in the file store
    path = uploader.get_resource_uploader(res).get_path(res["id"])
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert lines[0] == "ma_tinh,loai_doi_tuong,gioi_tinh,so_nguoi"
    # ... and its rows in the DataStore, served by datastore_search
    total, records = _rows(OPEN_NCC)
    assert total == len(lines) - 1 == _source_count(
        sector_db, "SELECT count(*) FROM {schema}.v_nguoi_co_cong_theo_tinh")
    assert sum(r["so_nguoi"] for r in records) == 400
    # a record-level dataset, with personal data, is not open
    detail = _show(RECORDS)
    assert detail["access_level"] == "default_shared" and detail["personal_data"] == "true"
    assert detail["license_id"] == "molisa-restricted"
    assert _rows(RECORDS)[0] == 400
    assert _show(OPEN_BTXH)["organization"]["name"] == "cuc-bao-tro-xa-hoi"


@pytest.mark.req("R4.3")
def test_personal_data_in_values_stops_only_that_dataset(source, sector_db):
    sector_sources.run_source(source)
    errors = _errors_of(source)
    assert list(errors) == [LEAKY]
    assert "ghi_chu" in errors[LEAKY] and "phone" in errors[LEAKY]
    with pytest.raises(tk.ObjectNotFound):
        _show(LEAKY)
    for name in (OPEN_NCC, OPEN_BTXH, RECORDS):
        assert _show(name)["state"] == "active"

    # once the source is cleaned, the next run publishes it
    sector_db.execute("UPDATE {schema}.tong_hop_ghi_chu SET ghi_chu = 'Đã đối soát',"
                      " updated_at = now() WHERE ma_tinh = 'can-tho'")
    assert sector_sources.run_source(source) == {"changed": 1, "errors": 0, "withdrawn": 0}
    assert _rows(LEAKY)[0] == 5


@pytest.mark.req("R4.2", "R5.4")
def test_a_second_run_changes_nothing(source, sector_db):
    sector_sources.run_source(source)
    before = {name: (_show(name)["metadata_modified"], len(_activities(_show(name)["id"])))
              for name in (OPEN_NCC, OPEN_BTXH, RECORDS)}
    assert sector_sources.run_source(source)["changed"] == 0
    after = {name: (_show(name)["metadata_modified"], len(_activities(_show(name)["id"])))
             for name in (OPEN_NCC, OPEN_BTXH, RECORDS)}
    assert after == before
    assert _rows(OPEN_NCC)[0] == _source_count(
        sector_db, "SELECT count(*) FROM {schema}.v_nguoi_co_cong_theo_tinh")


@pytest.mark.req("R4.2", "R5.4", "R8.1")
def test_changed_rows_update_only_their_dataset(source, sector_db):
    sector_sources.run_source(source)
    before = {name: _show(name)["metadata_modified"] for name in (OPEN_NCC, OPEN_BTXH, RECORDS)}

    # by timestamp: a new meritorious person
    sector_db.execute(
        "INSERT INTO {schema}.nguoi_co_cong SELECT 100000, ho_ten, so_cccd, ngay_sinh, gioi_tinh,"
        " 'ha-noi', dia_chi, so_dien_thoai, 'thuong-binh', 41, 2025, now()"
        " FROM {schema}.nguoi_co_cong WHERE id = 1")
    report = sector_sources.run_source(source)
    assert report["changed"] == 1
    after = {name: _show(name)["metadata_modified"] for name in (OPEN_NCC, OPEN_BTXH, RECORDS)}
    assert after[OPEN_NCC] > before[OPEN_NCC]
    assert after[OPEN_BTXH] == before[OPEN_BTXH] and after[RECORDS] == before[RECORDS]
    total, records = _rows(OPEN_NCC)
    assert sum(r["so_nguoi"] for r in records) == 401
    assert len(_show(OPEN_NCC)["resources"]) == 1

    # by checksum (no updated_at configured): an allowance changes
    sector_db.execute("UPDATE {schema}.doi_tuong_bao_tro SET muc_tro_cap = muc_tro_cap + 1"
                      " WHERE id = 7")
    assert sector_sources.run_source(source)["changed"] == 1
    assert _show(OPEN_BTXH)["metadata_modified"] > after[OPEN_BTXH]
    assert _show(OPEN_NCC)["metadata_modified"] == after[OPEN_NCC]


@pytest.mark.req("R5.4")
def test_a_dropped_table_withdraws_its_dataset(source, sector_db):
    sector_sources.run_source(source)
    sector_db.execute("DROP TABLE {schema}.hoc_vien_gdnn CASCADE")
    report = sector_sources.run_source(source)
    assert report == {"changed": 0, "errors": 1, "withdrawn": 1}   # the leaky one still errs
    assert _show(RECORDS)["state"] == "deleted"
    assert _show(OPEN_NCC)["state"] == "active"
    # and only once
    assert sector_sources.run_source(source)["withdrawn"] == 0


@pytest.mark.req("R15.1", "R9.2", "R12.1")
def test_every_connection_is_audited(source, sector_db):
    since = recorder.now_ms()
    sector_sources.run_source(source)
    shipper.ship(recorder.spool_dir())
    sysadmin = helpers.call_action("get_site_user", context={"ignore_auth": True})
    events = helpers.call_action("molisa_audit_event_list", context={"user": sysadmin["name"]},
                                 since=since.isoformat(), channel="harvest", limit=100)["results"]
    actions = sorted(e["action"] for e in events)
    # one gather connection, one fetch connection per changed dataset
    assert actions == ["sector_db_fetch"] * 4 + ["sector_db_gather"]
    for event in events:
        assert event["connection_account"] == "sector_ro"
        assert os.environ["MOLISA_SECTOR_RO_PASSWORD"] not in str(event)   # never the password
    failed = [e for e in events if e["status"] != 200]
    assert len(failed) == 1 and "ghi_chu" in failed[0]["error_message"]


@pytest.mark.req("R5.4", "R11.5")
def test_queue_consumers_run_the_harvest(source, sector_db):
    """End to end through the Redis queue: real ``ckan harvester gather-consumer``
    and ``fetch-consumer`` processes."""
    ini = tk.config["__file__"]
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    procs = [subprocess.Popen([ckan, "-c", ini, "harvester", kind],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for kind in ("gather-consumer", "fetch-consumer")]
    try:
        from ckanext.harvest.queue import purge_queues
        purge_queues()
        site_user = helpers.call_action("get_site_user", context={"ignore_auth": True})
        job = helpers.call_action("harvest_job_create", context={"user": site_user["name"]},
                                  source_id=source, run=True)
        deadline = time.time() + 90
        status = None
        while time.time() < deadline:
            helpers.call_action("harvest_jobs_run", context={"user": site_user["name"]},
                                source_id=source)
            model.Session.remove()
            status = HarvestJob.get(job["id"]).status
            if status == "Finished":
                break
            time.sleep(0.5)
        assert status == "Finished"
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)
    assert _rows(OPEN_NCC)[0] > 0
    assert _show(RECORDS)["state"] == "active"
    assert list(_errors_of(source)) == [LEAKY]


@pytest.mark.req("R9.2", "R15.1")
def test_the_source_health_pages_show_the_run(app, source, sector_db):
    sector_sources.run_source(source)
    sysadmin = helpers.call_action("get_site_user", context={"ignore_auth": True})
    headers = {"Authorization": helpers.call_action(
        "api_token_create", context={"user": sysadmin["name"]},
        user=sysadmin["name"], name="t")["token"]}
    page = app.get("/harvest/test-sector-db", headers=headers)
    assert page.status_code == 200 and "CSDL thử nghiệm" in page.body
    job = app.get("/harvest/test-sector-db/job/last", headers=headers)
    assert job.status_code == 200
    assert "ghi_chu" in job.body                       # the refused dataset, with its column
