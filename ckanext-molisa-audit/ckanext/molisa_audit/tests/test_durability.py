"""Nothing is lost: a response that was sent has its event, even when the web
server is killed right after (kill -9) or PostgreSQL is down (R15.2).

These tests run the real thing: gunicorn serving the tests' configuration, the project's own
PostgreSQL stopped and started again.
"""
import concurrent.futures
import os
import subprocess
import uuid
from urllib.parse import urlparse

import psycopg2
import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from ckan import model
from ckan.common import config

from ckanext.molisa.testing.webserver import WebServer
from ckanext.molisa_audit import recorder, shipper, spool

from .conftest import ROOT

pytestmark = pytest.mark.usefixtures("with_plugins")

#: two above the port of the tests' site_url (5051: 5053)
PORT = (urlparse(config["ckan.site_url"]).port or 5051) + 2
BASE = f"http://127.0.0.1:{PORT}"


def start_server(workers: int = 2, threads: int = 8) -> WebServer:
    """gunicorn on the tests' configuration (gthread workers, as make run and
    docker serve the portal: a worker's requests share fsyncs); returns once
    it answers."""
    server = WebServer(config["__file__"], PORT, workers, threads=threads)
    try:
        return server.start(timeout=120)
    except RuntimeError as e:
        pytest.fail(f"gunicorn did not start: {e}", pytrace=False)


def requests_with_ids(prefix: str, n: int, clients: int = 1) -> list[int]:
    """``n`` requests, each with its own X-Request-ID, from ``clients``
    concurrent clients; the statuses of those that got a response."""
    paths = ["/api/3/action/status_show", "/api/3/action/package_search?q=x",
             "/api/3/action/package_show?id=missing", "/api/3/action/organization_list"]

    def one(i):
        response = requests.get(BASE + paths[i % len(paths)],
                                headers={"X-Request-ID": f"{prefix}-{i}"}, timeout=30)
        return response.status_code

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, range(n)))


def stored(prefix: str) -> int:
    model.Session.remove()
    return model.Session.execute(
        sa.text("SELECT count(*) FROM molisa_audit.molisa_audit_event WHERE request_id LIKE :p"),
        {"p": prefix + "-%"}).scalar()


@pytest.mark.req("R15.2")
def test_kill_9_right_after_the_responses_loses_nothing(audit):
    server = start_server()
    prefix = "kill9" + uuid.uuid4().hex[:8]
    try:
        # concurrent requests: their events share fsyncs (group commit), and
        # each response still waits for the fsync that covers its event
        statuses = requests_with_ids(prefix, 80, clients=16)
    finally:
        server.kill()   # kill -9: no clean shutdown, no atexit
    assert len(statuses) == 80
    audit.ship()
    assert stored(prefix) == 80


def pg_ctl(*args):
    subprocess.run(["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl",
                    "-D", os.path.join(ROOT, ".local", "pgdata"), *args],
                   check=True, capture_output=True)


@pytest.mark.req("R15.2")
@pytest.mark.serial   # it stops the PostgreSQL that every worker of a parallel run uses
def test_postgresql_down_the_spool_keeps_every_event_until_it_is_back(audit):
    # One worker: a second one still loading CKAN when PostgreSQL stops would
    # fail to boot and take gunicorn down, which is not what is tested here.
    server = start_server(workers=1)
    prefix = "pgdown" + uuid.uuid4().hex[:8]
    directory = recorder.spool_dir()
    audit.ship()
    waiting_before = spool.pending_events(directory)
    model.Session.remove()
    model.meta.engine.dispose()
    pg_ctl("-m", "fast", "-w", "stop")
    try:
        statuses = requests_with_ids(prefix, 30)
        assert len(statuses) == 30          # every request got an answer (errors included)
        assert spool.pending_events(directory) == waiting_before + 30
        with pytest.raises((OperationalError, psycopg2.OperationalError)):
            shipper.ship(directory)
        assert spool.pending_events(directory) == waiting_before + 30
    finally:
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "services.sh"), "start"],
                       check=True, capture_output=True)
        model.meta.engine.dispose()
        server.stop()
    audit.ship()
    assert stored(prefix) == 30
    assert spool.pending_events(directory) == 0
