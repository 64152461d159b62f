"""The demo catalogue: realistic datasets with CSV files in the file store and
rows in the DataStore, loaded through CKAN's actions."""
import collections
import datetime

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan.lib.uploader import get_resource_uploader

from ckanext.molisa.demo import catalogue

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_the_catalogue_spans_sectors_units_and_access_levels():
    items = catalogue.demo_datasets()
    assert len(items) >= 40
    datasets = [i["dataset"] for i in items]
    levels = collections.Counter(d["access_level"] for d in datasets)
    assert set(levels) == {"open", "default_shared", "special_request", "internal"}
    assert len({d["sector"] for d in datasets}) >= 10
    assert len({d["owner_org"] for d in datasets}) >= 15
    assert all(i["resources"] for i in items)


@pytest.mark.req("R4.3")
def test_open_demo_datasets_hold_no_personal_data():
    for item in catalogue.demo_datasets():
        if item["dataset"]["access_level"] == "open":
            assert item["dataset"]["personal_data"] == "false"


def test_load_demo_uploads_csv_and_fills_the_datastore(ckan_config, tmp_path, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    admin = factories.Sysadmin()
    helpers.call_action("molisa_units_seed", context={"user": admin["name"]})
    result = helpers.call_action("molisa_demo_load", context={"user": admin["name"]}, limit=2)
    assert len(result["created"]) == 2
    first = catalogue.demo_datasets()[0]
    pkg = helpers.call_action("package_show", id=first["dataset"]["name"])
    res = pkg["resources"][0]
    assert res["url_type"] == "upload" and res["format"] == "CSV"
    assert res["datastore_active"] is True
    path = get_resource_uploader(res).get_path(res["id"])
    with open(path, "rb") as f:
        assert f.read() == catalogue.csv_bytes(first["resources"][0])
    rows = helpers.call_action("datastore_search", resource_id=res["id"], limit=1000)
    assert rows["total"] == len(first["resources"][0]["rows"])
    assert [f["id"] for f in rows["fields"][1:]] == [c["name"] for c in first["resources"][0]["columns"]]
    # idempotent: a second run skips what is there
    again = helpers.call_action("molisa_demo_load", context={"user": admin["name"]}, limit=2)
    assert again == {"created": [], "skipped": result["created"]}


def test_only_sysadmins_load_the_demo():
    user = factories.User()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("molisa_demo_load", context={"user": user["name"], "ignore_auth": False})


def test_the_catalogue_is_data_and_its_tables_are_the_same_every_time():
    data = catalogue.catalogue()
    names = [d["name"] for d in data["datasets"]]
    assert len(names) == len(set(names)) == 45
    assert all(d["theme"] in data["themes"] for d in data["datasets"])
    first, second = catalogue.demo_datasets(), catalogue.demo_datasets()
    assert [i["dataset"]["name"] for i in first] == names
    assert first == second


@pytest.mark.req("R6.2", "R14.1")
@pytest.mark.usefixtures("clean_queues")
def test_the_demo_shows_quality_results_after_the_first_sweep_round(app, ckan_config, tmp_path,
                                                                    monkeypatch):
    """As ``make run`` does: the demo loaded (each dataset's checks enqueued
    on commit), the quality sweep's first round at start (enqueued), the
    background-job worker (a real forking RQ worker) runs the jobs. Then the
    demo's pages show badges, and its units' quality pages a trend, without
    waiting for the daily round."""
    from ckan.lib import jobs as ckan_jobs
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    admin = factories.Sysadmin()
    helpers.call_action("molisa_units_seed", context={"user": admin["name"]})
    loaded = helpers.call_action("molisa_demo_load", context={"user": admin["name"]}, limit=3,
                                 with_datastore=False)
    assert len(loaded["created"]) == 3
    swept = helpers.call_action("molisa_quality_sweep", context={"user": admin["name"]})
    assert swept["jobs"] >= 1
    ckan_jobs.Worker([ckan_jobs.DEFAULT_QUEUE_NAME]).work(burst=True)
    assert len(ckan_jobs.get_queue()) == 0
    for item in catalogue.demo_datasets()[:3]:
        name = item["dataset"]["name"]
        quality = helpers.call_action("molisa_quality_show", context={"user": admin["name"]},
                                      id=name)
        assert quality["dataset"]["metadata"]["latest"]["outcome"] in (
            "excellent", "good", "sufficient", "bad")
        assert quality["dataset"]["freshness"]["latest"]["outcome"]
        resources = quality["resources"]
        assert resources
        for resource in resources:                  # files in the file store, read from it
            assert resource["checks"]["link"]["latest"]["outcome"] == "ok"
            assert resource["checks"]["openness"]["latest"]["score"] == 3      # CSV
            assert resource["checks"]["table"]["latest"]["outcome"] in ("valid", "invalid")
        if item["dataset"]["access_level"] == "internal":
            continue
        html = app.get(f"/dataset/{name}").get_data(as_text=True)
        assert "molisa-quality-badges" in html and 'data-quality="metadata"' in html
        unit = helpers.call_action("package_show", id=name)["organization"]["name"]
        page = app.get(f"/quality/unit/{unit}").get_data(as_text=True)
        assert "molisa-quality-trend" in page and 'data-module="molisa-quality-chart"' in page
        assert datetime.datetime.now(datetime.timezone.utc).date().isoformat() in page
