"""The quality checks at scale: link, openness and table checks of 10,000
resources served by a local web server, the time to finish and the memory
it takes, and the portal's request latency during the run against idle.

    .venv/bin/python bench/quality.py [--datasets 1000] [--per-dataset 10]
                                      [--parallel 8] [--requests 200] [--load-only]

One database (molisa_bench_quality, Solr core ckan_bench_molisa under its own
site id) holds --datasets datasets of --per-dataset resources each (built
once through package_create, in-process, and reused), linked to an
in-process HTTP server on loopback (``http.server``, threads): per dataset 7
CSV files of 200 rows with a declared structure, 1 CSV with a type error,
1 PDF and 1 link answering 404. The sweep is the real command, ``ckan molisa quality-sweep
--sync``, in its own process (``parallel_fetches`` = --parallel, loopback
allowed), in a session of its own as make run's job worker (so that its
niceness, ckanext.molisa.quality.niceness, counts against the web server's
session); its wall time and peak memory (ru_maxrss of the child) are
measured.

Latency: one gunicorn server (1 worker, as bench/sharing.py) on the same
database; package_show of a random dataset, one request at a time, first
--requests while idle, then for as long as the sweep runs. Ratio: p50 during
/ p50 idle. Target: sweep < 10 min, ratio <= 1.10.

Where the interference comes from, measured beside the latency: the CPU
seconds of the sweep process (from its rusage), of the web worker per request
(from /proc, idle and during: the same CPU per request in more wall time is
time spent waiting for a core), of this process (the file server and the
latency client), PostgreSQL's commits and WAL syncs in the bench database
(pg_stat_database, pg_stat_wal) and the load average every 5 s.

Writes bench/results/quality.json.
"""
from __future__ import annotations

import argparse
import http.server
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PORT_WEB = common.port(121)
TARGETS = {"sweep_seconds": 600, "p50_ratio": 1.10}
COLUMNS = [{"name": "tinh", "type": "text"}, {"name": "nam", "type": "integer"},
           {"name": "so_nguoi", "type": "integer"}]


def csv_body(bad: bool) -> bytes:
    rows = ["tinh,nam,so_nguoi"] + [f"tinh-{i},2024,{i * 7}" for i in range(200)]
    if bad:
        rows[50] = "tinh-49,hai-nghin,343"
    return ("\n".join(rows) + "\n").encode()


BODIES = {"good.csv": (200, "text/csv", csv_body(False)),
          "bad.csv": (200, "text/csv", csv_body(True)),
          "report.pdf": (200, "application/pdf", b"%PDF-1.4\n" + b"0" * 4000 + b"\n%%EOF\n")}


class Files(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        if name not in BODIES:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, content_type, body = BODIES[name]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def resource_url(base: str, i: int, j: int) -> str:
    n = i * 100 + j
    if n % 20 == 0:
        return f"{base}/missing/{i}-{j}.csv"
    if n % 20 == 1:
        return f"{base}/files/{i}-{j}/report.pdf"
    return f"{base}/files/{i}-{j}/{'bad' if n % 10 == 3 else 'good'}.csv"


def load(ini: str, n: int, per: int, base: str) -> None:
    """The datasets, in-process (skipped when they are there)."""
    code = f"""
import sys
sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
from ckan.cli import load_config
from ckan.common import config
from ckan.config.middleware import make_app
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import make_connection
from quality import resource_url, COLUMNS
app = make_app(load_config({ini!r}))
with app._wsgi_app.test_request_context():
    config["ckan.search.solr_commit"] = False
    config["ckanext.molisa.quality.check_on_change"] = False
    user = tk.get_action("get_site_user")({{"ignore_auth": True}}, {{}})
    ctx = lambda: {{"user": user["name"], "ignore_auth": True}}
    have = tk.get_action("package_search")(ctx(), {{"q": "name:quality-*", "rows": 0}})["count"]
    if have < {n}:
        try:
            org = tk.get_action("organization_show")(ctx(), {{"id": "bench-quality"}})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(ctx(), {{"name": "bench-quality",
                "title": "Đơn vị thử tải chất lượng", "unit_type": "department"}})
        for i in range({n}):
            name = f"quality-{{i:05d}}"
            if tk.get_action("package_search")(ctx(), {{"q": f"name:{{name}}", "rows": 0}})["count"]:
                continue
            tk.get_action("package_create")(ctx(), {{
                "type": "dataset", "name": name, "title": f"Bộ dữ liệu {{i}}",
                "notes": "Thử tải kiểm tra chất lượng.", "owner_org": org["id"],
                "sector": "lao-dong-viec-lam", "access_level": "open", "personal_data": "false",
                "license_id": "cc-by-4.0", "update_frequency": "annual",
                "contact_name": "Phòng Thống kê", "contact_email": "thongke@molisa.gov.vn",
                "tags": [{{"name": "thử tải"}}],
                "resources": [{{"name": f"Tệp {{j}}", "format": "CSV", "columns": COLUMNS,
                                "url": resource_url({base!r}, i, j)}} for j in range({per})]}})
            if (i + 1) % 100 == 0:
                print(f"{{i + 1}}/{n} datasets", flush=True)
        make_connection().commit()
    print("datasets ready", flush=True)
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def latency(url: str, names: list[str], stop, limit: int | None) -> list[float]:
    samples, r, session = [], random.Random(2327), requests.Session()
    while (limit is None and not stop.is_set()) or (limit is not None and len(samples) < limit):
        started = time.perf_counter()
        response = session.get(url + "/api/3/action/package_show",
                               params={"id": r.choice(names)}, timeout=60)
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
    return samples


def worker_cpu(master: int) -> float:
    """CPU seconds of the gunicorn master's workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        with open(f"/proc/{master}/task/{master}/children") as f:
            children = [int(p) for p in f.read().split()]
    except OSError:
        return 0.0
    total = 0
    for pid in children:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])      # utime, stime
    return total / ticks


def pg_counters(cur) -> dict[str, int]:
    cur.execute("SELECT xact_commit, tup_inserted, blks_read FROM pg_stat_database "
                "WHERE datname = 'molisa_bench_quality'")
    commits, inserted, blks_read = cur.fetchone()
    cur.execute("SELECT wal_records, wal_sync FROM pg_stat_wal")
    wal_records, wal_sync = cur.fetchone()
    return {"commits": commits, "rows_inserted": inserted, "blocks_read": blks_read,
            "wal_records": int(wal_records), "wal_syncs (whole cluster)": int(wal_sync)}


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--per-dataset", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--load-only", action="store_true", help="Build the datasets and stop.")
    args = parser.parse_args()

    files = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    files.daemon_threads = True
    threading.Thread(target=files.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{files.server_address[1]}"
    extra = {"ckanext.molisa.quality.allowed_networks": "127.0.0.0/8",
             "ckanext.molisa.quality.parallel_fetches": str(args.parallel),
             "ckanext.molisa.quality.check_on_change": "false"}
    ini = common.write_ini("quality", PORT_WEB, common.MOLISA_PLUGINS, solr_flavour="molisa",
                           site_id="bench_quality", redis_db=7, extra=extra)
    common.prepare(ini, "quality")
    # the file server's port changes from run to run: resources point at a
    # fixed path prefix on it, rewritten in the database before each run
    load(ini, args.datasets, args.per_dataset, "http://127.0.0.1:1")
    if args.load_only:
        return
    import psycopg2
    with psycopg2.connect(host="127.0.0.1", port=common.PG_PORT, dbname="molisa_bench_quality",
                          user="ckan", password=common.DB_PASSWORD) as conn, conn.cursor() as cur:
        cur.execute("UPDATE resource SET url = regexp_replace(url, '^http://127.0.0.1:[0-9]+', %s)"
                    " WHERE url LIKE 'http://127.0.0.1:%%'", (base,))
        # package_show serves the dataset cached in Solr while its
        # metadata_modified is unchanged: a new one makes it read the database
        cur.execute("UPDATE package SET metadata_modified = now() at time zone 'utc' "
                    "WHERE name LIKE 'quality-%%'")
        cur.execute("TRUNCATE molisa_quality_result")
        cur.execute("SELECT count(*) FROM resource r JOIN package p ON p.id = r.package_id "
                    "WHERE r.state = 'active' AND p.state = 'active'")
        resources = cur.fetchone()[0]
    names = [f"quality-{i:05d}" for i in range(args.datasets)]
    pg = psycopg2.connect(host="127.0.0.1", port=common.PG_PORT, dbname="molisa_bench_quality",
                          user="ckan", password=common.DB_PASSWORD)
    pg.autocommit = True
    pg_cur = pg.cursor()
    ckan = os.path.join(common.VENV_BIN, "ckan")
    with common.Server(ini, PORT_WEB) as server:
        master = server.process.pid
        latency(server.url, names, None, 20)                               # warm-up
        cpu0, load_idle = worker_cpu(master), os.getloadavg()
        idle = latency(server.url, names, None, args.requests)
        web_cpu_idle = worker_cpu(master) - cpu0
        stop = threading.Event()
        loads: list[float] = []

        def sample_load():
            while not stop.wait(5):
                loads.append(os.getloadavg()[0])

        sampler = threading.Thread(target=sample_load, daemon=True)
        sampler.start()
        pg0, cpu1, self0 = pg_counters(pg_cur), worker_cpu(master), self_cpu()
        during: list[float] = []
        worker = threading.Thread(
            target=lambda: during.extend(latency(server.url, names, stop, None)))
        started = time.monotonic()
        worker.start()
        out_path = ini + ".sweep.log"
        with open(out_path, "w") as out:
            # a session of its own, as make run's job worker (scripts/run.sh,
            # setsid): the checks' niceness then counts against the web server
            proc = subprocess.Popen([ckan, "-c", ini, "molisa", "quality-sweep", "--sync"],
                                    stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            _, status, usage = os.wait4(proc.pid, 0)      # this child's own peak memory
        seconds = time.monotonic() - started
        stop.set()
        worker.join()
        web_cpu_during, bench_cpu = worker_cpu(master) - cpu1, self_cpu() - self0
        pg1 = pg_counters(pg_cur)
    with open(out_path) as f:
        output = f.read()
    if os.waitstatus_to_exitcode(status):
        sys.exit("the sweep failed:\n" + output[-3000:])
    peak_mib = usage.ru_maxrss / 1024
    counts = output.strip().splitlines()[-1]
    niceness = next((line for line in output.splitlines() if line.startswith("niceness=")), "")
    idle_s, during_s = common.summary(idle), common.summary(during)
    result = {
        "resources": resources, "datasets": args.datasets, "parallel_fetches": args.parallel,
        "sweep_seconds": round(seconds, 1), "resources_per_second": round(resources / seconds, 1),
        "peak_rss_mib": round(peak_mib, 1), "counts": counts, "niceness": niceness,
        "idle_ms": idle_s, "during_ms": during_s,
        "p50_ratio": round(during_s["p50"] / idle_s["p50"], 3),
        "p95_ratio": round(during_s["p95"] / idle_s["p95"], 3),
        "load_average_idle": [round(v, 2) for v in load_idle],
        "load_average_during": {"mean": round(sum(loads) / len(loads), 2) if loads else None,
                                "max": round(max(loads), 2) if loads else None},
        "sweep_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "sweep_cpu_share_of_a_core": round((usage.ru_utime + usage.ru_stime) / seconds, 2),
        "web_cpu_ms_per_request": {
            "idle": round(1000 * web_cpu_idle / len(idle), 2),
            "during": round(1000 * web_cpu_during / len(during), 2) if during else None},
        "bench_process_cpu_seconds_during (file server + latency client)": round(bench_cpu, 1),
        "postgres_during": {k: pg1[k] - pg0[k] for k in pg1},
        "targets": TARGETS,
    }
    os.makedirs(os.path.join(common.ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(common.ROOT, "bench", "results", "quality.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
