"""Harvesting throughput and memory: a sector database, a 5,000-dataset CKAN
portal harvested by our ``molisa_ckan`` and by stock ckanext-harvest's
``ckan``, and a 50,000-dataset CKAN portal for the workers' memory.

    .venv/bin/python bench/harvest.py [--sector-datasets 100] [--sector-fetchers 1,2]
        [--ckan-datasets 5000] [--ckan-fetchers 1,2] [--memory-datasets 50000]
        [--memory-import-s 300] [--skip-sector] [--skip-ckan] [--skip-memory]

Sites (one install, the same PostgreSQL, Solr and Redis; a fresh target
database before every harvest):

* **target-molisa** (every portal plugin), database ``molisa_bench_harvest_molisa``,
  Solr core ``ckan_bench_harvest_molisa`` of its own (site id ``bench_harvest_molisa``),
  Redis db 12;
* **target-stock** (``activity datastore ... harvest ckan_harvester``, no scheming),
  database ``molisa_bench_harvest_stock``, core ``ckan_bench_harvest_stock`` of its own
  (site id ``bench_harvest_stock``), Redis db 13;
* **national**, the source portal (stock ``activity datastore dcat``), database
  ``molisa_bench_national`` (kept between runs: its datasets are loaded once by
  bench/load.py, 5,000 in the unit ``bench-unit`` and 50,000 in ``bench-large``),
  core ``ckan_bench_stock`` (site id ``bench_national``), Redis db 14, served by
  gunicorn (2 workers) on port 5111.

Every harvest runs through real queue consumers on the target's Redis db: the
portal's (``ckan molisa-harvest consumer gather|fetch``, which leave Solr
commits to Solr's 1-second soft commit) or stock ckanext-harvest's (``ckan
harvester gather-consumer|fetch-consumer``, a commit after each dataset), with
1 or 2 fetch consumers. A run is timed from the job's creation to its last
``import_finished``; the consumers' CPU time and the machine's busy share are
read from /proc, their peak RSS is VmHWM.

1. Sector database: a generated source of N aggregate queries over the sample
   database ``molisa_sector_sample`` (as ``sector_ro``), one source per fetch
   consumer count; the last one then re-run unchanged.
2. CKAN portal: ``molisa_ckan`` into target-molisa and ``ckan`` into
   target-stock, the 5,000 datasets of ``bench-unit``, for each fetch consumer count.
3. Memory: the 50,000 datasets of ``bench-large``: the whole gather (our
   streamed one, and the stock one), then our two fetch consumers' RSS sampled
   every 30 s while they import for a while (the rest is purged).

Results: tables, and bench/results/harvest.json, where each part (sector,
ckan, memory) carries its own date: a part that a run skips keeps its last
results.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from ckanext.molisa.testing.solr import ensure_core  # noqa: E402

CKAN = os.path.join(common.VENV_BIN, "ckan")
NATIONAL_PORT = common.port(111)
SECTOR_VIEWS = {
    "v_nguoi_co_cong_theo_tinh": ("ma_tinh", "loai_doi_tuong", "gioi_tinh", "so_nguoi"),
    "v_tro_cap_theo_tinh_nam": ("ma_tinh", "nam", "loai_tro_cap", "so_luot", "tong_tien_vnd"),
    "v_bao_tro_theo_tinh": ("ma_tinh", "nhom_doi_tuong", "nam_huong", "so_doi_tuong",
                            "tong_tro_cap_vnd"),
    "v_tuyen_sinh_gdnn": ("ma_tinh", "nganh_nghe", "trinh_do", "nam_tuyen_sinh", "gioi_tinh",
                          "so_hoc_vien"),
    "v_nguoi_tim_viec_theo_tinh": ("ma_tinh", "nganh_mong_muon", "trinh_do", "nam_dang_ky",
                                   "so_nguoi"),
}
SITES = {
    # name: (db, solr flavour, site id, redis db, plugins or None = every portal plugin)
    # each target has a Solr core of its own (created from ckan_bench_molisa or
    # ckan_bench_stock): a commit costs the same on both sides
    "target-molisa": ("molisa_bench_harvest_molisa", "harvest_molisa", "bench_harvest_molisa", 12,
                      None),
    "target-stock": ("molisa_bench_harvest_stock", "harvest_stock", "bench_harvest_stock", 13,
                     common.STOCK_PLUGINS),
    "national": ("molisa_bench_national", "stock", "bench_national", 14, "activity datastore dcat"),
}


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def psql_su(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["bash", "-c", f'source "{common.ROOT}/scripts/common.sh"; psql_su -d {db} -c "$1"',
         "_", sql], check=True, capture_output=True, text=True).stdout


def ckan(ini: str, *args: str, timeout: float = 600) -> str:
    done = subprocess.run([CKAN, "-c", ini, *args], capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"ckan {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def site_ini(name: str) -> str:
    db, solr, site_id, redis_db, plugins = SITES[name]
    port = NATIONAL_PORT if name == "national" else common.port(112)
    ini = common.write_ini(name, port, plugins, name=f"harvest-{name}", db_flavour=db[13:],
                           solr_flavour=solr, site_id=site_id, redis_db=redis_db,
                           stock=plugins is not None)
    if name == "national":          # no view plugins there: no default views
        with open(ini, encoding="utf-8") as f:
            text = f.read()
        with open(ini, "w", encoding="utf-8") as f:
            f.write(text.replace("ckan.views.default_views = datatables_view text_view",
                                 "ckan.views.default_views ="))
    return ini


def prepare_site(name: str, ini: str, fresh: bool) -> None:
    db, solr = SITES[name][:2]
    template = "ckan_bench_molisa" if SITES[name][4] is None else "ckan_bench_stock"
    ensure_core(f"http://127.0.0.1:{common.SOLR_PORT}/solr", f"ckan_bench_{solr}", template)
    if fresh:
        for d in (db, db + "_datastore"):
            psql_su(f"DROP DATABASE IF EXISTS {d} WITH (FORCE)")
        shutil.rmtree(os.path.join(common.LOCAL, f"bench-storage-{name}"), ignore_errors=True)
    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "prepare_site.sh"), ini, db,
                    db + "_datastore"], check=True, stdout=subprocess.DEVNULL)
    if fresh:
        ckan(ini, "search-index", "clear")     # only this site id's documents


def db_conn(name: str):
    return psycopg2.connect(host="127.0.0.1", port=common.PG_PORT, user="ckan", password=common.DB_PASSWORD,
                            dbname=SITES[name][0])


def job_stats(name: str, source_name: str) -> dict:
    """The source's latest job, from the target's database (all timestamps
    are the database's, in UTC)."""
    with db_conn(name) as conn, conn.cursor() as cur:
        cur.execute("""
            SELECT j.id, j.created, j.gather_started, j.gather_finished, j.finished, j.status
              FROM harvest_job j JOIN package p ON p.id = j.source_id
             WHERE p.name = %s ORDER BY j.created DESC LIMIT 1""", (source_name,))
        job_id, created, g0, g1, finished, status = cur.fetchone()
        cur.execute("""
            SELECT count(*), count(*) FILTER (WHERE state = 'COMPLETE'),
                   count(*) FILTER (WHERE state = 'ERROR'),
                   max(import_finished), min(fetch_started),
                   avg(extract(epoch FROM fetch_finished - fetch_started)),
                   avg(extract(epoch FROM import_finished - import_started))
              FROM harvest_object WHERE harvest_job_id = %s""", (job_id,))
        total, complete, errors, last_import, first_fetch, fetch_avg, import_avg = cur.fetchone()
    conn.close()
    return {"job_id": job_id, "created": created, "gather_started": g0, "gather_finished": g1,
            "finished": finished, "status": status, "objects": total, "complete": complete,
            "errors": errors, "last_import": last_import, "first_fetch": first_fetch,
            "fetch_avg_s": float(fetch_avg or 0), "import_avg_s": float(import_avg or 0)}


def secs(a, b) -> float | None:
    return (b - a).total_seconds() if a and b else None


# -- 1. the sector database --------------------------------------------------------

def sector_config(n: int, prefix: str) -> str:
    views = list(SECTOR_VIEWS)
    slices = -(-n // len(views))
    datasets = []
    for i in range(n):
        view, k = views[i % len(views)], i // len(views)
        datasets.append({
            "name": f"{prefix}-{i:03d}",
            "query": f"SELECT * FROM {view} WHERE abs(hashtext(ma_tinh))%{slices}={k}",
            "title": f"Bench {view} {k}", "notes": f"Lát {k}/{slices} của {view}.",
            "columns": list(SECTOR_VIEWS[view]), "updated_at": "updated_at"})
    conf = {"schema": "csdl", "unit": "cuc-bao-tro-xa-hoi", "sector": "bao-tro-xa-hoi",
            "update_frequency": "quarterly", "access_level": "open", "granularity": "aggregate",
            "contact_name": "Cục Bảo trợ xã hội", "contact_email": "bench@molisa.gov.vn",
            "datasets": datasets}
    return json.dumps(conf, ensure_ascii=False, separators=(",", ":"))


def bench_sector(ini: str, n: int, fetch_counts: list[int], timeout: float) -> dict:
    """One source of n datasets per fetch-consumer count, each harvested by
    the portal's own consumers; the last one harvested again unchanged."""
    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "sector_sample_db.sh")],
                   check=True, stdout=subprocess.DEVNULL)
    passfile = os.path.join(common.LOCAL, "sector-pgpass")
    with open(os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(f"127.0.0.1:{common.PG_PORT}:molisa_sector_sample:sector_ro:"
                f"{os.environ['MOLISA_SECTOR_RO_PASSWORD']}\n")
    url = (f"postgresql://sector_ro@127.0.0.1:{common.PG_PORT}/molisa_sector_sample"
           f"?passfile={passfile}")
    out = {"datasets": n, "runs": []}
    for fetchers in fetch_counts:
        source = f"bench-sector-f{fetchers}"
        conf = sector_config(n, source)
        path = os.path.join(common.LOCAL, f"{source}.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(conf)
        out["config_bytes"] = len(conf.encode())
        ckan(ini, "molisa-harvest", "sector-source", source, url, path,
             "--owner-org", "cuc-bao-tro-xa-hoi")
        labels = ["full"] + (["unchanged"] if fetchers == fetch_counts[-1] else [])
        for label in labels:
            say(f"sector: {n} datasets ({out['config_bytes'] / 1024:.1f} KB of config),"
                f" {label} run, {fetchers} fetch consumer(s) ...")
            run = harvest_run("target-molisa", ini, source, "molisa", fetchers, timeout)
            run.update(run=label, fetch_consumers=fetchers)
            out["runs"].append(run)
    return out


# -- 2. a CKAN portal ----------------------------------------------------------------

def vm(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])          # kB
    except FileNotFoundError:
        pass
    return 0


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]                        # idle + iowait
    return sum(fields) - idle, sum(fields)


def process_cpu_s(pid: int) -> float:
    """user + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Consumers:
    """A gather consumer and N fetch consumers on a target's Redis db: the
    portal's (``ckan molisa-harvest consumer gather|fetch``) or stock
    ckanext-harvest's (``ckan harvester gather-consumer|fetch-consumer``)."""

    def __init__(self, ini: str, kind: str, fetchers: int, gather: bool = True):
        self.ini, self.kind = ini, kind
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.logs = []
        stages = (["gather"] if gather else []) + ["fetch"] * fetchers
        for i, stage in enumerate(stages):
            log = open(f"{ini}.{stage}-{i}-consumer.log", "w")
            if kind == "molisa":
                cmd = [CKAN, "-c", ini, "molisa-harvest", "consumer", stage]
            else:
                cmd = [sys.executable, "-c", _CONSUMER, ini, f"{stage}-consumer"]
            self.procs.append((stage, subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                                       stderr=subprocess.STDOUT)))
            self.logs.append(log)
        time.sleep(8)                                   # loaded and listening

    def rss_kb(self, stage: str, key: str = "VmRSS") -> list[int]:
        return [vm(p.pid, key) for s, p in self.procs if s == stage]

    def cpu_s(self) -> float:
        return sum(process_cpu_s(p.pid) for _, p in self.procs)

    def check(self) -> None:
        for (stage, p), log in zip(self.procs, self.logs):
            if p.poll() is not None:
                raise RuntimeError(f"{stage} consumer died; see {log.name}")

    def stop(self) -> None:
        for _, p in self.procs:
            p.terminate()
        for (_, p), log in zip(self.procs, self.logs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
            log.close()


def harvest_run(name: str, ini: str, source: str, kind: str, fetchers: int,
                timeout: float) -> dict:
    """One job of ``source`` through real consumers, from its creation to
    its last import; then ``harvest_jobs_run`` marks it finished."""
    ckan(ini, "harvester", "purge-queues")
    consumers = Consumers(ini, kind, fetchers)
    try:
        idle = max(consumers.rss_kb("fetch"))
        cpu0, machine0 = consumers.cpu_s(), machine_cpu()
        ckan(ini, "harvester", "job", source)
        s = wait_job(name, source, consumers, timeout)
        cpu1, machine1 = consumers.cpu_s(), machine_cpu()
        peak = {stage: max(consumers.rss_kb(stage, "VmHWM")) for stage in ("gather", "fetch")}
    finally:
        consumers.stop()
    ckan(ini, "harvester", "run")                      # marks the job finished (and commits)
    job_s = secs(s["created"], s["last_import"] or s["gather_finished"])
    out = {"consumers": kind, "fetch_consumers": fetchers, "objects": s["objects"],
           "complete": s["complete"], "errors": s["errors"],
           "gather_s": secs(s["created"], s["gather_finished"]), "job_s": job_s,
           "datasets_per_s": s["complete"] / job_s if job_s and s["complete"] else None,
           "import_avg_ms": s["import_avg_s"] * 1000, "fetch_avg_ms": s["fetch_avg_s"] * 1000,
           "fetch_consumer_idle_rss_mb": idle / 1024,
           "fetch_consumer_peak_rss_mb": peak["fetch"] / 1024,
           "gather_consumer_peak_rss_mb": peak["gather"] / 1024,
           # CPU: the consumers' own, per dataset, and how busy the whole
           # machine was (PostgreSQL, Solr and the source site included)
           "consumers_cpu_ms_per_dataset": (cpu1 - cpu0) * 1000 / max(s["complete"], 1),
           "machine_cpu_busy": (machine1[0] - machine0[0]) / max(machine1[1] - machine0[1], 1)}
    say(f"{name}/{source}: {s['complete']} imported, {s['errors']} errors in {job_s:.1f}s"
        + (f" = {out['datasets_per_s']:.1f} datasets/s" if out["datasets_per_s"] else "")
        + f" (gather {out['gather_s']:.1f}s, import {out['import_avg_ms']:.0f} ms each;"
        f" consumers' CPU {out['consumers_cpu_ms_per_dataset']:.0f} ms per dataset, machine"
        f" {out['machine_cpu_busy']:.0%} busy);"
        f" fetch consumer peak RSS {out['fetch_consumer_peak_rss_mb']:.0f} MB")
    return out


def wait_job(name: str, source: str, consumers: Consumers, timeout: float,
             gather_only: bool = False) -> dict:
    deadline, last_print = time.monotonic() + timeout, 0.0
    while True:
        s = job_stats(name, source)
        done = s["complete"] + s["errors"]
        if s["gather_finished"] and (gather_only or done >= s["objects"]):
            return s
        consumers.check()
        if time.monotonic() > deadline:
            say(f"{name}: TIMEOUT after {timeout:.0f}s with {done}/{s['objects']} objects")
            return s
        if time.monotonic() - last_print > 30:
            last_print = time.monotonic()
            say(f"{name}: {done}/{s['objects']} imported"
                + ("" if s["gather_finished"] else " (gathering)"))
        time.sleep(1)


def ckan_source(name: str, ini: str, source_type: str, source_url: str, unit: str) -> str:
    """A harvest source of the national site's datasets of one unit."""
    source = f"bench-{source_type.replace('_', '-')}-{unit}"
    config = {"organizations_filter_include": [unit]}
    if source_type == "molisa_ckan":
        config["default_unit"] = "van-phong-bo"
    owner = "van-phong-bo" if name == "target-molisa" else "bench-harvest-unit"
    if name == "target-stock":
        subprocess.run([common.VENV_BIN + "/python", "-c", _STOCK_ORG, ini], check=True)
    ckan(ini, "harvester", "source", "create", source, source_url, source_type, source, "true",
         owner, "MANUAL", json.dumps(config))
    return source


def bench_ckan(name: str, ini: str, source_type: str, source_url: str, expected: int,
               kind: str, fetchers: int, timeout: float) -> dict:
    say(f"fresh site {name} ...")
    prepare_site(name, ini, fresh=True)
    if name == "target-molisa":
        ckan(ini, "molisa", "seed-units")
    source = ckan_source(name, ini, source_type, source_url, "bench-unit")
    say(f"{name}: {source_type} job on {expected} remote datasets, {kind} consumers"
        f" with {fetchers} fetch consumer(s) ...")
    out = harvest_run(name, ini, source, kind, fetchers, timeout)
    out.update(source_type=source_type, remote_datasets=expected)
    return out


def bench_memory(name: str, ini: str, source_type: str, kind: str, source_url: str, n: int,
                 import_s: float, timeout: float) -> dict:
    """A source of n datasets: the gather consumer's peak RSS over the whole
    gather, then the fetch consumers' RSS sampled while they import for
    import_s seconds (the rest is purged)."""
    say(f"fresh site {name} ...")
    prepare_site(name, ini, fresh=True)
    if name == "target-molisa":
        ckan(ini, "molisa", "seed-units")
    source = ckan_source(name, ini, source_type, source_url, "bench-large")
    ckan(ini, "harvester", "purge-queues")
    out: dict = {"source_type": source_type, "remote_datasets": n}
    # the gather consumer stays up while the fetch consumers import: it sends
    # the object ids to the fetch queue after the gather stage has finished
    consumers = Consumers(ini, kind, 0)
    try:
        idle = consumers.rss_kb("gather")[0]
        say(f"{name}: gathering {n} datasets ({source_type}, gather consumer idle RSS"
            f" {idle / 1024:.0f} MB) ...")
        ckan(ini, "harvester", "job", source)
        s = wait_job(name, source, consumers, timeout, gather_only=True)
        out.update(objects=s["objects"], gather_s=secs(s["created"], s["gather_finished"]),
                   gather_consumer_idle_rss_mb=idle / 1024,
                   gather_consumer_peak_rss_mb=consumers.rss_kb("gather", "VmHWM")[0] / 1024)
        say(f"{name}: {out['objects']} objects gathered in {out['gather_s']:.0f}s; gather"
            f" consumer peak RSS {out['gather_consumer_peak_rss_mb']:.0f} MB")
        if import_s:
            fetch = Consumers(ini, kind, 2, gather=False)
            samples = []
            try:
                started = time.monotonic()
                while time.monotonic() - started < import_s:
                    fetch.check()
                    s = job_stats(name, source)
                    samples.append({"t_s": round(time.monotonic() - started),
                                     "imported": s["complete"] + s["errors"],
                                     "rss_mb": [round(k / 1024) for k in fetch.rss_kb("fetch")]})
                    time.sleep(30)
                out["fetch_consumer_peak_rss_mb"] = max(fetch.rss_kb("fetch", "VmHWM")) / 1024
            finally:
                fetch.stop()
            out["fetch_samples"] = samples
            out["gather_consumer_peak_rss_mb"] = consumers.rss_kb("gather", "VmHWM")[0] / 1024
            say(f"{name}: import samples {samples}")
    finally:
        consumers.stop()
    ckan(ini, "harvester", "purge-queues")
    return out


#: ``ckan -c INI harvester KIND-consumer``, but with no client-side Redis read
#: timeout: redis-py 8 defaults to socket_timeout=5 s and ckanext-harvest's
#: blocking BLPOP has none, so a consumer left idle for 5 s dies with
#: "TimeoutError: Timeout reading from socket" (the portal's own consumers too).
_CONSUMER = """
import sys
import redis
_init = redis.Redis.__init__
def _no_read_timeout(self, *args, **kwargs):
    kwargs.setdefault("socket_timeout", None)
    _init(self, *args, **kwargs)
redis.Redis.__init__ = _no_read_timeout
from ckan.cli.cli import ckan
sys.argv = ["ckan", "-c", sys.argv[1], "harvester", sys.argv[2]]
sys.exit(ckan())
"""

_STOCK_ORG = """
import sys
from ckan.cli import load_config
from ckan.config.middleware import make_app
import ckan.plugins.toolkit as tk
app = make_app(load_config(sys.argv[1]))
with app._wsgi_app.test_request_context():
    ctx = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
           "ignore_auth": True}
    try:
        tk.get_action("organization_show")(dict(ctx), {"id": "bench-harvest-unit"})
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(dict(ctx), {"name": "bench-harvest-unit",
                                                         "title": "Bench unit"})
"""


def national_count(unit: str) -> int:
    try:
        with psycopg2.connect(host="127.0.0.1", port=common.PG_PORT, user="ckan", password=common.DB_PASSWORD,
                              dbname=SITES["national"][0]) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM package p JOIN \"group\" g ON g.id = p.owner_org"
                        " WHERE p.state = 'active' AND p.type = 'dataset' AND g.name = %s",
                        (unit,))
            return cur.fetchone()[0]
    except psycopg2.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sector-datasets", type=int, default=100)
    parser.add_argument("--sector-fetchers", default="1,2",
                        help="fetch consumer counts for the sector runs")
    parser.add_argument("--ckan-datasets", type=int, default=5000)
    parser.add_argument("--ckan-fetchers", default="1,2",
                        help="fetch consumer counts for both CKAN harvesters")
    parser.add_argument("--memory-datasets", type=int, default=50000)
    parser.add_argument("--memory-import-s", type=float, default=300)
    parser.add_argument("--memory-harvesters", default="molisa,stock",
                        help="whose gather to measure on the large source")
    parser.add_argument("--timeout", type=float, default=1800, help="per harvest job, seconds")
    parser.add_argument("--skip-sector", action="store_true")
    parser.add_argument("--skip-ckan", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    t0 = time.monotonic()
    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "services.sh"), "start"],
                   check=True, stdout=subprocess.DEVNULL)
    results: dict = {"date": datetime.date.today().isoformat(), "cpus": os.cpu_count(),
                     "redis_dbs": {n: s[3] for n, s in SITES.items()}}
    inis = {name: site_ini(name) for name in SITES}

    if not args.skip_sector:
        say("fresh site target-molisa ...")
        prepare_site("target-molisa", inis["target-molisa"], fresh=True)
        ckan(inis["target-molisa"], "molisa", "seed-units")
        results["sector"] = bench_sector(inis["target-molisa"], args.sector_datasets,
                                         [int(x) for x in args.sector_fetchers.split(",")],
                                         args.timeout)

    if not (args.skip_ckan and args.skip_memory):
        prepare_site("national", inis["national"], fresh=False)
        wanted = {"bench-unit": 0 if args.skip_ckan else args.ckan_datasets,
                  "bench-large": 0 if args.skip_memory else args.memory_datasets}
        for unit, n in wanted.items():
            if n and national_count(unit) < n:
                say(f"national: loading {n} datasets into {unit} (bench/load.py) ...")
                with open(inis["national"] + f".load-{unit}.log", "w") as log:
                    subprocess.run([sys.executable, os.path.join(common.ROOT, "bench", "load.py"),
                                    inis["national"], "stock", str(n), unit],
                                   check=True, stderr=log)
        with common.Server(inis["national"], NATIONAL_PORT, workers=2) as national:
            if not args.skip_ckan:
                runs = results["ckan"] = {"remote_datasets": args.ckan_datasets, "runs": []}
                for fetchers in [int(x) for x in args.ckan_fetchers.split(",")]:
                    for name, source_type, kind in (("target-molisa", "molisa_ckan", "molisa"),
                                                    ("target-stock", "ckan", "stock")):
                        runs["runs"].append(bench_ckan(
                            name, inis[name], source_type, national.url, args.ckan_datasets,
                            kind, fetchers, args.timeout))
            if not args.skip_memory:
                results["memory"] = [
                    bench_memory(name, inis[name], source_type, kind, national.url,
                                 args.memory_datasets, import_s, args.timeout)
                    for name, source_type, kind, import_s in (
                        ("target-molisa", "molisa_ckan", "molisa", args.memory_import_s),
                        ("target-stock", "ckan", "stock", 0))
                    if kind in args.memory_harvesters.split(",")]
    results["run_s"] = time.monotonic() - t0

    print()
    if "sector" in results:
        r = results["sector"]
        print(f"Sector database, {r['datasets']} datasets (config {r['config_bytes']} bytes)")
        for x in r["runs"]:
            print(f"  {x['run']:9} {x['fetch_consumers']} fetch: {x['job_s']:7.2f} s"
                  + (f"  {x['datasets_per_s']:6.1f} datasets/s" if x["datasets_per_s"] else "")
                  + f"  (objects {x['objects']}, errors {x['errors']}, gather {x['gather_s']:.2f} s,"
                  f" fetch {x['fetch_avg_ms']:.0f} ms, import {x['import_avg_ms']:.0f} ms each;"
                  f" consumers' CPU {x['consumers_cpu_ms_per_dataset']:.0f} ms per dataset,"
                  f" machine {x['machine_cpu_busy']:.0%} busy)")
    if "ckan" in results:
        r = results["ckan"]
        print(f"\nCKAN source, {r['remote_datasets']} datasets")
        print(f"{'target':14} {'type':12} {'fetch':>5} {'imported':>8} {'err':>4} {'job s':>7} "
              f"{'ds/s':>6} {'gather s':>8} {'import ms':>9} {'fetch RSS MB':>12} {'CPU ms/ds':>9}"
              f" {'busy':>5}")
        for x in r["runs"]:
            name = "target-molisa" if x["consumers"] == "molisa" else "target-stock"
            print(f"{name:14} {x['source_type']:12} {x['fetch_consumers']:5} {x['complete']:8} "
                  f"{x['errors']:4} {x['job_s']:7.1f} {x['datasets_per_s'] or 0:6.1f} "
                  f"{x['gather_s']:8.1f} {x['import_avg_ms']:9.1f} "
                  f"{x['fetch_consumer_peak_rss_mb']:12.0f} "
                  f"{x['consumers_cpu_ms_per_dataset']:9.0f} {x['machine_cpu_busy']:5.0%}")
        for fetchers in sorted({x["fetch_consumers"] for x in r["runs"]}):
            pair = {x["consumers"]: x["datasets_per_s"] for x in r["runs"]
                    if x["fetch_consumers"] == fetchers}
            if pair.get("molisa") and pair.get("stock"):
                r[f"ratio_{fetchers}_fetch"] = pair["molisa"] / pair["stock"]
                print(f"ratio ours/stock with {fetchers} fetch consumer(s): "
                      f"{r[f'ratio_{fetchers}_fetch']:.2f}")
    for x in results.get("memory", []):
        print(f"\nMemory, {x['source_type']} source of {x['remote_datasets']} datasets: "
              f"{x['objects']} objects gathered in {x['gather_s']:.0f} s, gather consumer RSS "
              f"{x['gather_consumer_idle_rss_mb']:.0f} MB idle, "
              f"{x['gather_consumer_peak_rss_mb']:.0f} MB peak")
        for sample in x.get("fetch_samples", []):
            print(f"  after {sample['t_s']:4} s: {sample['imported']:6} imported,"
                  f" fetch consumers' RSS {sample['rss_mb']} MB")
    print(f"\nrun time {results['run_s'] / 60:.1f} min")
    # the parts this run skipped keep their last results, each with its date
    path = os.path.join(common.ROOT, "bench", "results", "harvest.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    merged = {}
    if os.path.exists(path):
        with open(path) as f:
            merged = json.load(f)
    for part in ("sector", "ckan", "memory"):
        if part in results:
            merged[part] = {"date": results["date"], "results": results[part]}
        elif part in merged and "date" not in merged[part]:
            merged[part] = {"date": merged.get("date"), "results": merged[part]}
    merged.update({k: v for k, v in results.items() if k not in ("sector", "ckan", "memory")})
    with open(path, "w") as f:
        json.dump(merged, f, indent=1, default=str)


if __name__ == "__main__":
    main()
