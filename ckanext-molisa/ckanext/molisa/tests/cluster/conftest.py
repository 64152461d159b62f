"""The fault drills' cluster (issue 16): one small cluster per test session,
started by scripts/cluster.sh exactly as `make cluster` starts it, in a
folder and on ports of its own, and stopped at the end of the session.

Ports: 10 in a row from MOLISA_TEST_CLUSTER_BASE_PORT, by default
30100 + MOLISA_TEST_WEB_PORT (5051 -> 35151...35160), so that two checkouts
with their own test ports never collide.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 5))
SCRIPT = os.path.join(ROOT, "scripts", "cluster.sh")
PG_BIN = "/usr/lib/postgresql/15/bin"


class Cluster:
    def __init__(self):
        web = int(os.environ.get("MOLISA_TEST_WEB_PORT", "5051"))
        base = int(os.environ.get("MOLISA_TEST_CLUSTER_BASE_PORT", str(30100 + web)))
        self.dir = os.path.join(ROOT, ".local", f"test-cluster-{base}")
        self.ports = dict(NGINX=base, WEB1=base + 1, WEB2=base + 2, ZK=base + 3,
                          SOLR1=base + 4, SOLR2=base + 5, PG=base + 6, REPLICA=base + 7,
                          REDIS=base + 8, SMTP=base + 9)
        self.restore_port = base + 10
        self.env = dict(os.environ, MOLISA_CLUSTER_DIR=self.dir, MOLISA_CLUSTER_DEMO="1",
                        MOLISA_CLUSTER_WEB_WORKERS="2", MOLISA_CLUSTER_WEB_THREADS="4",
                        **{f"MOLISA_CLUSTER_{k}_PORT": str(v) for k, v in self.ports.items()})
        self.url = f"http://127.0.0.1:{self.ports['NGINX']}"
        self.ini = os.path.join(self.dir, "ckan.ini")
        self.token = None

    # ----------------------------------------------------------- processes
    def sh(self, *args, timeout=900, check=True):
        result = subprocess.run(["bash", SCRIPT, *args], env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(args)} failed:\n"
                               + result.stdout[-3000:] + result.stderr[-3000:])
        return result.stdout

    def ckan(self, *args, ini=None, timeout=300):
        result = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ckan"), "-c", ini or self.ini,
                                 *args], capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        return result.stdout

    def primary_port(self):
        path = os.path.join(self.dir, "primary")
        promoted = os.path.exists(path) and open(path).read().strip() == "replica"
        return self.ports["REPLICA"] if promoted else self.ports["PG"]

    def psql(self, port, db, sql):
        out = subprocess.run(
            ["runuser", "-u", "postgres", "--", f"{PG_BIN}/psql", "-h",
             os.path.join(ROOT, ".local", "pgsock"), "-p", str(port), "-U", "postgres",
             "-d", db, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    def log(self, name):
        path = os.path.join(self.dir, "log", name)
        return open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else ""

    def solr_state(self):
        r = requests.get(f"http://127.0.0.1:{self.ports['SOLR1']}/solr/admin/collections",
                         params={"action": "CLUSTERSTATUS", "collection": "ckan", "wt": "json"},
                         timeout=10).json()["cluster"]
        live = set(r.get("live_nodes", []))
        return {name: sorted(rep["node_name"] for rep in shard["replicas"].values()
                             if rep["state"] == "active" and rep["node_name"] in live)
                for name, shard in r["collections"]["ckan"]["shards"].items()}

    # ---------------------------------------------------------------- API
    def headers(self):
        return {"Authorization": self.token}

    def action(self, action_name, /, **data):
        r = requests.post(f"{self.url}/api/3/action/{action_name}", json=data, headers=self.headers(),
                          timeout=60)
        assert r.ok, (r.status_code, r.text[:1000])
        return r.json()["result"]


@pytest.fixture(scope="session")
def cluster():
    c = Cluster()
    # MOLISA_TEST_CLUSTER_KEEP=1 (while writing a drill): reuse the cluster a
    # previous session left running, and leave it running
    keep = os.environ.get("MOLISA_TEST_CLUSTER_KEEP") == "1"
    if not keep:
        if os.path.isdir(os.path.join(c.dir, "run")):
            c.sh("stop", check=False)
        shutil.rmtree(c.dir, ignore_errors=True)
    t0 = time.monotonic()
    try:
        c.sh("start", timeout=1200)
        out = c.ckan("user", "token", "add", "admin", "drills")
        c.token = [line.strip() for line in out.splitlines() if line.strip()][-1]
        c.started_in = time.monotonic() - t0
        yield c
    finally:
        if not keep:
            c.sh("stop", check=False)
            shutil.rmtree(c.dir, ignore_errors=True)


class Load:
    """Concurrent clients (threads with requests) through nginx until stopped.
    ``check(url, response)`` returns None when the answer is right, else why not."""

    def __init__(self, urls, clients=8, check=None, headers=None):
        self.urls, self.clients, self.check = urls, clients, check
        self.headers = headers or {}
        self.ok = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = []

    def _client(self, i):
        session = requests.Session()
        n = i
        while not self._stop.is_set():
            url = self.urls[n % len(self.urls)]
            n += 1
            try:
                r = session.get(url, timeout=60, headers=self.headers)
                why = None if r.status_code == 200 else f"HTTP {r.status_code}"
                if why is None and self.check:
                    why = self.check(url, r)
            except requests.RequestException as e:
                why = f"{type(e).__name__}: {e}"
            with self._lock:
                if why:
                    self.failures.append(f"{url}: {why}")
                else:
                    self.ok += 1

    def more(self, n: int, seconds: float = 300) -> None:
        """Wait until ``n`` more requests have been answered right (or failed):
        the drills count answers, never time them."""
        start = self.ok + len(self.failures)
        wait_until(f"{n} more requests", seconds,
                   lambda: self.ok + len(self.failures) >= start + n, interval=0.2)

    def __enter__(self):
        for i in range(self.clients):
            t = threading.Thread(target=self._client, args=(i,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)


def wait_until(what, seconds, predicate, interval=1.0):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # not yet
            last = e
        time.sleep(interval)
    raise AssertionError(f"{what} not within {seconds}s (last: {last!r})")
