"""The National Data Portal stand-in and the real harvest machinery, for the
tests of test_national*.py (imported there).

``national_site`` (session)  a second CKAN site: the same install, stock
        plugins plus ckanext-dcat and ckanext-harvest (``activity datastore dcat
        harvest ckan_harvester dcat_rdf_harvester``), its own databases
        (``<tests' db>_national``), Solr core (``<tests' core>_national``, created
        when missing) and site id (so its harvest queues are its own), served by
        gunicorn on the tests' port + 5. Its ini is written from the tests' ini
        into .local/test-national/. ``.api(action, **data)`` calls its Action
        API as a sysadmin; ``.harvest(url, type, config)`` makes it harvest a
        source with ``ckan harvester run-test``.
``harvest_consumers`` (function)  the tests' site's real queue consumers, as
        `make run` starts them (``ckan molisa-harvest consumer gather`` and two
        ``... consumer fetch``, which leave Solr commits to Solr), on the real
        Redis queue, killed after the test; ``.run(source_id)`` queues a job
        and waits until ``harvest_jobs_run`` marks it finished.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Callable
from urllib.parse import urlparse

import pytest
import requests

import ckan.tests.helpers as helpers
from ckan import model
from ckan.common import config

from ckanext.molisa.testing.solr import ensure_core
from ckanext.molisa.testing.webserver import WebServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))
CKAN = os.path.join(os.path.dirname(sys.executable), "ckan")
PORT_OFFSET = 5

NATIONAL_INI = """\
# The National Data Portal stand-in of the harvesting tests, written by
# ckanext/molisa_harvest/tests/national.py from {main_ini}.
[app:main]
use = egg:ckan
ckan.site_url = {site_url}
ckan.site_id = {site_id}
ckan.site_title = Cổng dữ liệu quốc gia (test)
SECRET_KEY = test-national-secret
WTF_CSRF_ENABLED = false
api_token.jwt.encode.secret = string:test-national-jwt
api_token.jwt.decode.secret = string:test-national-jwt
sqlalchemy.url = {db_url}
ckan.datastore.write_url = {ds_url}
ckan.datastore.read_url = {ds_ro_url}
solr_url = {solr_url}
ckan.redis.url = {redis_url}
ckan.plugins = activity datastore dcat harvest ckan_harvester dcat_rdf_harvester
ckan.locale_default = vi
ckan.locales_offered = vi en
ckan.storage_path = {storage}
ckan.harvest.mq.type = redis
ckan.harvest.mq.hostname = {mq_host}
ckan.harvest.mq.port = {mq_port}
ckan.harvest.mq.redis_db = {mq_db}
ckanext.dcat.rdf.profiles = euro_dcat_ap_2
ckanext.dcat.datasets_per_page = 2

[loggers]
keys = root
[handlers]
keys = console
[formatters]
keys = generic
[logger_root]
level = WARNING
handlers = console
[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic
[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def _with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return parts._replace(path="/" + name).geturl()


class NationalSite:
    def __init__(self, main_ini: str):
        main_db = urlparse(config["sqlalchemy.url"]).path.lstrip("/")
        solr = config["solr_url"].rstrip("/")
        self.main_core = solr.rsplit("/", 1)[1]
        self.core = self.main_core + "_national"
        self.solr_base = solr.rsplit("/", 1)[0]
        self.db, self.dsdb = main_db + "_national", main_db + "_national_datastore"
        self.site_id = config["ckan.site_id"] + "_national"
        main_port = urlparse(config["ckan.site_url"]).port or 5051
        self.port = main_port + PORT_OFFSET
        self.url = f"http://127.0.0.1:{self.port}"
        folder = os.path.join(ROOT, ".local", "test-national")
        os.makedirs(folder, exist_ok=True)
        self.ini = os.path.join(folder, self.site_id + ".ini")
        with open(self.ini, "w", encoding="utf-8") as f:
            f.write(NATIONAL_INI.format(
                main_ini=main_ini, site_url=self.url, site_id=self.site_id,
                db_url=_with_db(config["sqlalchemy.url"], self.db),
                ds_url=_with_db(config["ckan.datastore.write_url"], self.dsdb),
                ds_ro_url=_with_db(config["ckan.datastore.read_url"], self.dsdb),
                solr_url=f"{self.solr_base}/{self.core}", redis_url=config["ckan.redis.url"],
                storage=os.path.join(ROOT, ".local", self.site_id + "-storage"),
                mq_host=config.get("ckan.harvest.mq.hostname") or "127.0.0.1",
                mq_port=config.get("ckan.harvest.mq.port") or 6379,
                mq_db=config.get("ckan.harvest.mq.redis_db") or 0))
        self.server = WebServer(self.ini, self.port, workers=2)
        self.token = ""

    # -- set-up ------------------------------------------------------------------
    def prepare(self) -> None:
        ensure_core(self.solr_base, self.core, self.main_core)
        subprocess.run([os.path.join(ROOT, "scripts", "prepare_site.sh"), self.ini, self.db,
                        self.dsdb], check=True, capture_output=True, text=True)
        name = "national-admin"
        self.cli("user", "add", name, "email=admin@data.gov.vn.test",
                 "password=National-admin-1", check=False)
        self.cli("sysadmin", "add", name)
        out = self.cli("user", "token", "add", name, "tests-" + uuid.uuid4().hex[:6])
        self.token = out.strip().splitlines()[-1].strip()

    def cli(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        done = subprocess.run([CKAN, "-c", self.ini, *args], capture_output=True, text=True,
                              timeout=timeout)
        if check and done.returncode:
            raise RuntimeError(f"ckan {' '.join(args)}: {done.stdout}\n{done.stderr}")
        return done.stdout

    # -- use -----------------------------------------------------------------------
    def api(self, action: str, **data):
        resp = requests.post(f"{self.url}/api/3/action/{action}", json=data, timeout=60,
                             headers={"Authorization": self.token})
        body = resp.json()
        if not body.get("success"):
            raise AssertionError(f"{action} on the national site: {body.get('error')}")
        return body["result"]

    def harvest(self, url: str, source_type: str = "dcat_rdf", config_: str = "") -> dict:
        """Creates a harvest source on the national site and runs it there
        (``ckan harvester run-test``: gather, fetch and import in one process)."""
        org = self.api("organization_create", name="bo-ldtbxh-" + uuid.uuid4().hex[:8],
                       title="Bộ Lao động - Thương binh và Xã hội")
        source = self.api("harvest_source_create", name="src-" + uuid.uuid4().hex[:10],
                          title="MOLISA", url=url, source_type=source_type,
                          # (this database outlives the session: one source per URL and config)
                          config=config_ or json.dumps({"test_run": uuid.uuid4().hex}),
                          owner_org=org["id"])
        self.cli("harvester", "run-test", source["id"], timeout=600)
        return source

    def harvested(self, source_id: str) -> list[dict]:
        result = self.api("package_search", fq=f'harvest_source_id:"{source_id}"', rows=1000,
                          include_private=True)
        return result["results"]


@pytest.fixture(scope="session")
def national_site(request):
    main_ini = os.path.abspath(request.config.getoption("ckan_ini"))
    site = NationalSite(main_ini)
    site.prepare()
    site.server.start()
    yield site
    site.server.stop()
    if site.server.log_path and os.path.exists(site.server.log_path):
        os.unlink(site.server.log_path)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# -- our side: the real queue and consumers ----------------------------------------

class Consumers:
    def __init__(self, ini: str):
        self.ini = ini
        self.processes: list[tuple[subprocess.Popen, str]] = []

    def start(self, stages: tuple[str, ...] = ("gather", "fetch", "fetch"),
              purge: bool = True) -> None:
        """By default as `make run` runs them: one gather consumer, two fetch
        consumers, on emptied queues."""
        if purge:
            from ckanext.harvest.queue import purge_queues
            purge_queues()
        for stage in stages:
            fd, log = tempfile.mkstemp(prefix=f"molisa-harvest-{stage}-", suffix=".log")
            with os.fdopen(fd, "w") as out:
                proc = subprocess.Popen([CKAN, "-c", self.ini, "molisa-harvest", "consumer", stage],
                                        stdin=subprocess.DEVNULL, stdout=out,
                                        stderr=subprocess.STDOUT)
            self.processes.append((proc, log))

    def logs(self) -> str:
        text = ""
        for _, log in self.processes:
            with open(log, encoding="utf-8", errors="replace") as f:
                text += f"--- {log}\n" + f.read()[-4000:]
        return text

    def stop(self) -> None:
        for proc, log in self.processes:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            os.unlink(log)
        self.processes = []

    def run(self, source_id: str, timeout: float = 240) -> dict:
        """A job for ``source_id``, put on the gather queue as the UI's
        "Reharvest" does, then waited for until the consumers have done it."""
        return self.wait(self.job(source_id), timeout)

    def job(self, source_id: str) -> dict:
        return helpers.call_action("harvest_job_create", context=self._context(),
                                   source_id=source_id, run=True)

    def wait(self, job: dict, timeout: float = 240,
             until: Callable[[dict], bool] = lambda job: job["status"] == "Finished") -> dict:
        """Wait for ``until(job)``, by default until the job is finished;
        ``harvest_jobs_run``, which ``ckan harvester run`` and the scheduler
        call, marks it so."""
        deadline = time.monotonic() + timeout
        while True:
            model.Session.remove()
            helpers.call_action("harvest_jobs_run", context=self._context(),
                                source_id=job["source_id"])
            model.Session.remove()
            job = helpers.call_action("harvest_job_show", context=self._context(), id=job["id"])
            if until(job):
                model.Session.remove()
                return job
            for proc, _ in self.processes:
                if proc.poll() is not None:
                    raise AssertionError("a harvest consumer died:\n" + self.logs())
            if time.monotonic() > deadline:
                raise AssertionError(f"harvest job still {job['status']} after {timeout}s:\n"
                                     + self.logs())
            time.sleep(1)

    @staticmethod
    def _context() -> dict:
        return {"ignore_auth": True, "user": _site_user()}


def _site_user() -> str:
    return helpers.call_action("get_site_user", context={"ignore_auth": True})["name"]


@pytest.fixture
def harvest_consumers(clean_db, request):
    consumers = Consumers(os.path.abspath(request.config.getoption("ckan_ini")))
    consumers.start()
    yield consumers
    consumers.stop()
