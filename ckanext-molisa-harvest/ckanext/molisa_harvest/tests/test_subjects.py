"""The subject index of the sector data ("My data"): the keyed hash of each
record's personal identification number -> its DataStore row, kept by the
sector-database harvester against the real source database, DataStore and
PostgreSQL; followed through incremental harvests and withdrawals."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa import subjects as subject_keys
from ckanext.molisa_harvest import sector_sources, subjects
from ckanext.molisa_harvest.harvesters import sector_db_config

RECORDS = "test-hoc-vien-gdnn"          # indexed on so_cccd (fixtures/sector_source.yaml)
OPEN_NCC = "test-nguoi-co-cong-theo-tinh"


def _resource(name):
    pkg = helpers.call_action("package_show", context={"ignore_auth": True}, id=name)
    return pkg["resources"][0]


def _datastore_rows(resource_id):
    result = helpers.call_action("datastore_search", context={"ignore_auth": True},
                                 resource_id=resource_id, limit=32000)
    return result["records"]


def _source_people(sector_db):
    engine = sa.create_engine(sector_db.owner_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            f"SELECT id, so_cccd FROM {sector_db.schema}.hoc_vien_gdnn")).all()
    engine.dispose()
    return {row_id: cccd.strip() for row_id, cccd in rows}


def _index_of(resource_id):
    table = subjects.subject_table
    return {row_id: digest for row_id, digest in model.Session.execute(
        sa.select(table.c.row_id, table.c.subject_hash)
        .where(table.c.resource_id == resource_id))}


def _expected_index(resource_id):
    """What the index must say, from the DataStore rows themselves."""
    return {r["_id"]: subject_keys.subject_hash(r["so_cccd"].strip())
            for r in _datastore_rows(resource_id)}


@pytest.mark.req("R17.2", "R18.5")
def test_a_harvest_indexes_every_row_under_its_keyed_hash(source, sector_db, caplog):
    caplog.set_level(logging.DEBUG)
    sector_sources.run_source(source)
    res = _resource(RECORDS)
    index = _index_of(res["id"])
    assert len(index) == 400
    assert index == _expected_index(res["id"])
    # one person: exactly the rows that carry their number
    people = _source_people(sector_db)
    pid = people[17]
    found = subjects.rows_of(subject_keys.subject_hash(pid))
    assert list(found) == [res["id"]]
    rows = {r["_id"]: r for r in _datastore_rows(res["id"])}
    assert {rows[i]["so_cccd"].strip() for i in found[res["id"]]} == {pid}
    assert len(found[res["id"]]) == sum(1 for v in people.values() if v == pid)
    # a number nobody has finds nothing, and neither does the number in clear
    assert subjects.rows_of(subject_keys.subject_hash("999999999999")) == {}
    assert subjects.rows_of(pid) == {}
    # the number is never stored, the key never logged; aggregates are not indexed
    assert pid not in set(index.values())
    assert tk.config["ckanext.molisa.subject_key"] not in caplog.text
    assert subjects.count_for(_resource(OPEN_NCC)["id"]) == 0


@pytest.mark.req("R17.2")
def test_incremental_harvests_keep_the_index_current(source, sector_db):
    sector_sources.run_source(source)
    res_id = _resource(RECORDS)["id"]
    people = _source_people(sector_db)
    moved, added = people[5], "001199012345"
    assert added not in people.values()
    # one record's number corrected, one record added, one removed
    sector_db.execute(f"UPDATE {{schema}}.hoc_vien_gdnn SET so_cccd = '{added}',"
                      " updated_at = now() WHERE id = 5")
    sector_db.execute("INSERT INTO {schema}.hoc_vien_gdnn SELECT 9001, ho_ten, so_cccd,"
                      " ngay_sinh, gioi_tinh, ma_tinh, nganh_nghe, trinh_do, nam_tuyen_sinh,"
                      " trang_thai, now() FROM {schema}.hoc_vien_gdnn WHERE id = 9")
    gone = people[12]
    sector_db.execute("DELETE FROM {schema}.hoc_vien_gdnn WHERE id = 12")
    report = sector_sources.run_source(source)
    assert report["changed"] == 1

    assert _resource(RECORDS)["id"] == res_id
    index = _index_of(res_id)
    assert len(index) == 400 and index == _expected_index(res_id)
    people = _source_people(sector_db)
    for pid in (moved, added, gone, people[9]):
        rows = subjects.rows_of(subject_keys.subject_hash(pid)).get(res_id, [])
        assert len(rows) == sum(1 for v in people.values() if v == pid), pid
    assert len(subjects.rows_of(subject_keys.subject_hash(added))[res_id]) >= 1
    # a run with nothing changed leaves it as it is
    assert sector_sources.run_source(source)["changed"] == 0
    assert _index_of(res_id) == index


@pytest.mark.req("R17.2")
def test_a_withdrawn_dataset_drops_out_of_the_index(source, sector_db):
    sector_sources.run_source(source)
    res_id = _resource(RECORDS)["id"]
    pid = _source_people(sector_db)[3]
    assert subjects.rows_of(subject_keys.subject_hash(pid))
    sector_db.execute("DROP TABLE {schema}.hoc_vien_gdnn CASCADE")
    assert sector_sources.run_source(source)["withdrawn"] == 1
    assert subjects.count_for(res_id) == 0
    assert subjects.rows_of(subject_keys.subject_hash(pid)) == {}


@pytest.mark.req("R17.2")
def test_a_dataset_no_longer_indexed_leaves_the_index(source, sector_db):
    sector_sources.run_source(source)
    res_id = _resource(RECORDS)["id"]
    assert subjects.count_for(res_id) == 400
    config = sector_db.config().replace("    subject_id: so_cccd\n    subject_email: email\n", "")
    assert config != sector_db.config()
    sector_sources.ensure_source("test-sector-db", sector_db.url, config,
                                 title="CSDL thử nghiệm", owner_org="cuc-nguoi-co-cong")
    assert sector_sources.run_source(source)["changed"] == 1
    assert subjects.count_for(res_id) == 0


@pytest.mark.req("R17.2")
def test_a_user_deleted_dataset_finds_nothing(source, sector_db):
    sector_sources.run_source(source)
    pid = _source_people(sector_db)[3]
    site_user = helpers.call_action("get_site_user", context={"ignore_auth": True})
    helpers.call_action("package_delete", context={"user": site_user["name"]}, id=RECORDS)
    assert subjects.rows_of(subject_keys.subject_hash(pid)) == {}


def _config(**dataset):
    base = {"name": "ds", "table": "t", "title": "T", "notes": "N", "unit": "cuc-viec-lam",
            "sector": "viec-lam", "update_frequency": "monthly", "contact_name": "C",
            "contact_email": "c@molisa.gov.vn", "access_level": "internal",
            "columns": ["id", "so_cccd"]}
    return {"datasets": [dict(base, **dataset)]}


@pytest.mark.parametrize("value, granularity, message", [
    ("so cccd", "records", "Must be a column name."),
    (12, "records", "Must be a column name."),
    ("so_cccd", "aggregate", "Only record-level data"),
])
def test_the_subject_column_is_checked(value, granularity, message):
    with pytest.raises(sector_db_config.SectorDbConfigError) as e:
        sector_db_config.parse(_config(subject_id=value, granularity=granularity))
    assert message in " ".join(e.value.errors["datasets[0].subject_id"])


def test_a_missing_subject_column_is_a_dataset_error(source, sector_db):
    config = sector_db.config().replace("subject_id: so_cccd", "subject_id: so_cmnd")
    sector_sources.ensure_source("test-sector-db", sector_db.url, config,
                                 title="CSDL thử nghiệm", owner_org="cuc-nguoi-co-cong")
    sector_sources.run_source(source)
    from ckanext.harvest.model import HarvestObject, HarvestObjectError
    messages = [m for (m,) in model.Session.query(HarvestObjectError.message)
                .join(HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id)
                .filter(HarvestObject.guid == RECORDS)]
    assert any("so_cmnd" in m for m in messages)
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", context={"ignore_auth": True}, id=RECORDS)


@pytest.mark.parametrize("dataset, message", [
    ({"subject_id": "so_cccd", "subject_email": "e mail"}, "Must be a column name."),
    ({"subject_id": "so_cccd", "subject_email": ["email"]}, "Must be a column name."),
    ({"subject_email": "email"}, "Name the column with the personal identification number"),
])
def test_the_address_column_is_checked(dataset, message):
    with pytest.raises(sector_db_config.SectorDbConfigError) as e:
        sector_db_config.parse(_config(granularity="records", **dataset))
    assert message in " ".join(e.value.errors["datasets[0].subject_email"])
    # both columns named: nothing to say about them
    with pytest.raises(sector_db_config.SectorDbConfigError) as e:   # (the base has other errors)
        sector_db_config.parse(_config(granularity="records", subject_id="so_cccd",
                                       subject_email="email"))
    assert "datasets[0].subject_email" not in e.value.errors
