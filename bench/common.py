"""Shared parts of the benchmarks: two CKAN sites from the same install and
the same Solr, one with the MOLISA plugins and one stock, each with its own
database and Solr core, served by gunicorn on loopback."""
from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys

from ckanext.molisa.testing.webserver import WebServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL = os.path.join(ROOT, ".local")
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
PG_PORT = int(os.environ.get("MOLISA_PG_PORT", 15432))
SOLR_PORT = int(os.environ.get("MOLISA_SOLR_PORT", 18983))
REDIS_PORT = int(os.environ.get("MOLISA_REDIS_PORT", 16379))
SMTP_PORT = int(os.environ.get("MOLISA_SMTP_PORT", 10025))
KEYCLOAK_PORT = int(os.environ.get("MOLISA_KEYCLOAK_PORT", SOLR_PORT - 903))
#: the benchmarks' web servers listen on this plus 101, 102, 111, ... (5101...
#: with the default MOLISA_WEB_PORT of 5000), so that two installations'
#: benchmarks on one machine do not collide
WEB_PORT_BASE = int(os.environ.get("MOLISA_WEB_PORT", 5000))


def port(offset: int) -> int:
    return WEB_PORT_BASE + offset


# this installation's database passwords (.local/secrets.env, exported by scripts/bench.sh)
DB_PASSWORD = os.environ["MOLISA_DB_PASSWORD"]
DS_RO_PASSWORD = os.environ["MOLISA_DS_RO_PASSWORD"]
AUDIT_SHIPPER_PASSWORD = os.environ["MOLISA_AUDIT_SHIPPER_PASSWORD"]
AUDIT_ADMIN_PASSWORD = os.environ["MOLISA_AUDIT_ADMIN_PASSWORD"]
#: the benchmarks' audit shipper's signing key (made once; bench_signing_key())
AUDIT_SIGNING_KEY = os.path.join(LOCAL, "bench-audit-signing.key")


def bench_signing_key() -> str:
    if not os.path.exists(AUDIT_SIGNING_KEY):
        from ckanext.molisa_audit import anchors
        anchors.generate(AUDIT_SIGNING_KEY)
    return AUDIT_SIGNING_KEY


def _portal_plugins() -> str:
    """Every plugin the portal runs: the plugin list of config/ckan.ini.tmpl."""
    with open(os.path.join(ROOT, "config", "ckan.ini.tmpl"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("ckan.plugins ="):
                return line.split("=", 1)[1].strip()
    raise RuntimeError("config/ckan.ini.tmpl has no ckan.plugins line")


MOLISA_PLUGINS = _portal_plugins()
STOCK_PLUGINS = ("activity datastore datatables_view text_view dcat harvest ckan_harvester "
                 "dcat_rdf_harvester")


def write_ini(flavour: str, port: int, plugins: str | None = None, *, name: str | None = None,
              db_flavour: str | None = None, solr_flavour: str | None = None,
              extra: dict[str, str] | None = None, site_id: str | None = None,
              redis_db: int | None = None, stock: bool | None = None) -> str:
    """Write .local/bench-<flavour>.ini from the portal's template.

    The keywords are for benchmarks that run several sites on one database
    (name: the ini is .local/bench-<name>.ini; db_flavour: the database is
    molisa_bench_<db_flavour>; solr_flavour: the core ckan_bench_<solr_flavour>)
    or need settings the template has no placeholder for (extra: added to
    [app:main] after ckan.plugins); site_id (default bench_<flavour>: two sites may share a
    Solr core when their site ids differ); redis_db (ckan.redis.url and the harvest queue's
    Redis database, default 5 and 6); stock (drop the scheming settings; default: the
    flavour is "stock")."""
    ini = os.path.join(LOCAL, f"bench-{name or flavour}.ini")
    db = f"molisa_bench_{db_flavour or flavour}"
    values = dict(
        MOLISA_ROOT=ROOT, MOLISA_DEBUG="false",
        MOLISA_SITE_URL=f"http://127.0.0.1:{port}", MOLISA_SITE_ID=site_id or f"bench_{flavour}",
        MOLISA_SECRET_KEY="bench-only", MOLISA_JWT_SECRET="bench-only",
        MOLISA_DB_URL=f"postgresql://ckan:{DB_PASSWORD}@127.0.0.1:{PG_PORT}/{db}",
        MOLISA_DATASTORE_WRITE_URL=f"postgresql://ckan:{DB_PASSWORD}@127.0.0.1:{PG_PORT}/{db}_datastore",
        MOLISA_DATASTORE_READ_URL=(f"postgresql://datastore_ro:{DS_RO_PASSWORD}@127.0.0.1:{PG_PORT}/"
                                   f"{db}_datastore"),
        MOLISA_SOLR_URL=f"http://127.0.0.1:{SOLR_PORT}/solr/ckan_bench_{solr_flavour or flavour}",
        MOLISA_REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/{5 if redis_db is None else redis_db}",
        MOLISA_REDIS_HOST="127.0.0.1", MOLISA_REDIS_PORT=str(REDIS_PORT),
        MOLISA_HARVEST_REDIS_DB=str(6 if redis_db is None else redis_db),
        MOLISA_STORAGE_PATH=os.path.join(LOCAL, f"bench-storage-{flavour}"),
        MOLISA_SMTP_SERVER=f"127.0.0.1:{SMTP_PORT}", MOLISA_MAIL_FROM="bench@localhost",
        MOLISA_TRUSTED_PROXIES="",
        MOLISA_AUDIT_SHIPPER_URL=(f"postgresql://molisa_audit_shipper:{AUDIT_SHIPPER_PASSWORD}"
                                  f"@127.0.0.1:{PG_PORT}/{db}"),
        MOLISA_AUDIT_ADMIN_URL=(f"postgresql://molisa_audit_admin:{AUDIT_ADMIN_PASSWORD}"
                                f"@127.0.0.1:{PG_PORT}/{db}"),
        MOLISA_AUDIT_SIGNING_KEY_FILE=bench_signing_key(),
        MOLISA_AUDIT_PUBLIC_KEY_FILE=AUDIT_SIGNING_KEY + ".pub",
        MOLISA_AUDIT_ANCHOR_DIR=os.path.join(LOCAL, f"bench-audit-anchors-{db_flavour or flavour}"),
        MOLISA_AUDIT_IT_CENTRE_EMAIL="",
        # the identity plugin's provider, as make run configures it (not reached by the benches)
        MOLISA_OIDC_ISSUER=f"http://127.0.0.1:{KEYCLOAK_PORT}/realms/vneid",
        MOLISA_OIDC_CLIENT_ID="molisa-portal",
    )
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "write_config.py"), ini]
                   + [f"{k}={v}" for k, v in values.items()], check=True)
    if plugins is not None or extra:
        with open(ini, encoding="utf-8") as f:
            text = f.read()
        lines = []
        for line in text.splitlines():
            if line.startswith("ckan.plugins ="):
                if plugins is not None:
                    line = f"ckan.plugins = {plugins}"
                lines.append(line)
                lines.extend(f"{k} = {v}" for k, v in (extra or {}).items())
                continue
            elif (flavour == "stock" if stock is None else stock) and (line.startswith("scheming.") or
                                         line.startswith("ckan.default.package_type")):
                continue
            lines.append(line)
        with open(ini, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return ini


def prepare(ini: str, flavour: str) -> None:
    db = f"molisa_bench_{flavour}"
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "prepare_site.sh"), ini, db,
                    db + "_datastore"], check=True)


def Server(ini: str, port: int, workers: int = 1, threads: int = 1) -> WebServer:
    """gunicorn serving one site, a context manager; its log is <ini>.log."""
    return WebServer(ini, port, workers, worker_timeout=120, log_path=ini + ".log",
                     threads=threads)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(samples: list[float]) -> dict[str, float]:
    return {"n": len(samples), "p50": percentile(samples, 50) * 1000,
            "p95": percentile(samples, 95) * 1000, "mean": statistics.fmean(samples) * 1000}


def rng(seed: int = 2327) -> random.Random:
    return random.Random(seed)
