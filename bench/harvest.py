"""Harvesting throughput: a sector database, and a 5,000-dataset CKAN portal
harvested by our ``molisa_ckan`` and by stock ckanext-harvest's ``ckan``.

    .venv/bin/python bench/harvest.py [--sector-datasets 100] [--ckan-datasets 5000]
                                      [--skip-sector] [--skip-ckan]

Sites (one install, the same PostgreSQL, Solr and Redis; fresh target
databases on every run):

* **target-molisa** (every portal plugin), database ``molisa_bench_harvest_molisa``,
  Solr core ``ckan_bench_molisa`` (site id ``bench_harvest_molisa``), Redis db 12;
* **target-stock** (``activity datastore ... harvest ckan_harvester``, no scheming),
  database ``molisa_bench_harvest_stock``, core ``ckan_bench_stock``
  (site id ``bench_harvest_stock``), Redis db 13;
* **national**, the source portal (stock ``activity datastore dcat``), database
  ``molisa_bench_national`` (kept between runs: its N datasets are loaded once by
  bench/load.py), core ``ckan_bench_stock`` (site id ``bench_national``), Redis db 14,
  served by gunicorn (2 workers) on port 5111.

1. Sector database: a generated source of N aggregate queries over the sample
   database ``molisa_sector_sample`` (as ``sector_ro``), harvested into
   target-molisa with ``ckan molisa-harvest sector-source ... --run`` (gather,
   fetch and import stage functions in one process); timed from the job's
   creation to the last object's ``import_finished`` (each import indexes its
   dataset synchronously), then an unchanged re-run.
2. CKAN portal: one source per target (``molisa_ckan`` into target-molisa,
   ``ckan`` into target-stock), one after the other, each with its own real
   ``ckan harvester gather-consumer`` and ``fetch-consumer`` on its Redis db;
   timed from the job's creation to the last ``import_finished``; the fetch
   consumer's peak RSS is its VmHWM in /proc.

Results: bench/results/harvest.json and a table.
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

CKAN = os.path.join(common.VENV_BIN, "ckan")
NATIONAL_PORT = 5111
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
    "target-molisa": ("molisa_bench_harvest_molisa", "molisa", "bench_harvest_molisa", 12, None),
    "target-stock": ("molisa_bench_harvest_stock", "stock", "bench_harvest_stock", 13,
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
    port = NATIONAL_PORT if name == "national" else 5112
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
    db = SITES[name][0]
    if fresh:
        for d in (db, db + "_datastore"):
            psql_su(f"DROP DATABASE IF EXISTS {d} WITH (FORCE)")
        shutil.rmtree(os.path.join(common.LOCAL, f"bench-storage-{name}"), ignore_errors=True)
    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "prepare_site.sh"), ini, db,
                    db + "_datastore"], check=True, stdout=subprocess.DEVNULL)
    if fresh:
        ckan(ini, "search-index", "clear")     # only this site id's documents


def db_conn(name: str):
    return psycopg2.connect(host="127.0.0.1", port=common.PG_PORT, user="ckan", password="ckan",
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

def sector_config(n: int) -> str:
    views = list(SECTOR_VIEWS)
    slices = -(-n // len(views))
    datasets = []
    for i in range(n):
        view, k = views[i % len(views)], i // len(views)
        datasets.append({
            "name": f"bench-sector-{i:03d}",
            "query": f"SELECT * FROM {view} WHERE abs(hashtext(ma_tinh))%{slices}={k}",
            "title": f"Bench {view} {k}", "notes": f"Lát {k}/{slices} của {view}.",
            "columns": list(SECTOR_VIEWS[view]), "updated_at": "updated_at"})
    conf = {"schema": "csdl", "unit": "cuc-bao-tro-xa-hoi", "sector": "bao-tro-xa-hoi",
            "update_frequency": "quarterly", "access_level": "open", "granularity": "aggregate",
            "contact_name": "Cục Bảo trợ xã hội", "contact_email": "bench@molisa.gov.vn",
            "datasets": datasets}
    return json.dumps(conf, ensure_ascii=False, separators=(",", ":"))


def bench_sector(ini: str, n: int) -> dict:
    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "sector_sample_db.sh")],
                   check=True, stdout=subprocess.DEVNULL)
    passfile = os.path.join(common.LOCAL, "sector-pgpass")
    with open(os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(f"127.0.0.1:{common.PG_PORT}:molisa_sector_sample:sector_ro:"
                f"{os.environ.get('MOLISA_SECTOR_RO_PASSWORD', 'sector_ro')}\n")
    url = (f"postgresql://sector_ro@127.0.0.1:{common.PG_PORT}/molisa_sector_sample"
           f"?passfile={passfile}")
    conf = sector_config(n)
    path = os.path.join(common.LOCAL, "bench-harvest-sector.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(conf)
    size = len(conf.encode())
    say(f"sector: source of {n} datasets (config {size / 1024:.1f} KB), first run ...")
    out = {"datasets": n, "config_bytes": size, "runs": []}
    for label in ("full", "unchanged"):
        started = time.monotonic()
        text = ckan(ini, "molisa-harvest", "sector-source", "bench-sector", url, path,
                    "--owner-org", "cuc-bao-tro-xa-hoi", "--run")
        wall = time.monotonic() - started
        s = job_stats("target-molisa", "bench-sector")
        report = text.strip().splitlines()[-1]
        run = {"run": label, "cli_wall_s": wall, "report": report, "objects": s["objects"],
               "complete": s["complete"], "errors": s["errors"],
               "gather_s": secs(s["created"], s["gather_finished"]),
               "job_s": secs(s["created"], s["last_import"] or s["gather_finished"]),
               "fetch_avg_ms": s["fetch_avg_s"] * 1000, "import_avg_ms": s["import_avg_s"] * 1000}
        if label == "full":
            run["datasets_per_s"] = s["complete"] / run["job_s"] if run["job_s"] else None
        say(f"sector {label}: {report}; job {run['job_s']:.2f}s "
            f"(gather {run['gather_s']:.2f}s), CLI wall {wall:.1f}s")
        out["runs"].append(run)
    return out


# -- 2. a CKAN portal ----------------------------------------------------------------

def vm(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])          # kB
    return 0


def bench_ckan(name: str, ini: str, source_type: str, source_url: str, expected: int,
               timeout: float) -> dict:
    source = f"bench-{source_type.replace('_', '-')}"
    config = json.dumps({"default_unit": "van-phong-bo"}) if source_type == "molisa_ckan" else ""
    owner = "van-phong-bo" if name == "target-molisa" else "bench-harvest-unit"
    if name == "target-stock":
        subprocess.run([common.VENV_BIN + "/python", "-c", _STOCK_ORG, ini], check=True)
    args = ["harvester", "source", "create", source, source_url, source_type, source, "true",
            owner, "MANUAL"] + ([config] if config else [])
    ckan(ini, *args)
    ckan(ini, "harvester", "purge-queues")
    logs, procs = {}, {}
    for kind in ("gather", "fetch"):
        logs[kind] = open(f"{ini}.{kind}-consumer.log", "w")
        procs[kind] = subprocess.Popen([sys.executable, "-c", _CONSUMER, ini, f"{kind}-consumer"],
                                       stdin=subprocess.DEVNULL, stdout=logs[kind],
                                       stderr=subprocess.STDOUT)
    try:
        time.sleep(8)                                   # consumers loaded and listening
        idle_rss = vm(procs["fetch"].pid, "VmRSS")
        say(f"{name}: {source_type} job on {expected} remote datasets "
            f"(fetch consumer idle RSS {idle_rss / 1024:.0f} MB) ...")
        ckan(ini, "harvester", "job", source)
        deadline, last_print = time.monotonic() + timeout, 0.0
        while True:
            s = job_stats(name, source)
            done = s["complete"] + s["errors"]
            if s["gather_finished"] and done >= s["objects"]:
                break
            for kind, p in procs.items():
                if p.poll() is not None:
                    raise RuntimeError(f"{kind} consumer died; see {logs[kind].name}")
            if time.monotonic() > deadline:
                say(f"{name}: TIMEOUT after {timeout:.0f}s with {done}/{s['objects']} objects")
                break
            if time.monotonic() - last_print > 30:
                last_print = time.monotonic()
                say(f"{name}: {done}/{s['objects']} imported"
                    + ("" if s["gather_finished"] else " (gathering)"))
            time.sleep(1)
        peak = {k: vm(p.pid, "VmHWM") for k, p in procs.items()}
    finally:
        for kind, p in procs.items():
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
            logs[kind].close()
    ckan(ini, "harvester", "run")                      # marks the job finished
    job_s = secs(s["created"], s["last_import"])
    out = {"source_type": source_type, "remote_datasets": expected, "objects": s["objects"],
           "complete": s["complete"], "errors": s["errors"],
           "gather_s": secs(s["created"], s["gather_finished"]), "job_s": job_s,
           "datasets_per_s": s["complete"] / job_s if job_s else None,
           "import_avg_ms": s["import_avg_s"] * 1000, "fetch_avg_ms": s["fetch_avg_s"] * 1000,
           "fetch_consumer_idle_rss_mb": idle_rss / 1024,
           "fetch_consumer_peak_rss_mb": peak["fetch"] / 1024,
           "gather_consumer_peak_rss_mb": peak["gather"] / 1024}
    say(f"{name}: {s['complete']} imported, {s['errors']} errors in {job_s:.1f}s "
        f"= {out['datasets_per_s']:.1f} datasets/s (gather {out['gather_s']:.1f}s); "
        f"fetch consumer peak RSS {out['fetch_consumer_peak_rss_mb']:.0f} MB")
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


def national_count() -> int:
    try:
        with psycopg2.connect(host="127.0.0.1", port=common.PG_PORT, user="ckan", password="ckan",
                              dbname=SITES["national"][0]) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM package WHERE state = 'active' AND type = 'dataset'"
                        " AND name LIKE 'bench-%%'")
            return cur.fetchone()[0]
    except psycopg2.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sector-datasets", type=int, default=100)
    parser.add_argument("--ckan-datasets", type=int, default=5000)
    parser.add_argument("--timeout", type=float, default=900, help="per CKAN harvest, seconds")
    parser.add_argument("--skip-sector", action="store_true")
    parser.add_argument("--skip-ckan", action="store_true")
    args = parser.parse_args()
    t0 = time.monotonic()
    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "services.sh"), "start"],
                   check=True, stdout=subprocess.DEVNULL)
    results: dict = {"date": datetime.date.today().isoformat(), "cpus": os.cpu_count(),
                     "redis_dbs": {n: s[3] for n, s in SITES.items()}}
    inis = {name: site_ini(name) for name in SITES}
    for name in ("target-molisa", "target-stock"):
        say(f"fresh site {name} ({SITES[name][0]}) ...")
        prepare_site(name, inis[name], fresh=True)
    ckan(inis["target-molisa"], "molisa", "seed-units")

    if not args.skip_sector:
        results["sector"] = bench_sector(inis["target-molisa"], args.sector_datasets)

    if not args.skip_ckan:
        n = args.ckan_datasets
        prepare_site("national", inis["national"], fresh=national_count() > n)
        if national_count() < n:
            say(f"national: loading {n} datasets (bench/load.py) ...")
            with open(inis["national"] + ".load.log", "w") as log:
                subprocess.run([sys.executable, os.path.join(common.ROOT, "bench", "load.py"),
                                inis["national"], "stock", str(n)], check=True, stderr=log)
        else:
            say(f"national: {national_count()} datasets already there")
        results["ckan"] = {"remote_datasets": n}
        with common.Server(inis["national"], NATIONAL_PORT, workers=2) as national:
            for name, source_type in (("target-molisa", "molisa_ckan"), ("target-stock", "ckan")):
                results["ckan"][name] = bench_ckan(name, inis[name], source_type, national.url,
                                                   n, args.timeout)
        ours, stock = results["ckan"]["target-molisa"], results["ckan"]["target-stock"]
        if ours["datasets_per_s"] and stock["datasets_per_s"]:
            results["ckan"]["ratio_ours_stock"] = ours["datasets_per_s"] / stock["datasets_per_s"]
    results["run_s"] = time.monotonic() - t0

    print()
    if "sector" in results:
        r = results["sector"]
        full, again = r["runs"]
        print(f"Sector database, {r['datasets']} datasets (config {r['config_bytes']} bytes)")
        print(f"  full harvest   {full['job_s']:7.2f} s  {full['datasets_per_s']:7.1f} datasets/s"
              f"  (gather {full['gather_s']:.2f} s, fetch {full['fetch_avg_ms']:.0f} ms,"
              f" import {full['import_avg_ms']:.0f} ms per dataset; errors {full['errors']})")
        print(f"  unchanged rerun {again['job_s']:6.2f} s  ({again['objects']} objects)")
    if "ckan" in results:
        r = results["ckan"]
        print(f"\nCKAN source, {r['remote_datasets']} datasets")
        print(f"{'target':15} {'type':12} {'imported':>8} {'err':>4} {'job s':>7} {'ds/s':>6} "
              f"{'gather s':>8} {'import ms':>9} {'fetch RSS MB':>12}")
        for name in ("target-molisa", "target-stock"):
            x = r[name]
            print(f"{name:15} {x['source_type']:12} {x['complete']:8} {x['errors']:4} "
                  f"{x['job_s']:7.1f} {x['datasets_per_s']:6.1f} {x['gather_s']:8.1f} "
                  f"{x['import_avg_ms']:9.1f} {x['fetch_consumer_peak_rss_mb']:12.0f}")
        if "ratio_ours_stock" in r:
            print(f"ratio ours/stock (throughput): {r['ratio_ours_stock']:.2f}")
    print(f"\nrun time {results['run_s'] / 60:.1f} min")
    os.makedirs(os.path.join(common.ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(common.ROOT, "bench", "results", "harvest.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)


if __name__ == "__main__":
    main()
