"""Reuses (R14.3, R14.4): anyone logged in registers an application, an
article or a report made with an open dataset; a moderator publishes it and
it is shown on the dataset's page; the submitter is mailed the decision."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers

from ckanext.molisa.testing.audit import Audit
from ckanext.molisa.testing.factories import act, dataset_data

pytestmark = pytest.mark.usefixtures("with_request_context")


def _datasets(world) -> dict:
    ctx = {"user": world.sysadmin["name"]}
    return {level: helpers.call_action("package_create", context=dict(ctx),
                                       **dataset_data(world.unit["id"], level))
            for level in ("open", "internal")}


REUSE = {"type": "application", "title": "Bản đồ trợ giúp xã hội",
         "url": "https://ban-do.example.vn/tro-giup",
         "description": "Bản đồ số đối tượng theo tỉnh."}


@pytest.mark.req("R14.3", "R14.4", "R15.1")
def test_a_reuse_is_moderated_then_shown_on_the_dataset(app, world, mailbox):
    audit = Audit()
    datasets = _datasets(world)
    pkg = datasets["open"]
    with pytest.raises(tk.NotAuthorized):
        act(None, "molisa_wiki_reuse_create", package_id=pkg["id"], **REUSE)
    reuse = act(world.citizen, "molisa_wiki_reuse_create", package_id=pkg["name"], **REUSE)
    assert reuse["state"] == "submitted" and reuse["package_id"] == pkg["id"]
    assert act(None, "molisa_wiki_reuse_list", package_id=pkg["id"]) == []
    queue = act(world.sysadmin, "molisa_wiki_reuse_list", queue=True)
    assert [r["id"] for r in queue] == [reuse["id"]]
    with pytest.raises(tk.NotAuthorized):
        act(world.citizen, "molisa_wiki_reuse_list", queue=True)
    with pytest.raises(tk.NotAuthorized):
        act(world.citizen, "molisa_wiki_reuse_moderate", id=reuse["id"], decision="publish")
    page = app.get(f"/dataset/{pkg['name']}").get_data(as_text=True)
    assert "Bản đồ trợ giúp xã hội" not in page and "Đăng ký tái sử dụng" in page
    act(world.sysadmin, "molisa_wiki_reuse_moderate", id=reuse["id"], decision="publish")
    shown = act(None, "molisa_wiki_reuse_list", package_id=pkg["name"])
    assert [r["title"] for r in shown] == ["Bản đồ trợ giúp xã hội"]
    assert "submitter_id" not in shown[0]
    page = app.get(f"/dataset/{pkg['name']}").get_data(as_text=True)
    assert "Bản đồ trợ giúp xã hội" in page and "https://ban-do.example.vn/tro-giup" in page
    assert "Bản đồ trợ giúp xã hội" in app.get(f"/en/dataset/{pkg['name']}").get_data(
        as_text=True)
    mailbox.wait_for(1)
    assert "Bản đồ trợ giúp xã hội" in mailbox.to("cong.dan@example.vn")[0].get_content()
    assert [e["action"] for e in audit.events(channel="wiki")] == ["reuse_create",
                                                                   "reuse_publish"]


@pytest.mark.req("R14.3")
def test_a_reuse_is_checked_per_field(world):
    datasets = _datasets(world)
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_reuse_create", package_id=datasets["open"]["id"],
            type="video", title="", url="javascript:alert(1)")
    assert set(err.value.error_dict) == {"type", "title", "url"}
    # a dataset that is not open, or that the user cannot see, cannot be reused here
    for package_id in (datasets["internal"]["id"], "khong-co"):
        with pytest.raises(tk.ValidationError) as err:
            act(world.citizen, "molisa_wiki_reuse_create", package_id=package_id, **REUSE)
        assert list(err.value.error_dict) == ["package_id"]
    reuse = act(world.citizen, "molisa_wiki_reuse_create",
                package_id=datasets["open"]["id"], **REUSE)
    with pytest.raises(tk.ValidationError) as err:
        act(world.sysadmin, "molisa_wiki_reuse_moderate", id=reuse["id"], decision="reject")
    assert list(err.value.error_dict) == ["reason"]
    act(world.sysadmin, "molisa_wiki_reuse_moderate", id=reuse["id"], decision="reject",
        reason="Đường dẫn không mở được.")
    assert act(None, "molisa_wiki_reuse_list", package_id=datasets["open"]["id"]) == []
