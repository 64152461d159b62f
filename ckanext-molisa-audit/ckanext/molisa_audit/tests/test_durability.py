"""Nothing is lost: a response that was sent has its event, even when the web
server is killed right after (kill -9) or PostgreSQL is down (R15.2).

These tests run the real thing: gunicorn serving test.ini, the project's own
PostgreSQL stopped and started again.
"""
import os
import signal
import subprocess
import tempfile
import sys
import time
import uuid

import psycopg2
import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from ckan import model

from ckanext.molisa_audit import recorder, shipper, spool

from .conftest import ROOT

pytestmark = pytest.mark.usefixtures("with_plugins")

PORT = 5053
BASE = f"http://127.0.0.1:{PORT}"


def start_server(workers: int = 2):
    """gunicorn on test.ini; returns once it answers."""
    env = dict(os.environ, CKAN_INI=os.path.join(ROOT, "test.ini"))
    # the server's log goes to a file: a pipe nobody reads fills up and blocks it
    log = tempfile.NamedTemporaryFile("w", prefix="gunicorn-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "wsgi:application",
         "--chdir", os.path.join(ROOT, "config"), "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--timeout", "60"],
        env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(BASE + "/api/3/action/status_show", timeout=5).ok:
                return proc
        except requests.ConnectionError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("gunicorn did not start: " + open(log.name).read()[-2000:])


def stop_server(proc, sig=signal.SIGTERM):
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def requests_with_ids(prefix: str, n: int) -> list[int]:
    statuses = []
    paths = ["/api/3/action/status_show", "/api/3/action/package_search?q=x",
             "/api/3/action/package_show?id=missing", "/api/3/action/organization_list"]
    for i in range(n):
        response = requests.get(BASE + paths[i % len(paths)],
                                headers={"X-Request-ID": f"{prefix}-{i}"}, timeout=30)
        statuses.append(response.status_code)
    return statuses


def stored(prefix: str) -> int:
    model.Session.remove()
    return model.Session.execute(
        sa.text("SELECT count(*) FROM molisa_audit_event WHERE request_id LIKE :p"),
        {"p": prefix + "-%"}).scalar()


@pytest.mark.req("R15.2")
def test_kill_9_right_after_the_responses_loses_nothing(audit):
    proc = start_server()
    prefix = "kill9" + uuid.uuid4().hex[:8]
    try:
        statuses = requests_with_ids(prefix, 40)
    finally:
        stop_server(proc, signal.SIGKILL)   # no clean shutdown, no atexit
    assert len(statuses) == 40
    audit.ship()
    assert stored(prefix) == 40


def pg_ctl(*args):
    subprocess.run(["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl",
                    "-D", os.path.join(ROOT, ".local", "pgdata"), *args],
                   check=True, capture_output=True)


@pytest.mark.req("R15.2")
def test_postgresql_down_the_spool_keeps_every_event_until_it_is_back(audit):
    # One worker: a second one still loading CKAN when PostgreSQL stops would
    # fail to boot and take gunicorn down, which is not what is tested here.
    proc = start_server(workers=1)
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
        stop_server(proc)
    audit.ship()
    assert stored(prefix) == 30
    assert spool.pending_events(directory) == 0
