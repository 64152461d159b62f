"""My records ("Dữ liệu của tôi"): a person whose number the e-ID verified
sees every row about them in the sector data, and nobody else's, through the
action, the page and the downloads; against the real source database,
DataStore, PostgreSQL, Solr and the identity plugin's log-in path."""
from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_harvest import sector_sources
from ckanext.molisa_identity import accounts

RECORDS = "test-hoc-vien-gdnn"   # record-level, default_shared, indexed on so_cccd


@pytest.fixture
def harvested(source, sector_db):
    sector_sources.run_source(source)
    sector_db.source_id = source
    return sector_db


def _source_rows(sector_db, pid):
    engine = sa.create_engine(sector_db.owner_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            f"SELECT id, ho_ten, nganh_nghe FROM {sector_db.schema}.hoc_vien_gdnn"
            " WHERE so_cccd = :pid ORDER BY id"), {"pid": pid}).all()
        some = conn.execute(sa.text(
            f"SELECT so_cccd FROM {sector_db.schema}.hoc_vien_gdnn ORDER BY id LIMIT 3")).all()
    engine.dispose()
    return [tuple(r) for r in rows], [r[0].strip() for r in some]


def _person(pid, name="Nguyễn Văn An"):
    """An account through the identity plugin's e-ID log-in path (the claims
    of a verified ID token)."""
    user, _ = accounts.user_for_claims({"pid": pid, "name": name, "sub": pid})
    return user


def _records(account, **params):
    return helpers.call_action("molisa_mydata_records", context={"user": account.name},
                               **params)


def _token(user):
    return helpers.call_action("api_token_create", context={"user": user.name},
                               user=user.name, name="t")["token"]


@pytest.mark.req("R17.2", "R18.5")
def test_a_person_sees_exactly_their_rows(harvested):
    _, pids = _source_rows(harvested, "")
    pid, other_pid = pids[0], pids[1]
    # the same person twice in the table: both rows are theirs
    harvested.execute("INSERT INTO {schema}.hoc_vien_gdnn SELECT 9001, ho_ten, so_cccd,"
                      " ngay_sinh, gioi_tinh, ma_tinh, 'Hàn', trinh_do, nam_tuyen_sinh,"
                      " trang_thai, now() FROM {schema}.hoc_vien_gdnn WHERE so_cccd = :pid"
                      " LIMIT 1", pid=pid)
    assert sector_sources.run_source(harvested.source_id)["changed"] == 1
    expected, _ = _source_rows(harvested, pid)
    result = _records(_person(pid))
    (ds,) = result["datasets"]
    assert ds["dataset"]["name"] == RECORDS
    assert ds["unit"]["name"] == "tong-cuc-giao-duc-nghe-nghiep"
    assert ds["last_update"][:4].isdigit()
    got = sorted((r["id"], r["ho_ten"], r["nganh_nghe"]) for r in ds["records"])
    assert got == expected and result["count"] == len(expected)
    assert {r["so_cccd"].strip() for r in ds["records"]} == {pid}
    # someone else sees only theirs
    other = _records(_person(other_pid, "Trần Thị Bình"))
    assert {r["so_cccd"].strip() for d in other["datasets"] for r in d["records"]} == {other_pid}


@pytest.mark.req("R17.2")
def test_the_number_comes_only_from_the_verified_identity(harvested):
    _, pids = _source_rows(harvested, "")
    stranger = _person("079999999999", "Lê Văn Cường")
    # a number not in the data: nothing, whatever the request says
    assert _records(stranger) == {"count": 0, "datasets": []}
    for params in ({"pid": pids[0]}, {"subject_hash": pids[0]}, {"id": pids[0]},
                   {"user": "x", "pid": [pids[0]]}):
        assert _records(stranger, **params) == {"count": 0, "datasets": []}


@pytest.mark.req("R17.2")
@pytest.mark.parametrize("who", ["anonymous", "password", "sysadmin"])
def test_accounts_without_a_verified_number_are_refused(harvested, who):
    _, pids = _source_rows(harvested, "")
    context = {"user": ""}
    if who == "password":
        context = {"user": factories.User()["name"]}
    elif who == "sysadmin":
        context = {"user": factories.Sysadmin()["name"]}
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("molisa_mydata_records", context=context, pid=pids[0])


@pytest.mark.req("R17.2", "R18.5")
def test_the_page_and_the_downloads(app, harvested):
    expected, pids = _source_rows(harvested, "")
    pid = pids[2]
    expected, _ = _source_rows(harvested, pid)
    user = _person(pid)
    headers = {"Authorization": _token(user)}
    page = app.get("/my-data/", headers=headers)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    assert "Dữ liệu của tôi" in page.body
    assert "Học viên giáo dục nghề nghiệp (chi tiết)" in page.body
    for _id, name, _ in expected:
        assert name in page.body
    english = app.get("/en/my-data/", headers=headers)
    assert "My data" in english.body and "Managing unit" in english.body

    data = app.get("/my-data/records.json", headers=headers)
    assert data.status_code == 200 and data.headers["Content-Type"].startswith("application/json")
    body = json.loads(data.body)
    assert sorted(r["id"] for d in body["datasets"] for r in d["records"]) == [e[0] for e in expected]

    text = app.get("/my-data/records.csv", headers=headers)
    assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.body.lstrip("\ufeff"))))
    assert {(r["dataset"], r["value"]) for r in rows if r["column"] == "id"} == {
        (RECORDS, str(e[0])) for e in expected}
    assert {r["value"].strip() for r in rows if r["column"] == "so_cccd"} == {pid}

    # a password account and an anonymous visitor get nothing
    other = factories.User()
    refused = app.get("/my-data/records.json", headers={"Authorization": _token_for(other)})
    assert refused.status_code == 403 and pid not in refused.body
    anonymous = app.get("/my-data/records.csv", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and pid not in anonymous.body
    assert app.get("/my-data/records.xml", headers=headers).status_code == 404


def _token_for(user_dict):
    return helpers.call_action("api_token_create", context={"user": user_dict["name"]},
                               user=user_dict["name"], name="t")["token"]
