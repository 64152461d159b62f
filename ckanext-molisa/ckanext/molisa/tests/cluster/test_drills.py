"""Fault drills on a small cluster (issue 16; R6.1 24/7, R9.3, R15.2).

One cluster for the session (conftest.py: scripts/cluster.sh, as `make
cluster`); each drill puts concurrent clients on it through nginx while the
fault happens. They run in this order and each leaves the cluster whole for
the next (the promotion and the restore come last).
"""
from __future__ import annotations

import os
import re
import subprocess
import time
import uuid

import pytest
import requests

from ckanext.molisa.testing.factories import meritorious_dataset

from .conftest import PG_BIN, ROOT, Load, wait_until

pytestmark = [pytest.mark.usefixtures("cluster"), pytest.mark.long_running]

JOB_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")

GETS = ["/api/3/action/status_show", "/api/3/action/package_search?rows=5",
        "/dataset/", "/api/3/action/organization_list", "/"]


def _unit(cluster):
    return cluster.action("organization_show", id="cuc-nguoi-co-cong")["id"]


def _create_dataset(cluster, **extra):
    name = f"drill-{uuid.uuid4().hex[:12]}"
    data = meritorious_dataset(_unit(cluster), name=name, **extra)
    return cluster.action("package_create", **data)


@pytest.mark.req("R6.1")
def test_web_node_killed_nginx_serves_every_get_from_the_other(cluster):
    urls = [cluster.url + p for p in GETS]
    with Load(urls, clients=8) as load:
        time.sleep(3)
        cluster.sh("kill", "web1")
        load.more(60)       # answered after the kill
    assert load.failures == [], load.failures[:10]
    # every answer after the kill came from web2; web1 comes back
    cluster.sh("restart", "web1")
    assert requests.get(f"http://127.0.0.1:{cluster.ports['WEB1']}/api/3/action/status_show",
                        timeout=30).ok


@pytest.mark.req("R6.1")
@pytest.mark.req("R9.3")
def test_solr_node_sigkilled_searches_stay_complete_and_it_recovers(cluster):
    for _ in range(3):
        _create_dataset(cluster)
    wait_until("the new datasets searchable", 60, lambda: cluster.action(
        "package_search", q="name:drill-*", rows=0)["count"] >= 3)
    expected = cluster.action("package_search", rows=1000, include_private=False)["count"]
    assert expected > 40

    def complete(url, r):
        if "/api/" not in url:
            return None if "dataset-item" in r.text or "dataset-list" in r.text else "no results"
        result = r.json()["result"]
        if "rows=1000" in url and (result["count"] != expected or len(result["results"]) != expected):
            return f"incomplete: {result['count']} / {len(result['results'])} of {expected}"
        return None

    urls = [cluster.url + "/api/3/action/package_search?rows=1000",
            cluster.url + "/api/3/action/package_search?q=ng%C6%B0%E1%BB%9Di&rows=5",
            cluster.url + "/dataset/?q=lao+%C4%91%E1%BB%99ng"]
    assert all(len(nodes) == 2 for nodes in cluster.solr_state().values())
    with Load(urls, clients=6, check=complete) as load:
        time.sleep(3)
        cluster.sh("kill", "solr2")
        time.sleep(25)   # past ZooKeeper's session timeout (15 s): the node is gone for good
        state_while_down = cluster.solr_state()
        load.more(20)
    assert load.failures == [], load.failures[:10]
    assert all(len(nodes) == 1 for nodes in state_while_down.values()), state_while_down
    cluster.sh("restart", "solr2")
    # the node rejoins and recovers its two replicas (one per shard)
    wait_until("solr2's replicas active again", 180,
               lambda: all(len(nodes) == 2 for nodes in cluster.solr_state().values()))
    node2 = f"127.0.0.1:{cluster.ports['SOLR2']}_solr"
    assert all(node2 in nodes for nodes in cluster.solr_state().values())
    # and answers for the whole collection, complete
    found = [requests.get(f"http://127.0.0.1:{cluster.ports[node]}/solr/ckan/select",
                          params={"q": "*:*", "rows": 0}, timeout=30).json()["response"]["numFound"]
             for node in ("SOLR1", "SOLR2")]
    assert found[0] == found[1] >= expected


def _datastore_resource(cluster, rows):
    pkg = _create_dataset(cluster)
    res = cluster.action("resource_create", package_id=pkg["id"], name="drill table",
                         url="http://example.invalid/drill.csv", format="CSV")
    cluster.action("datastore_create", resource_id=res["id"], force=True,
                   fields=[{"id": "n", "type": "int"}, {"id": "tinh", "type": "text"}],
                   records=[{"n": i, "tinh": f"Tỉnh {i}"} for i in range(rows)])
    return res["id"]


def _replica_rows(cluster, resource_id):
    return int(cluster.psql(cluster.ports["REPLICA"], "molisa_datastore",
                            f'SELECT count(*) FROM "{resource_id}"'))


@pytest.mark.req("R6.1")
@pytest.mark.req("R15.2")
def test_replica_stopped_reads_fall_back_to_the_primary_then_it_catches_up(cluster):
    resource_id = _datastore_resource(cluster, 50)
    wait_until("the replica has the table", 60, lambda: _replica_rows(cluster, resource_id) == 50)

    def full(url, r):
        result = r.json()["result"]
        if "datastore_search" in url and result["total"] != 50:
            return f"datastore total {result['total']}"
        return None

    urls = [cluster.url + f"/api/3/action/datastore_search?resource_id={resource_id}&limit=5",
            cluster.url + "/api/3/action/molisa_audit_event_list?limit=5",
            cluster.url + "/api/3/action/molisa_audit_stats?group_by=channel&since=2000-01-01T00:00:00Z"]
    # both read paths are on the replica while it runs
    assert requests.get(urls[0], timeout=30).ok
    logs_before = cluster.log("web1.log") + cluster.log("web2.log")
    with Load(urls, clients=6, check=full, headers=cluster.headers()) as load:
        time.sleep(3)
        cluster.sh("stop-replica")
        load.more(30)
    assert load.failures == [], load.failures[:10]
    logs = (cluster.log("web1.log") + cluster.log("web2.log"))[len(logs_before) - 1000:]
    assert "the read replica (port" in logs and "reading from the primary" in logs
    assert "WARNI" in logs
    # writes go on while the replica is down; restarted, it catches up
    cluster.action("datastore_upsert", resource_id=resource_id, method="insert", force=True,
                   records=[{"n": 100 + i, "tinh": "mới"} for i in range(25)])
    cluster.sh("restart", "replica")
    wait_until("the replica caught up", 120, lambda: _replica_rows(cluster, resource_id) == 75)
    assert cluster.psql(cluster.ports["PG"], "postgres",
                        "SELECT state FROM pg_stat_replication") == "streaming"


@pytest.mark.req("R6.1")
def test_redis_restarted_queued_jobs_survive(cluster):
    # jobs on a queue no worker listens to stay queued across the restart
    queue = f"drill{uuid.uuid4().hex[:6]}"
    cluster.ckan("jobs", "test", queue, queue)
    before = cluster.ckan("jobs", "list", queue)
    ids_before = set(JOB_ID.findall(before))
    assert len(ids_before) == 2, before
    urls = [cluster.url + p for p in GETS[:2]]
    with Load(urls, clients=4) as load:
        time.sleep(2)
        cluster.sh("restart", "redis")
        time.sleep(5)
    after = cluster.ckan("jobs", "list", queue)
    ids_after = set(JOB_ID.findall(after))
    assert ids_after == ids_before, (before, after)
    # the portal answers again once Redis is back (the requests in the
    # restart's second may fail: they are not the point of this drill)
    wait_until("the portal after the Redis restart", 60,
               lambda: requests.get(cluster.url + "/api/3/action/status_show", timeout=10).ok)
    assert load.ok > 0
    cluster.ckan("jobs", "clear", queue)


def _counts(cluster, port):
    return {
        "datasets": set(cluster.psql(port, "molisa",
                                     "SELECT id FROM package WHERE state = 'active'").split()),
        "audit_events": int(cluster.psql(port, "molisa",
                                         "SELECT count(*) FROM molisa_audit.molisa_audit_event")),
        "sharing": set(cluster.psql(port, "molisa", "SELECT id FROM molisa_sharing_request").split()),
    }


def _spools_empty(cluster):
    for node in ("web1", "web2"):
        spool = os.path.join(cluster.dir, f"spool-{node}")
        out = subprocess.run(
            [os.path.join(ROOT, ".venv", "bin", "python"), "-c",
             "import sys; from ckanext.molisa_audit import spool; print(spool.pending_events(sys.argv[1]))",
             spool], capture_output=True, text=True)
        if out.stdout.strip() != "0":
            return False
    return True


@pytest.mark.req("R6.1")
@pytest.mark.req("R15.2")
def test_primary_promoted_nothing_committed_is_lost(cluster):
    created = _create_dataset(cluster)
    # load (reads and its audit events) until the switchover begins
    with Load([cluster.url + p for p in GETS[:2]], clients=4):
        time.sleep(3)
    wait_until("the audit spools shipped", 60, lambda: _spools_empty(cluster))
    before = _counts(cluster, cluster.ports["PG"])
    assert created["id"] in before["datasets"] and before["sharing"]
    cluster.sh("promote")
    port = cluster.primary_port()
    assert port == cluster.ports["REPLICA"]
    assert cluster.psql(port, "postgres", "SELECT pg_is_in_recovery()") == "f"
    after = _counts(cluster, port)
    assert before["datasets"] <= after["datasets"]
    assert before["sharing"] <= after["sharing"]
    assert after["audit_events"] >= before["audit_events"]
    # the portal is back on the promoted server: reads and writes
    wait_until("the portal on the promoted server", 60,
               lambda: requests.get(cluster.url + "/api/3/action/status_show", timeout=10).ok)
    shown = cluster.action("package_show", id=created["id"])
    assert shown["name"] == created["name"]
    _create_dataset(cluster)
    # the audit log is whole on the promoted server
    out = cluster.ckan("molisa-audit", "verify")
    assert "the audit log is intact" in out


@pytest.mark.req("R6.1")
@pytest.mark.req("R15.2")
def test_backup_and_restore_into_a_fresh_instance(cluster, tmp_path):
    """docker/backup.sh's steps on the local stack (pg_dump -Fc of both
    databases, the file store, the audit anchors), restored into a fresh
    PostgreSQL: counts match and `molisa-audit verify` passes there."""
    wait_until("the audit spools shipped", 60, lambda: _spools_empty(cluster))
    port = cluster.primary_port()
    sock = os.path.join(ROOT, ".local", "pgsock")
    backup = tmp_path / "backup"
    backup.mkdir()
    for db in ("molisa", "molisa_datastore"):
        # the dumps are written by this (root) process: the postgres user
        # cannot open pytest's folders
        with open(backup / f"{db}.dump", "wb") as out:
            subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_dump", "-h", sock,
                            "-p", str(port), "-U", "postgres", "-d", db, "--format=custom",
                            "--compress=6"], check=True, stdout=out)
        # a dump that pg_restore cannot list is not a backup
        with open(backup / f"{db}.dump", "rb") as dump:
            subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_restore", "--list"],
                           check=True, stdin=dump, capture_output=True)
    subprocess.run(["tar", "-C", os.path.join(cluster.dir, "audit-anchors"), "-czf",
                    str(backup / "audit-anchors.tar.gz"), "."], check=True)
    subprocess.run(["tar", "-C", os.path.join(cluster.dir, "storage"), "-czf",
                    str(backup / "filestore.tar.gz"), "."], check=True)
    counts = {t: cluster.psql(port, "molisa", f"SELECT count(*) FROM {t}") for t in
              ("package", "resource", "\"user\"", "molisa_sharing_request",
               "molisa_audit.molisa_audit_event", "molisa_audit.molisa_audit_checkpoint")}

    # a fresh instance: its own cluster, roles created as make run creates them
    fresh = os.path.join(cluster.dir, "pg-restore")
    env = dict(os.environ, MOLISA_PG_PORT=str(cluster.restore_port), MOLISA_PG_DATA=fresh,
               MOLISA_PG_LOG=os.path.join(cluster.dir, "log", "pg-restore.log"))
    try:
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "services.sh"), "pg-start"],
                       env=env, check=True, capture_output=True)
        for db in ("molisa", "molisa_datastore"):
            cluster.psql(cluster.restore_port, "postgres",
                         f"CREATE DATABASE {db} OWNER ckan ENCODING 'UTF8' TEMPLATE template0")
            with open(backup / f"{db}.dump", "rb") as dump:
                restore = subprocess.run(
                    ["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_restore", "-h", sock,
                     "-p", str(cluster.restore_port), "-U", "postgres", "-d", db,
                     "--exit-on-error"], stdin=dump, capture_output=True, text=True)
            assert restore.returncode == 0, restore.stderr[-2000:]
        restored = {t: cluster.psql(cluster.restore_port, "molisa", f"SELECT count(*) FROM {t}")
                    for t in counts}
        assert restored == counts
        # the restored anchors and a configuration pointing at the fresh instance
        anchors = tmp_path / "anchors"
        anchors.mkdir()
        subprocess.run(["tar", "-C", str(anchors), "-xzf", str(backup / "audit-anchors.tar.gz")],
                       check=True)
        text = open(cluster.ini, encoding="utf-8").read()
        text = text.replace(f"127.0.0.1:{port}", f"127.0.0.1:{cluster.restore_port}")
        text = text.replace(os.path.join(cluster.dir, "audit-anchors"), str(anchors))
        ini = tmp_path / "restored.ini"
        ini.write_text(text, encoding="utf-8")
        out = cluster.ckan("molisa-audit", "verify", ini=str(ini))
        assert "the audit log is intact" in out
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", fresh,
                        "-m", "fast", "-w", "stop"], capture_output=True)
