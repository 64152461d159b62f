"""One dataset type: the MOLISA schema is CKAN's ``dataset`` (R14.1, R14.4).
Whatever creates a dataset (the form, the API without ``type``, a harvester)
gets the schema's validation and an access level; the former
``/molisa_dataset/`` addresses redirect."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


@pytest.mark.req("R14.1", "R14.4")
def test_package_create_without_a_type_is_validated_by_the_schema(dataset_dict, sysadmin):
    data = dataset_dict()
    data.pop("type", None)
    created = helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)
    assert created["type"] == "dataset"
    assert created["access_level"] == "open" and created["sector"] == "nguoi-co-cong"
    # what ckanapi and most clients send: no type, and the schema's fields wrong
    bad = dataset_dict(name="thieu-truong", access_level="bi-mat", sector=None)
    bad.pop("type", None)
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_create", context={"user": sysadmin["name"]}, **bad)
    assert set(err.value.error_dict) >= {"access_level", "sector"}


@pytest.mark.req("R14.4")
def test_the_former_addresses_redirect_to_dataset(app, dataset_dict, create_dataset):
    pkg = create_dataset(dataset_dict())
    response = app.get(f"/molisa_dataset/{pkg['name']}?tab=1", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/dataset/{pkg['name']}?tab=1")
    response = app.get("/molisa_dataset/", follow_redirects=False)
    assert response.status_code == 301 and response.headers["Location"].endswith("/dataset/")
    page = app.get(f"/molisa_dataset/{pkg['name']}").body       # followed: the page itself
    assert pkg["title"] in page


@pytest.mark.req("R9.2", "R12.1")
def test_no_enabled_harvester_makes_datasets_outside_the_schema():
    """The harvesters that create datasets are the MOLISA ones (mapped into
    the schema); ckanext-harvest's and ckanext-dcat's stock ones are off."""
    names = {info["name"] for info in helpers.call_action("harvesters_info_show")}
    assert names == {"molisa_ckan", "molisa_dcat", "molisa_sector_db"}
