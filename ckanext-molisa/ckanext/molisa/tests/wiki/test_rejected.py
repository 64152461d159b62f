"""A rejected submission is kept, private, for
``ckanext.molisa.wiki.rejected_keep_days``, then the sweep purges its dataset
and its files; the audit trail remains. Real actions, PostgreSQL, Solr and
the file store."""
from __future__ import annotations

import datetime
import os

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa.model.wiki import Submission
from ckanext.molisa.testing.audit import Audit
from ckanext.molisa.testing.factories import act

from .conftest import submission

pytestmark = [pytest.mark.usefixtures("with_request_context"),
              pytest.mark.ckan_config("ckanext.molisa.wiki.rejected_keep_days", 30)]


def _path(resource_id: str) -> str:
    from ckan.lib import uploader
    return uploader.get_resource_uploader({"id": resource_id}).get_path(resource_id)


@pytest.mark.req("R14.3", "R15.1")
def test_a_rejected_submission_is_kept_for_a_while_then_purged_with_its_files(world):
    audit = Audit()
    rejected = act(world.citizen, "molisa_wiki_submit", **submission())
    act(world.sysadmin, "molisa_wiki_moderate", id=rejected["id"], decision="reject",
        reason="Không phải dữ liệu lao động, xã hội.")
    waiting = act(world.citizen, "molisa_wiki_submit", **submission(title="Bảng khác"))
    path = _path(rejected["files"][0]["resource_id"])
    assert os.path.exists(path)
    with pytest.raises(tk.NotAuthorized):
        act(world.moderator, "molisa_wiki_sweep")
    today = datetime.date.today()
    # within the keeping time: nothing happens, the submitter still reads it
    for day in (today, today + datetime.timedelta(days=30)):
        assert act(world.sysadmin, "molisa_wiki_sweep", today=day.isoformat()) == {"purged": 0}
    assert act(world.citizen, "molisa_wiki_show", id=rejected["id"])["state"] == "rejected"
    # after it: the dataset, its file, its row go; the other submission stays
    later = (today + datetime.timedelta(days=31)).isoformat()
    assert act(world.sysadmin, "molisa_wiki_sweep", today=later) == {"purged": 1}
    assert act(world.sysadmin, "molisa_wiki_sweep", today=later) == {"purged": 0}
    assert model.Package.get(rejected["package_id"]) is None and not os.path.exists(path)
    assert [s.id for s in model.Session.query(Submission)] == [waiting["id"]]
    with pytest.raises(tk.ObjectNotFound):
        act(world.citizen, "molisa_wiki_show", id=rejected["id"])
    assert act(world.sysadmin, "package_search", q="id:" + rejected["package_id"],
               include_private=True)["count"] == 0
    (event,) = audit.events(channel="wiki", action="purge_rejected")
    assert event["datasets"] == [rejected["package_id"]]
    assert event["extra"]["reason"] == "Không phải dữ liệu lao động, xã hội."
