"""Solr commits while harvesting (indexing.py): the fetch consumers leave
them to Solr's automatic soft commit, and a finished job is committed at once.
Against the tests' real Solr core, whose configset soft-commits every second."""
from __future__ import annotations

import pytest
import pysolr

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_harvest import indexing

from .scheduling import ago, make_job, make_object, make_source, ops  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def solr_commits(monkeypatch):
    """The explicit Solr commits CKAN sends (pysolr's, counted on their way
    to the real core)."""
    sent = []
    commit = pysolr.Solr.commit

    def counted(self, *args, **kwargs):
        sent.append(self.url)
        return commit(self, *args, **kwargs)

    monkeypatch.setattr(pysolr.Solr, "commit", counted)
    return sent


@pytest.mark.req("R9.2")
def test_the_fetch_consumer_leaves_commits_to_solr_when_solr_soft_commits(monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.search.solr_commit", True)
    assert indexing.soft_commit_ms() == 1000          # config/solr: autoSoftCommit
    assert indexing.defer_commits() is True
    assert tk.config["ckan.search.solr_commit"] is False


@pytest.mark.req("R9.2")
@pytest.mark.ckan_config(indexing.DEFER_OPTION, "false")
def test_with_the_option_off_every_dataset_is_committed(monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.search.solr_commit", True)
    assert indexing.defer_commits() is False
    assert tk.config["ckan.search.solr_commit"] is True


@pytest.mark.req("R9.2")
def test_a_solr_without_soft_commits_keeps_the_commit_after_each_dataset(monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.search.solr_commit", True)
    # a core that does not answer the config API: nothing is deferred
    monkeypatch.setitem(tk.config, "solr_url", tk.config.get("solr_url") + "_missing")
    assert indexing.soft_commit_ms() is None
    assert indexing.defer_commits() is False
    assert tk.config["ckan.search.solr_commit"] is True


@pytest.mark.req("R9.2")
def test_when_a_job_finishes_its_datasets_are_committed_at_once(ops, monkeypatch,  # noqa: F811
                                                                solr_commits):
    monkeypatch.setitem(tk.config, "ckan.search.solr_commit", False)
    source = make_source(ops)
    job = make_job(source["id"], ago(minutes=3), status="Running")
    job.gather_finished = ago(minutes=2)
    job.save()
    make_object(job)                                   # every object done
    dataset = factories.Dataset(                      # indexed, not committed
        owner_org=ops["unit_a"]["id"], notes="Số liệu.", sector="lao-dong-viec-lam",
        access_level="open", license_id="cc-by-4.0", update_frequency="annual",
        contact_name="Phòng Thống kê", contact_email="thongke@molisa.example.vn")
    context = {"user": ops["people"]["sysadmin"]["name"]}

    helpers.call_action("harvest_jobs_run", context=dict(context), source_id=source["id"])
    assert helpers.call_action("harvest_job_show", id=job.id)["status"] == "Finished"
    assert len(solr_commits) == 1
    found = helpers.call_action("package_search", fq=f"id:{dataset['id']}")
    assert found["count"] == 1

    # nothing finished: no commit
    helpers.call_action("harvest_jobs_run", context=dict(context), source_id=source["id"])
    assert len(solr_commits) == 1
