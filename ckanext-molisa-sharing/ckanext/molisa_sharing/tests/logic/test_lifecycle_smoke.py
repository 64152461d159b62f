import pytest

import ckan.plugins.toolkit as tk

from ckanext.molisa.testing.factories import act, request_data


@pytest.mark.req("R12.6")
def test_request_to_grant_opens_the_data(world):
    ds = world.datasets["special_request"]
    res = world.resources["special_request"]
    with pytest.raises(tk.NotAuthorized):
        act(world.grantee, "datastore_search", resource_id=res["id"])
    grant = world.grant(world.grantee)
    assert grant["state"] == "active" and grant["datasets"] == [ds["id"]]
    result = act(world.grantee, "datastore_search", resource_id=res["id"])
    assert result["total"] == 2
    shown = act(world.grantee, "package_show", id=ds["id"])
    assert shown["resources"][0]["url"]
    anon = act(None, "package_show", id=ds["id"])
    assert "url" not in anon["resources"][0]
