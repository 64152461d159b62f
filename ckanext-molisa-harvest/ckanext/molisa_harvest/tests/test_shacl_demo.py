"""``make run``'s demo catalogue conforms to DCAT-AP 3 (R9.2, R9.3), checked
as ``test_shacl.py`` checks the tests' catalogue."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa.demo import catalogue as demo_catalogue
from ckanext.molisa_harvest.tests.test_shacl import assert_conforms

pytestmark = [pytest.mark.usefixtures("with_plugins")]


@pytest.mark.req("R9.2", "R9.3")
def test_the_demo_catalogue_conforms_to_dcat_ap_3(clean_db, clean_index, app):
    """Every demo dataset (without the DataStore rows, which the DCAT
    documents do not show): the catalogue document, and the document of one
    dataset per access level that an outsider may read (internal datasets
    are in neither)."""
    admin = factories.Sysadmin()
    helpers.call_action("molisa_units_seed", context={"user": admin["name"]})
    loaded = helpers.call_action("molisa_demo_load", context={"user": admin["name"]},
                                 with_datastore=False)
    items = demo_catalogue.demo_datasets()
    assert len(loaded["created"]) == len(items)
    text = app.get("/catalog.ttl").get_data(as_text=True)
    assert_conforms(text, where="/catalog.ttl")
    sample = {}
    for item in items:
        sample.setdefault(item["dataset"]["access_level"], item["dataset"]["name"])
    assert set(sample) == {"open", "default_shared", "special_request", "internal"}
    ids = {level: helpers.call_action("package_show", id=name)["id"]
           for level, name in sample.items()}
    assert ids.pop("internal") not in text
    sample.pop("internal")
    for level, dataset_id in ids.items():
        assert f"/dataset/{dataset_id}>" in text, level
    for level, name in sample.items():
        resp = app.get(f"/dataset/{name}.ttl")
        assert resp.status_code == 200, (level, name)
        assert_conforms(resp.get_data(as_text=True), where=f"/dataset/{name}.ttl ({level})")
