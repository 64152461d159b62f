"""The checks run as CKAN background jobs on the real Redis: enqueued once
a dataset or resource change is committed, run by a real RQ worker; the
sweep enqueues every dataset or runs the checks itself."""
from __future__ import annotations

import os

import pytest
import rq

import ckan.tests.helpers as helpers
from ckan.lib import jobs as ckan_jobs

from ckanext.molisa.model import quality as qmodel
from ckanext.molisa.quality import jobs
from ckanext.molisa.testing.factories import act

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8"),
              pytest.mark.usefixtures("clean_queues")]


def queued_package_ids() -> list[list[str]]:
    return [job.args[0] for job in ckan_jobs.get_queue().jobs
            if job.func_name.endswith("quality.jobs.check_job")]


@pytest.mark.req("R6.2")
def test_a_change_enqueues_a_job_that_a_worker_runs(files, make_dataset, quality_unit):
    pkg = make_dataset(files.url("/data.csv"))
    assert queued_package_ids() == [[pkg["id"]]]
    helpers.call_action("resource_create", context={"user": quality_unit.sysadmin["name"]},
                        package_id=pkg["id"], name="Báo cáo", url=files.url("/report.pdf"))
    assert queued_package_ids() == [[pkg["id"]], [pkg["id"]]]
    ckan_jobs.Worker([ckan_jobs.DEFAULT_QUEUE_NAME]).work(burst=True)
    assert queued_package_ids() == []
    resources = helpers.call_action("package_show", id=pkg["id"])["resources"]
    for resource in resources:
        assert [r.outcome for r in qmodel.history(resource["id"], qmodel.LINK)][0] == "ok"
    assert {r.kind for r in qmodel.of_package(pkg["id"])} == {"link", "openness", "table",
                                                              "metadata", "freshness"}
    assert files.site.hits["/data.csv"] >= 1 and files.site.hits["/report.pdf"] >= 1


@pytest.mark.ckan_config("ckanext.molisa.quality.niceness", "7")
def test_the_job_runs_below_the_portals_priority_and_the_worker_keeps_its_own(
        files, make_dataset):
    """The checks' CPU priority is lowered in the work horse RQ forks for
    the job, not in the process that runs the worker."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    pkg = make_dataset(files.url("/data.csv"))
    [job] = ckan_jobs.get_queue().jobs
    ckan_jobs.Worker([ckan_jobs.DEFAULT_QUEUE_NAME]).work(burst=True)
    done = rq.job.Job.fetch(job.id, connection=ckan_jobs.get_queue().connection)
    result = done.return_value()
    assert result["resources"] == 1 and result["link:ok"] == 1, result
    assert result["niceness"] == max(7, before)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
    assert [r.outcome for r in qmodel.history(pkg["resources"][0]["id"], qmodel.LINK)] == ["ok"]


@pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false")
def test_nothing_is_enqueued_when_checks_on_change_are_off(files, make_dataset):
    make_dataset(files.url("/data.csv"))
    assert queued_package_ids() == []


def test_a_change_rolled_back_enqueues_nothing(quality_unit):
    from ckan import model
    model.Session.query(model.Package).count()     # inside a transaction, as a hook is
    jobs.on_change(quality_unit.unit["id"])        # as a hook does, then the change fails
    model.Session.rollback()
    model.repo.commit()                            # a later commit of something else
    assert queued_package_ids() == []


@pytest.mark.req("R6.2")
@pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false")
def test_the_sweep_enqueues_or_runs_every_dataset(files, make_dataset, quality_unit):
    first = make_dataset(files.url("/data.csv"))
    second = make_dataset(files.url("/error"))
    assert act(quality_unit.sysadmin, "molisa_quality_sweep") == {"datasets": 2, "jobs": 1}
    assert sorted(queued_package_ids()[0]) == sorted([first["id"], second["id"]])
    counts = act(quality_unit.sysadmin, "molisa_quality_sweep", sync=True)
    assert counts["datasets"] == 2 and counts["resources"] == 2
    assert counts["link:ok"] == 1 and counts["link:broken"] == 1


def test_only_sysadmins_run_the_sweep(quality_unit):
    import ckan.plugins.toolkit as tk
    for who in (quality_unit.admin, quality_unit.outsider, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_quality_sweep")
    with pytest.raises(tk.ValidationError) as err:
        act(quality_unit.sysadmin, "molisa_quality_sweep", sync="perhaps")
    assert "sync" in err.value.error_dict


def test_the_sync_sweep_in_a_session_of_its_own_lowers_the_whole_session(request,
                                                                         quality_unit):
    """``ckan molisa quality-sweep --sync`` started in a new session (as
    ``make run`` starts the job worker, with setsid): with the kernel's
    autogroups on, the session's niceness is what counts against the web
    server, so it is lowered too; the caller's session is not touched."""
    import subprocess
    import sys
    from ckanext.molisa.quality import priority
    ini = os.path.abspath(request.config.getoption("ckan_ini"))
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    ours = open(priority.AUTOGROUP).read() if os.path.exists(priority.AUTOGROUP) else None
    done = subprocess.run([ckan, "-c", ini, "molisa", "quality-sweep", "--sync"],
                          capture_output=True, text=True, start_new_session=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(l for l in done.stdout.splitlines() if l.startswith("niceness="))
    values = dict(part.split("=") for part in line.split())
    assert values["niceness"] == "10"                  # config/test.ini.tmpl: the default
    if priority._autogroup_enabled():
        assert values["niceness_session"] == "10"
        assert open(priority.AUTOGROUP).read() == ours
    else:
        assert values["niceness_session"] == "None"
    assert "datasets=" in done.stdout.splitlines()[-1]
