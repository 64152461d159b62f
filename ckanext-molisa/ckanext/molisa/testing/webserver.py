"""gunicorn serving a CKAN configuration over real HTTP, as `make run` serves
the portal: for the test suites (the ``web_server`` fixture, the national
portal stand-in, the audit durability tests) and for bench/.

    with WebServer(ini, 5051) as server:
        requests.get(server.url + "/api/3/action/status_show")
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

# the repository: config/wsgi.py is served from here
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))


class WebServer:
    """One gunicorn, in its own process group (``kill`` takes all of it).

    ``start`` returns once ``status_show`` answers. Until a worker has loaded
    CKAN, gunicorn accepts connections and leaves them waiting, so a probe
    that times out means "not yet", like a refused connection.
    """

    def __init__(self, ini: str, port: int, workers: int = 1, *,
                 worker_timeout: int = 60, log_path: str | None = None, threads: int = 1):
        """``threads`` > 1: gunicorn's gthread workers, as make run and docker
        serve the portal (a worker's concurrent requests share the fsync of
        their audit events); 1: sync workers."""
        self.ini, self.port, self.workers, self.threads = ini, port, workers, threads
        self.worker_timeout = worker_timeout
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.log_path = log_path

    def log_tail(self, chars: int = 5000) -> str:
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()[-chars:]

    def start(self, timeout: float = 120) -> "WebServer":
        with socket.socket() as probe:
            probe.settimeout(2)
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(
                    f"port {self.port} is taken: another test session, or a server left over?")
        # the server's output goes to a file: a pipe nobody reads fills up and blocks it
        if self.log_path:
            log = open(self.log_path, "w")
        else:
            fd, self.log_path = tempfile.mkstemp(prefix="molisa-web-server-", suffix=".log")
            log = os.fdopen(fd, "w")
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        with log:
            self.process = subprocess.Popen(
                [gunicorn, "wsgi:application", "--chdir", os.path.join(ROOT, "config"),
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                 "--timeout", str(self.worker_timeout), "--access-logfile", "-"]
                + (["--worker-class", "gthread", "--threads", str(self.threads)]
                   if self.threads > 1 else []),
                env=dict(os.environ, CKAN_INI=self.ini), start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                code, self.process = self.process.returncode, None
                raise RuntimeError(f"the web server exited ({code}):\n" + self.log_tail())
            try:
                if requests.get(self.url + "/api/3/action/status_show", timeout=5).ok:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the web server did not answer within {timeout}s:\n"
                                   + self.log_tail())
            time.sleep(0.25)

    def stop(self) -> None:
        """A clean shutdown (SIGTERM), then SIGKILL if it does not come."""
        if self.process is None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def kill(self) -> None:
        """kill -9 of the master and its workers: no clean shutdown, no atexit."""
        if self.process is None:
            return
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def __enter__(self) -> "WebServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
