"""The leak scanner: closed means closed on every path (R4.3, R12.1, R17.1,
R18.4).

It plants unique secret markers where an outsider must never reach them (the
URLs and link fields of restricted resources, an uploaded file, DataStore
rows, a sector-database source's address and configuration, the harvest
objects and datasets of that source, the contact data of a sharing request,
officials' e-mail addresses), then finds the portal's surface by itself:

- every registered action that reads (side-effect-free ones, and any
  ``*_show``, ``*_list``, ``*_search``...), its parameters read from its
  docstring and filled from a pool of real ids of the right kind;
- every GET route of the Flask URL map, its variables filled the same way;

and calls each one as an anonymous visitor, a logged-in stranger and a member
of another unit. A marker in any answer (body or headers) is a leak, reported
with its path and role. Queries by a marker (``q``) must not find the dataset
that hides it either: a hit would confirm a secret by probing.

The same scan as a sysadmin must find the markers (it proves that they were
planted and that the scan reaches them), so the outsiders' zero means
something. Nothing here names a route or an action: one added later is
scanned without a new test.
"""
from __future__ import annotations

import glob
import io
import json
import os
import time
import uuid
from collections import defaultdict

import pytest
from werkzeug.datastructures import FileStorage

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa.tests import leak_scanner as scanner

pytestmark = [pytest.mark.usefixtures("with_plugins"), pytest.mark.long_running]


@pytest.mark.req("R4.3", "R12.1", "R17.1", "R18.4")
def test_no_marker_reaches_an_outsider(leak_world, app):
    report = scanner.scan(app, leak_world, roles=("anonymous", "stranger", "other_member"))
    scanner.write_report(report, "outsiders")
    assert report.calls > 1000, "the scanner reached too little of the portal"
    assert not report.leaks, "markers reached outsiders:\n" + report.describe_leaks()
    assert not report.errors_500, "server errors:\n" + report.describe_errors()


@pytest.mark.req("R4.3")
def test_the_scan_reaches_the_markers_as_a_sysadmin(leak_world, app):
    """Without this, zero leaks could mean zero reach."""
    report = scanner.scan(app, leak_world, roles=("sysadmin",), per_kind=4)
    scanner.write_report(report, "sysadmin")
    found = {leak.tag for leak in report.leaks}
    # the resource links, the DataStore rows, the file, the harvest source's
    # address and configuration, a harvest object's content, an internal
    # dataset's title and a request's contact data are all reachable by those
    # entitled to them, through the same enumeration
    expected = {"url", "download_url", "access_url", "mirror_link", "row", "file",
                "source_url", "source_config", "object", "internal_title", "contact"}
    assert expected <= found, f"not reached: {sorted(expected - found)}"


# -- the planted world ---------------------------------------------------------------

LEVELS = ("default_shared", "special_request", "internal")
LINK_FIELDS = ("download_url", "access_url", "mirror_link")


class Planter:
    def __init__(self):
        self.marker = "LEAKMARK" + uuid.uuid4().hex[:10]
        self.tags: dict[str, str] = {}
        self.hiders: dict[str, set] = defaultdict(set)

    def __call__(self, tag: str, *hiders: str) -> str:
        mark = f"{self.marker}x{tag}x"
        self.tags[mark] = tag
        self.hiders[tag].update(h for h in hiders if h)
        return mark


def _dataset(owner: dict, level: str, name: str) -> dict:
    return {
        "name": name, "title": f"Bộ dữ liệu {level}", "notes": "Dữ liệu kiểm thử rò rỉ.",
        "owner_org": owner["id"], "sector": "bao-tro-xa-hoi", "access_level": level,
        "personal_data": "false" if level == "open" else "true",
        "license_id": {"open": "cc-by-4.0", "internal": "molisa-internal"}.get(
            level, "molisa-restricted"),
        "update_frequency": "annual", "contact_name": "Phòng Thống kê",
        "contact_email": "thongke@molisa.example.vn",
    }


def _sector_source(ctx: dict, unit: dict, plant: Planter) -> dict:
    """A sector-database source of unit A whose address and configuration
    carry markers, harvested once (its jobs, objects and datasets exist)."""
    from ckanext.molisa_harvest import sector_sources

    port = tk.config["sqlalchemy.url"].rsplit(":", 1)[1].split("/")[0]
    folder = os.path.join(scanner.ROOT, ".local", "test-artifacts")
    os.makedirs(folder, exist_ok=True)
    passfile = os.path.join(folder, f"pgpass-{plant.marker}")
    with open(passfile, "w") as f:
        f.write(f"127.0.0.1:{port}:molisa_sector_sample:sector_ro:"
                f"{os.environ['MOLISA_SECTOR_RO_PASSWORD']}\n")
    os.chmod(passfile, 0o600)
    url = (f"postgresql://sector_ro@127.0.0.1:{port}/molisa_sector_sample"
           f"?application_name={plant('source_url')}&passfile={passfile}")
    path = os.path.join(os.path.dirname(sector_sources.__file__), "sources", "nguoi-co-cong.yaml")
    with open(path, encoding="utf-8") as f:
        config = f.read()
    config = f"# {plant('source_config')}\n" + config + f"""
  - name: leak-internal-records
    table: nguoi_co_cong
    title: {plant('internal_title', 'leak-internal-records')}
    notes: Dữ liệu nội bộ.
    access_level: internal
    granularity: records
    columns: [id, ma_tinh, loai_doi_tuong]
  - name: leak-query
    query: "SELECT id, nam, loai_tro_cap FROM csdl.tro_cap_uu_dai /* {plant('object')} */"
    title: Truy vấn kiểm thử
    notes: Dữ liệu theo yêu cầu đặc thù.
    access_level: special_request
    granularity: records
    columns: [id, nam, loai_tro_cap]
"""
    source = sector_sources.ensure_source("leak-sector-source", url, config,
                                          title="CSDL kiểm thử", owner_org=unit["name"])
    plant.hiders["source_url"].update({source["id"], "leak-sector-source"})
    plant.hiders["source_config"].update({source["id"], "leak-sector-source"})
    report = sector_sources.run_source(source["id"])
    assert report["errors"] == 0, report
    return source


@pytest.fixture(scope="module")
def leak_world(reset_db, migrate_db_for, reset_index):
    import ckan.plugins as plugins
    from ckanext.molisa.testing import database

    plugins.load_all()
    try:
        database.reset(reset_db, migrate_db_for)
        reset_index()
        yield _build_world()
    finally:
        model.Session.remove()
        plugins.unload_all()
        # the sector source's password files (one per run, named by its marker)
        folder = os.path.join(scanner.ROOT, ".local", "test-artifacts")
        for name in glob.glob(os.path.join(folder, "pgpass-LEAKMARK*")):
            os.remove(name)


def _build_world() -> scanner.World:
    plant = Planter()
    sysadmin = factories.SysadminWithToken()
    unit_admin = factories.UserWithToken(email=plant("email") + "@molisa.example.vn")
    unit_editor = factories.UserWithToken()
    stranger = factories.UserWithToken()
    other_member = factories.UserWithToken()
    requester = factories.UserWithToken()
    unit = factories.Organization(
        name="cuc-nguoi-co-cong", title="Cục Người có công", unit_type="department",
        users=[{"name": unit_admin["name"], "capacity": "admin"},
               {"name": unit_editor["name"], "capacity": "editor"}])
    other = factories.Organization(name="cuc-viec-lam", title="Cục Việc làm",
                                   unit_type="department",
                                   users=[{"name": other_member["name"], "capacity": "editor"}])
    ctx = {"user": sysadmin["name"]}
    pools: dict[str, list] = defaultdict(list)
    records: list[dict] = []

    def add_package(pkg: dict) -> None:
        pools["package"] += [pkg["id"], pkg["name"]]
        records.append({"kind": "package", "id": pkg["name"], "package_type": pkg["type"],
                        "dataset_type": pkg["type"]})
        for res in pkg.get("resources") or []:
            pools["resource"].append(res["id"])
            # (a file name never taken from a URL: a marker sent in a request
            # and echoed back would be no leak)
            records.append({"kind": "resource", "id": pkg["name"], "package_type": pkg["type"],
                            "resource_id": res["id"], "filename": "du-lieu.csv"})

    # unit A: a dataset at each restricted level, with link fields and an
    # uploaded file whose rows are in the DataStore; and an open one
    packages = {}
    for level in LEVELS + ("open",):
        name = f"leak-{level.replace('_', '-')}"
        pkg = helpers.call_action("package_create", context=dict(ctx),
                                  **_dataset(unit, level, name))
        if level != "open":
            links = {tag: f"https://data.example.vn/{plant(tag, pkg['id'], name)}/x.csv"
                     for tag in LINK_FIELDS}
            helpers.call_action("resource_create", context=dict(ctx), package_id=pkg["id"],
                                name="Liên kết", format="CSV",
                                url=f"https://data.example.vn/{plant('url', pkg['id'], name)}.csv",
                                **links)
            content = f"tinh,ghi_chu\nha-noi,{plant('file', pkg['id'], name)}\n".encode()
        else:
            helpers.call_action("resource_create", context=dict(ctx), package_id=pkg["id"],
                                name="Liên kết", format="CSV",
                                url="https://data.example.vn/open.csv")
            content = b"tinh,ghi_chu\nha-noi,mo\n"
        res = helpers.call_action(
            "resource_create", context=dict(ctx), package_id=pkg["id"], name="Tệp",
            format="CSV", url="du-lieu.csv",
            upload=FileStorage(io.BytesIO(content), filename="du-lieu.csv",
                               content_type="text/csv"))
        row = plant("row", pkg["id"], name) if level != "open" else "mo"
        helpers.call_action("datastore_create", context=dict(ctx), resource_id=res["id"],
                            force=True, fields=[{"id": "tinh", "type": "text"},
                                                {"id": "ghi_chu", "type": "text"}],
                            records=[{"tinh": "ha-noi", "ghi_chu": row}])
        view = helpers.call_action("resource_view_create", context=dict(ctx),
                                   resource_id=res["id"], view_type="datatables_view",
                                   title="Bảng")
        pools["view"].append(view["id"])
        # a second version: the activity stream holds both
        helpers.call_action("package_patch", context=dict(ctx), id=pkg["id"],
                            notes="Dữ liệu kiểm thử rò rỉ (cập nhật).")
        packages[level] = helpers.call_action("package_show", context=dict(ctx), id=pkg["id"])
        if level == "open":
            pools["package"].append(pkg["id"])   # nothing hidden: one id is enough
        else:
            add_package(packages[level])
        for rec in records:
            if rec.get("resource_id") == res["id"]:
                rec["view_id"] = view["id"]

    # a sector-database source of unit A, harvested; and another portal's
    # source of unit B (public, but not its configuration)
    source = _sector_source(ctx, unit, plant)
    from ckanext.harvest.model import HarvestJob, HarvestObject
    ckan_source = helpers.call_action(
        "harvest_source_create", context=dict(ctx), name="leak-national-portal",
        title="Cổng dữ liệu quốc gia", url="https://data.gov.vn.example/",
        source_type="molisa_ckan", owner_org=other["id"], frequency="MANUAL",
        config=json.dumps({"api_key": plant("ckan_config", "leak-national-portal")}))
    for src in (source, ckan_source):
        pools["harvest_source"] += [src["id"], src["name"]]
        records.append({"kind": "harvest_source", "id": src["name"], "source": src["name"],
                        "package_type": "harvest", "dataset_type": "harvest"})
        pools["package"] += [src["id"], src["name"]]
    for job in model.Session.query(HarvestJob).filter_by(source_id=source["id"]):
        pools["harvest_job"].append(job.id)
        records.append({"kind": "harvest_job", "id": job.id, "source": source["name"]})
    for obj in model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"]):
        pools["harvest_object"].append(obj.id)
        records.append({"kind": "harvest_object", "id": obj.id, "ref_type": "object"})
        plant.hiders["object"].add(obj.id)
        if obj.package_id:
            records.append({"kind": "harvest_object", "id": obj.package_id,
                            "ref_type": "dataset"})
            harvested = helpers.call_action("package_show", context=dict(ctx),
                                            id=obj.package_id)
            if harvested["name"] in ("leak-internal-records", "leak-query"):
                add_package(harvested)     # the harvested datasets that hide markers
            else:
                pools["package"].append(harvested["id"])

    # a data request with the applicant's contact data, approved into a grant
    requester_ctx = {"user": requester["name"]}
    req = helpers.call_action(
        "molisa_sharing_request_create", context=requester_ctx,
        datasets=[packages["special_request"]["id"]], requester_type="organization",
        requester_organization="Viện Khoa học Lao động và Xã hội",
        user_name="Lê Văn Dùng", user_position="Nghiên cứu viên",
        user_email=plant("contact") + "@ilssa.example.vn", user_phone="+84 912 345 678",
        purpose="Nghiên cứu chính sách", scope="Theo tỉnh", content="Bảng tổng hợp",
        period_start=time.strftime("%Y-%m-%d"), period_end="2099-12-31",
        legal_basis="Nghị định 47/2020/NĐ-CP")
    helpers.call_action("molisa_sharing_request_submit", context=dict(requester_ctx),
                        id=req["id"])
    req = helpers.call_action("molisa_sharing_request_approve",
                              context={"user": unit_admin["name"]}, id=req["id"])
    pools["request"].append(req["id"])
    pools["grant"].append(req["grant_id"])
    records += [{"kind": "request", "id": req["id"]}, {"kind": "grant", "id": req["grant_id"]}]

    for org in (unit, other):
        pools["organization"] += [org["id"], org["name"]]
        records.append({"kind": "organization", "id": org["name"],
                        "group_type": "organization"})
    for user in (sysadmin, unit_admin, unit_editor, stranger, other_member, requester):
        pools["user"] += [user["id"], user["name"]]
        records.append({"kind": "user", "id": user["name"]})
    activities = helpers.call_action("package_activity_list", context=dict(ctx),
                                     id=packages["special_request"]["id"])
    activities += helpers.call_action("package_activity_list", context=dict(ctx),
                                      id=packages["internal"]["id"])
    for activity in activities:
        pools["activity"].append(activity["id"])
        records.append({"kind": "activity", "id": activity["id"],
                        "activity_id": activity["id"]})
    pools["tag"] = []
    model.Session.remove()
    return scanner.World(
        marker=plant.marker, tags=plant.tags, pools=dict(pools), records=records,
        hiders={tag: set(refs) for tag, refs in plant.hiders.items()},
        tokens={"anonymous": "", "stranger": stranger["token"],
                "other_member": other_member["token"], "sysadmin": sysadmin["token"]})
