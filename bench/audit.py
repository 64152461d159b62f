"""The audit log's costs: request latency with the audit plugin on and off,
sustained ingest through the spool and the shipper, and the statistics
action over ten million events.

    .venv/bin/python bench/audit.py [--requests 1000] [--seconds 20] [--events 10000000]
                                    [--skip-http] [--skip-ingest] [--skip-stats]

1. HTTP. Two gunicorn servers (one worker each) on the same database and Solr
   core (molisa_bench_molisa / ckan_bench_molisa, the search benchmark's 10,000
   datasets): "on" with every MOLISA plugin, its own spool under .local/ and a
   `ckan molisa-audit ship` process beside it; "off" without molisa_audit.
   package_show (a random bench-NNNNNN) and package_search (a few queries)
   alternate between the two, one request at a time, the order swapped every
   round. Every request carries a unique X-Request-ID; at the end every request
   made to "on" must have exactly one event in PostgreSQL.
2. Ingest. A scratch database (molisa_bench_ingest, dropped and recreated on
   every run so that `molisa-audit verify` only reads this run's events),
   writer processes calling recorder.record() as fast as they can for
   --seconds, the real shipper process draining the spool. Reports events
   written, the time until all of them are in PostgreSQL, events/s end to end,
   whether the database holds exactly the events written, and verify.
3. Statistics. --events synthetic events in one month (2026-10) in
   molisa_bench_audit, stored through shipper.ship_batch (hash-chained
   batches and hourly rollups, as the shipper stores them), in two processes;
   resumable. Then molisa_audit_stats for the whole month and each group_by,
   one call with since/until off the hour, one with an organization filter.

Writes bench/results/audit.json.
"""
from __future__ import annotations

import argparse
import bisect
import concurrent.futures
import datetime
import io
import json
import math
import multiprocessing as mp
import os
import queue
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid

import psycopg2
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PORT_ON, PORT_OFF, PORT_INGEST, PORT_AUDIT = (common.port(111), common.port(112),
                                              common.port(113), common.port(114))
SPOOL_HTTP = os.path.join(common.LOCAL, "bench-audit-spool-http")
SPOOL_INGEST = os.path.join(common.LOCAL, "bench-audit-spool-ingest")
OFF_PLUGINS = " ".join(p for p in common.MOLISA_PLUGINS.split() if p != "molisa_audit")
TARGETS = {"http_p50_ratio": 1.05, "ingest_events_per_s": 10000, "stats_seconds": 2.0,
           "verify_full_seconds_10m": 120.0}
EVENT, BATCH, ROLLUP = ("molisa_audit.molisa_audit_event", "molisa_audit.molisa_audit_batch",
                        "molisa_audit.molisa_audit_rollup")

FACETS = '["organization", "res_format", "license_id", "tags", "sector", "access_level"]'
SEARCHES = [
    {"q": "lao động"},
    {"q": "tre em", "facet.field": FACETS},
    {"fq": "access_level:open", "rows": 20},
    {"q": "*:*", "facet.field": FACETS, "rows": 20},
    {"q": "name:bench-0001*"},
    {"q": "social protection", "sort": "title_string asc"},
]


def dsn(db: str, role: str = "ckan") -> str:
    """The web role (reads the log), or molisa_audit_shipper / molisa_audit_admin."""
    password = {"ckan": common.DB_PASSWORD,
                "molisa_audit_shipper": common.AUDIT_SHIPPER_PASSWORD,
                "molisa_audit_admin": common.AUDIT_ADMIN_PASSWORD}[role]
    return f"host=127.0.0.1 port={common.PG_PORT} user={role} password={password} dbname={db}"


def sql(db: str, query: str, params=None, autocommit: bool = False, role: str = "ckan"):
    conn = psycopg2.connect(dsn(db, role))
    conn.autocommit = autocommit
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            rows = cur.fetchall() if cur.description else None
        conn.commit()
        return rows
    finally:
        conn.close()


def drop_database(db: str) -> None:
    """As the cluster's superuser: the web role no longer owns the databases."""
    subprocess.run(["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/dropdb",
                    "-h", os.path.join(common.LOCAL, "pgsock"), "-p", str(common.PG_PORT),
                    "--if-exists", "--force", db], check=True)


def say(*args) -> None:
    print(*args, flush=True)


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


class Shipper:
    """`ckan -c INI molisa-audit ship` running beside a site, as in production."""

    def __init__(self, ini: str):
        self.ini = ini
        self.log_path = ini + ".shipper.log"

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [os.path.join(common.VENV_BIN, "ckan"), "-c", self.ini, "molisa-audit", "ship"],
            stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def check(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(f"the shipper exited with {self.proc.returncode}; "
                               f"see {self.log_path}:\n{tail(self.log_path)}")

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def tail(path: str, n: int = 30) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def run_verify(ini: str, full: bool = False) -> dict:
    started = time.monotonic()
    proc = subprocess.run([os.path.join(common.VENV_BIN, "ckan"), "-c", ini, "molisa-audit",
                           "verify"] + (["--full"] if full else []), capture_output=True, text=True)
    seconds = time.monotonic() - started
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    result = {"ok": proc.returncode == 0, "seconds": round(seconds, 1), "full": full,
              "loadavg_after": round(os.getloadavg()[0], 2),
              "summary": " / ".join(lines[-2:]) if lines else ""}
    if proc.returncode != 0:
        result["output"] = (proc.stdout[-3000:] + proc.stderr[-3000:])
    return result


def spool_pending(directory: str) -> int:
    """Complete events waiting in a spool (as spool.pending_events counts them)."""
    total = 0
    if not os.path.isdir(directory):
        return 0
    for name in os.listdir(directory):
        if not (name.endswith(".jsonl") or name.endswith(".closed")):
            continue
        path = os.path.join(directory, name)
        try:
            with open(path + ".offset") as f:
                offset = int(f.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            offset = 0
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                total += sum(1 for line in f if line.endswith(b"\n"))
        except FileNotFoundError:
            pass
    return total


# ----------------------------------------------------------------------- 1. HTTP
def http_stage(args) -> dict:
    on_ini = common.write_ini("molisa", PORT_ON, common.MOLISA_PLUGINS, name="audit-on",
                              extra={"ckanext.molisa_audit.spool_dir": SPOOL_HTTP})
    off_ini = common.write_ini("molisa", PORT_OFF, OFF_PLUGINS, name="audit-off")
    common.prepare(on_ini, "molisa")  # adds the audit tables to molisa_bench_molisa
    db = "molisa_bench_molisa"
    have = sql(db, "SELECT count(*) FROM package WHERE state = 'active' AND name LIKE 'bench-%'")[0][0]
    if have < 10000:
        say(f"molisa_bench_molisa holds {have} bench datasets; loading 10000 ...")
        subprocess.run([sys.executable, os.path.join(common.ROOT, "bench", "load.py"), on_ini,
                        "molisa", "10000"], check=True)

    run = uuid.uuid4().hex[:12]
    counter = iter(range(10 ** 9))
    counter_lock = threading.Lock()
    sent_on: list[str] = []
    r = common.rng()
    started_at = datetime.datetime.now(datetime.timezone.utc)
    local = threading.local()

    def measure(server, action, params, on: bool) -> float:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        with counter_lock:
            rid = f"b{run}-{next(counter):07d}"
            if on:
                sent_on.append(rid)
        t0 = time.perf_counter()
        response = session.get(f"{server.url}/api/3/action/{action}", params=params,
                               headers={"X-Request-ID": rid}, timeout=120)
        elapsed = time.perf_counter() - t0
        response.raise_for_status()
        assert response.json()["success"]
        if on and response.headers.get("X-Request-ID") != rid:
            raise RuntimeError(f"the audited server answered X-Request-ID "
                               f"{response.headers.get('X-Request-ID')!r} to {rid!r}")
        return elapsed

    def params_for(action: str, i: int) -> dict:
        if action == "package_show":
            return {"id": f"bench-{r.randrange(10000):06d}"}
        return SEARCHES[i % len(SEARCHES)]

    def burst(server, action, n: int, on: bool) -> list[float]:
        """``n`` requests from ``args.clients`` concurrent clients."""
        params = [params_for(action, i) for i in range(n)]
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            return list(pool.map(lambda p: measure(server, action, p, on), params))

    results: dict = {"requests_per_site_per_action": args.requests, "clients": args.clients,
                     "rounds": args.rounds, "workers": args.web_workers,
                     "threads": args.web_threads}
    with Shipper(on_ini) as shipper, \
            common.Server(on_ini, PORT_ON, args.web_workers, args.web_threads) as on, \
            common.Server(off_ini, PORT_OFF, args.web_workers, args.web_threads) as off:
        servers = {"on": on, "off": off}
        for action in ("package_show", "package_search"):
            for site in ("on", "off"):  # warm-up: every worker thread's first requests
                burst(servers[site], action, 4 * args.clients, site == "on")
            samples = {"on": [], "off": []}
            per_round = max(1, args.requests // args.rounds)
            say(f"http: {action}, {args.rounds} rounds of {per_round} requests per site from "
                f"{args.clients} concurrent clients ...")
            t0 = time.monotonic()
            for i in range(args.rounds):
                # ABBA: each site first in half of the rounds
                order = ("on", "off") if i % 2 == 0 else ("off", "on")
                for site in order:
                    samples[site] += burst(servers[site], action, per_round, site == "on")
                shipper.check()
                say(f"  round {i + 1}/{args.rounds} ({time.monotonic() - t0:.0f}s, "
                    f"load {os.getloadavg()[0]:.2f})")
            res = {s: common.summary(v) for s, v in samples.items()}
            res["ratio"] = {k: res["on"][k] / res["off"][k] for k in ("p50", "p95", "mean")}
            res["on_minus_off_ms"] = {k: res["on"][k] - res["off"][k] for k in ("p50", "p95", "mean")}
            res["requests_per_s"] = {s: round(len(v) / sum(v) * args.clients, 1)
                                     for s, v in samples.items()}
            results[action] = res

        say(f"http: waiting for the shipper to store the {len(sent_on)} events ...")
        deadline = time.monotonic() + 300
        since = started_at - datetime.timedelta(minutes=1)
        t0 = time.monotonic()
        while True:
            found = sql(db, f"SELECT count(*) FROM {EVENT} WHERE ts >= %s "
                            "AND request_id LIKE %s", (since, f"b{run}-%"))[0][0]
            if found >= len(sent_on) and spool_pending(SPOOL_HTTP) == 0:
                break
            if time.monotonic() > deadline:
                say(f"  gave up waiting: {found} of {len(sent_on)} events stored")
                break
            shipper.check()
            time.sleep(0.5)
        results["drain_seconds_after_last_request"] = round(time.monotonic() - t0, 1)

    rows = sql(db, "SELECT request_id, count(*), min(channel), max(channel), min(action), "
                   "max(action), bool_and(datasets IS NOT NULL OR action <> 'package_show') "
                   f"FROM {EVENT} WHERE ts >= %s AND request_id LIKE %s "
                   "GROUP BY request_id", (since, f"b{run}-%"))
    stored = {row[0]: row[1] for row in rows}
    sent = set(sent_on)
    results["requests_to_on"] = len(sent_on)
    results["events_found"] = sum(stored.values())
    results["missing"] = len(sent - set(stored))
    results["duplicated"] = sum(1 for n in stored.values() if n > 1)
    results["unexpected"] = len(set(stored) - sent)
    results["events_equal_requests"] = (results["missing"] == 0 and results["duplicated"] == 0
                                        and results["unexpected"] == 0
                                        and results["events_found"] == len(sent_on))
    results["all_channel_api"] = all(row[2] == row[3] == "api" for row in rows)
    results["package_show_events_name_dataset"] = all(row[6] for row in rows)
    if not args.skip_verify:
        say("http: molisa-audit verify --full on molisa_bench_molisa ...")
        results["verify"] = run_verify(on_ini, full=True)
    return results


# --------------------------------------------------------------------- 2. ingest
def _writer(ini: str, index: int, threads: int, run: str, rate: float, ready, start, deadline,
            counts, out) -> None:
    """One writer process, as a gthread web worker: the ingest site's
    configuration and plugins, then ``threads`` threads calling
    recorder.record() in a loop until the deadline (at ``rate`` events/s for
    the process if not 0, else as fast as they can). The threads' events share
    fsyncs (group commit), as a worker's concurrent requests do."""
    import logging
    logging.disable(logging.WARNING)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    make_app(load_config(ini))
    from ckanext.molisa_audit import recorder

    datasets = [(str(uuid.uuid5(uuid.NAMESPACE_URL, f"ds-{i}")),
                 str(uuid.uuid5(uuid.NAMESPACE_URL, f"org-{i % 50}"))) for i in range(1000)]
    written = [0] * threads

    def loop(t: int) -> None:
        r = random.Random(f"writer-{index}-{t}")
        end = deadline.value
        begin = time.time()
        per_thread = rate / threads if rate else 0
        n = 0
        while True:
            if per_thread and n % 20 == 0:
                ahead = begin + n / per_thread - time.time()
                if ahead > 0:
                    time.sleep(ahead)
            ds, org = datasets[r.randrange(1000)]
            recorder.record("api", "package_show", client_addr="127.0.0.1", datasets=[ds],
                            organizations=[org], status=200,
                            duration_ms=r.lognormvariate(3.5, 0.7),
                            bytes_sent=int(r.lognormvariate(8.5, 0.8)),
                            request_id=f"i{run}-{index}-{t}-{n}", extra={"method": "GET"})
            n += 1
            if n % 100 == 0:
                written[t] = n
                if time.time() >= end:
                    break
        written[t] = n

    ready.put(index)
    start.wait()
    pool = [threading.Thread(target=loop, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    while any(th.is_alive() for th in pool):
        counts[index] = sum(written)
        time.sleep(0.2)
    counts[index] = sum(written)
    w = recorder.writer()
    fsyncs, events = w.fsyncs, w.events
    w.close()  # rename the spool file .closed, as at a worker's exit
    out.put((index, sum(written), fsyncs, events))


def ingest_stage(args) -> dict:
    db = "molisa_bench_ingest"
    ini = common.write_ini("ingest", PORT_INGEST, common.MOLISA_PLUGINS, solr_flavour="molisa",
                           extra={"ckanext.molisa_audit.spool_dir": SPOOL_INGEST})
    say(f"ingest: recreating {db} (a scratch database) ...")
    drop_database(db)
    shutil.rmtree(SPOOL_INGEST, ignore_errors=True)
    shutil.rmtree(os.path.join(common.LOCAL, "bench-audit-anchors-ingest"), ignore_errors=True)
    common.prepare(ini, "ingest")

    run = uuid.uuid4().hex[:12]
    ctx = mp.get_context("spawn")
    ready, out = ctx.Queue(), ctx.Queue()
    start = ctx.Event()
    deadline = ctx.Value("d", 0.0)
    counts = ctx.Array("q", args.writers, lock=False)
    results: dict = {"writers": args.writers, "threads_per_writer": args.threads,
                     "clients": args.writers * args.threads, "seconds": args.seconds,
                     "rate_limit": args.rate or None}
    procs = []
    with Shipper(ini) as shipper:
        try:
            for i in range(args.writers):
                p = ctx.Process(target=_writer, args=(ini, i, args.threads, run,
                                                      args.rate / args.writers, ready, start,
                                                      deadline, counts, out),
                                daemon=True)
                p.start()
                procs.append(p)
            for _ in procs:
                try:
                    ready.get(timeout=180)
                except queue.Empty:
                    raise RuntimeError("a writer did not start within 180 s")
            shipper.check()
            cpu0 = cpu_seconds(shipper.proc.pid)
            t0 = time.time()
            deadline.value = t0 + args.seconds
            start.set()
            say(f"ingest: {args.writers} writer processes x {args.threads} threads for "
                f"{args.seconds}s, the shipper draining ...")
            written = {}
            fsyncs = {}
            writing_done = None
            pending_at_stop = None
            last_print = 0.0
            stored = 0
            while True:
                now = time.time()
                while True:
                    try:
                        index, n, f, _ = out.get_nowait()
                        written[index] = n
                        fsyncs[index] = f
                    except queue.Empty:
                        break
                if writing_done is None and len(written) == len(procs):
                    writing_done = time.time() - t0
                    pending_at_stop = spool_pending(SPOOL_INGEST)
                stored = sql(db, "SELECT coalesce(sum(event_count), 0) FROM molisa_audit.molisa_audit_batch")[0][0]
                if now - last_print >= 2:
                    last_print = now
                    w = sum(counts)
                    say(f"  t={now - t0:5.1f}s written {w:>9,} stored {stored:>9,} "
                        f"waiting {w - stored:>9,}")
                if writing_done is not None and stored >= sum(written.values()):
                    break
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise RuntimeError("a writer failed")
                if now - t0 > args.seconds + 900:
                    say("  gave up waiting for the shipper")
                    break
                shipper.check()
                time.sleep(0.1)
            wall = time.time() - t0
            cpu1 = cpu_seconds(shipper.proc.pid)
            # the spool must be empty too (files removed once shipped)
            for _ in range(100):
                if spool_pending(SPOOL_INGEST) == 0:
                    break
                time.sleep(0.2)
        finally:
            start.set()
            for p in procs:
                p.join(timeout=30)
                if p.is_alive():
                    p.terminate()
                    p.join()

    total = sum(written.values())
    count, distinct = sql(db, "SELECT count(*), count(DISTINCT request_id) FROM molisa_audit.molisa_audit_event")[0]
    batches = sql(db, "SELECT count(*), coalesce(max(event_count), 0) FROM molisa_audit.molisa_audit_batch")[0]
    results.update({
        "events_written": total,
        "writing_seconds": round(writing_done, 2),
        "written_per_s": round(total / writing_done),
        "waiting_when_writers_stopped": pending_at_stop,
        "wall_seconds_until_stored": round(wall, 2),
        "events_per_s_end_to_end": round(total / wall),
        "events_in_db": count, "distinct_request_ids_in_db": distinct,
        "nothing_lost": count == total and distinct == total,
        "batches": batches[0], "largest_batch": batches[1],
        "shipper_cpu_seconds": round(cpu1 - cpu0, 1),
        "fsyncs": sum(fsyncs.values()),
        "events_per_fsync": round(total / max(1, sum(fsyncs.values())), 1),
        "spool_left": spool_pending(SPOOL_INGEST),
    })
    if not args.skip_verify:
        say(f"ingest: molisa-audit verify --full over {count:,} events ...")
        results["verify"] = run_verify(ini, full=True)
    return results


# ---------------------------------------------------------------------- 3. stats
MONTH = datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc)
MONTH_END = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
CHUNK = 10_000
N_DATASETS, N_ORGS, N_ACTORS = 1000, 50, 500

CHANNELS = [("api", 0.50), ("web", 0.15), ("download", 0.20), ("harvest", 0.03),
            ("sharing", 0.07), ("auth", 0.05)]
ACTIONS = {
    "api": [("package_show", 0.45), ("package_search", 0.25), ("resource_show", 0.1),
            ("datastore_search", 0.15), ("organization_show", 0.05)],
    "web": [("dataset.read", 0.7), ("resource.read", 0.3)],
    "download": [("resource.download", 0.8), ("datastore.dump", 0.2)],
    "harvest": [("harvest_gather", 0.2), ("harvest_fetch", 0.4), ("harvest_import", 0.4)],
    "sharing": [("grant_request", 0.1), ("grant_approve", 0.05), ("grant_suspend", 0.01),
                ("shared_api_call", 0.84)],
    "auth": [("login", 0.45), ("logout", 0.3), ("login_failed", 0.15), ("api_token_create", 0.1)],
}
#: (median ms, sigma) of the log-normal durations, and of the bytes sent
DURATION = {"api": (35, 0.8), "web": (180, 0.6), "download": (250, 1.2), "harvest": (800, 0.9),
            "sharing": (60, 0.8), "auth": (150, 0.5)}
SEARCH_DURATION = (120, 0.7)
BYTES = {"api": (4000, 0.9), "web": (45000, 0.4), "download": (2_000_000, 1.5),
         "harvest": (20000, 1.0), "sharing": (8000, 1.0), "auth": (900, 0.2)}
ERRORS = [(403, "Authorization Error"), (404, "Not Found Error"), (409, "Validation Error"),
          (500, "HTTP500"), (502, "HTTP502")]


def _cum(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class Universe:
    """The synthetic portal: datasets (Zipf popularity) in units, users, partners."""

    def __init__(self):
        ns = uuid.NAMESPACE_URL
        self.orgs = [str(uuid.uuid5(ns, f"molisa-bench-org-{j}")) for j in range(N_ORGS)]
        self.datasets = [str(uuid.uuid5(ns, f"molisa-bench-ds-{i}")) for i in range(N_DATASETS)]
        self.resources = [str(uuid.uuid5(ns, f"molisa-bench-res-{i}")) for i in range(N_DATASETS)]
        self.dataset_org = [self.orgs[(i * 7) % N_ORGS] for i in range(N_DATASETS)]
        self.ds_cum = _cum([1 / (i + 1) for i in range(N_DATASETS)])
        self.actors = [(f"canbo{j:03d}", str(uuid.uuid5(ns, f"molisa-bench-user-{j}")),
                        [self.orgs[j % N_ORGS]]) for j in range(N_ACTORS)]
        self.actor_cum = _cum([1 / (j + 1) ** 0.7 for j in range(N_ACTORS)])
        self.accounts = [f"he-thong-{k:02d}" for k in range(30)]
        self.channels = [c for c, _ in CHANNELS]
        self.channel_cum = _cum([w for _, w in CHANNELS])
        self.actions = {c: ([a for a, _ in v], _cum([w for _, w in v])) for c, v in ACTIONS.items()}
        self.addrs = [f"10.{k // 250}.{k % 250}.{(k * 37) % 250 + 1}" for k in range(3000)]


def _pick(r, items, cum):
    return items[bisect.bisect_left(cum, r.random() * cum[-1])]


def chunk_layout(n_total: int) -> list[tuple[int, int, int]]:
    """(events, start ms, end ms) of each chunk: equal counts, consecutive
    equal slices of the month, so that each batch covers its own time range."""
    chunks = max(1, math.ceil(n_total / CHUNK))
    t0 = int(MONTH.timestamp() * 1000)
    span = int(MONTH_END.timestamp() * 1000) - t0
    return [(n_total * (k + 1) // chunks - n_total * k // chunks,
             t0 + span * k // chunks, t0 + span * (k + 1) // chunks) for k in range(chunks)]


def synth_chunk(u: Universe, k: int, n: int, lo: int, hi: int) -> list[dict]:
    """Chunk k's events, shaped as recorder.record() writes them; deterministic."""
    r = random.Random(f"molisa-audit-bench-{k}")
    stamps = sorted(r.randrange(lo, hi) for _ in range(n))
    events = []
    for ms in stamps:
        ts = (datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
              .strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z")
        channel = _pick(r, u.channels, u.channel_cum)
        names, cum = u.actions[channel]
        action = _pick(r, names, cum)
        actor = actor_id = actor_orgs = account = None
        datasets = resources = organizations = None
        if channel in ("web", "auth") or (channel in ("api", "download") and r.random() < 0.35) \
                or (channel == "sharing" and r.random() < 0.2):
            actor, actor_id, actor_orgs = _pick(r, u.actors, u.actor_cum)
        if channel in ("harvest", "sharing"):
            account = u.accounts[r.randrange(len(u.accounts))]
        if channel != "auth" and action not in ("package_search", "organization_show"):
            i = bisect.bisect_left(u.ds_cum, r.random() * u.ds_cum[-1])
            datasets, organizations = [u.datasets[i]], [u.dataset_org[i]]
            if channel == "download" or action in ("resource_show", "resource.read",
                                                   "datastore_search"):
                resources = [u.resources[i]]
        elif action == "organization_show":
            organizations = [u.orgs[r.randrange(N_ORGS)]]
        status, error_class, message = 200, None, None
        if action == "login_failed":
            status, error_class = 401, "FailedLogin"
        elif channel != "auth" and r.random() < 0.027:
            status, error_class = ERRORS[r.randrange(len(ERRORS))]
            message = "fields: id" if status == 409 else None
        median, sigma = SEARCH_DURATION if action == "package_search" else DURATION[channel]
        duration = min(r.lognormvariate(math.log(median), sigma), 120000.0)
        b_median, b_sigma = BYTES[channel]
        nbytes = int(r.lognormvariate(math.log(b_median), b_sigma)) if status < 400 else 180
        events.append({
            "id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            "ts": ts,
            "request_id": "%032x" % r.getrandbits(128),
            "actor": actor, "actor_id": actor_id, "actor_orgs": actor_orgs,
            "connection_account": account,
            "client_addr": u.addrs[r.randrange(len(u.addrs))],
            "channel": channel, "action": action,
            "datasets": datasets, "resources": resources, "organizations": organizations,
            "status": status, "error_class": error_class, "error_message": message,
            "duration_ms": round(duration, 3), "bytes_sent": nbytes,
            "extra": {"method": "POST" if channel in ("auth", "sharing") else "GET"},
        })
    return events


_BATCH_TOKEN = "@@batch_id@@"


def fast_ship_batch(conn, events: list[dict]) -> int:
    """What shipper.ship_batch stores, faster, for a bulk load of fresh events
    (no duplicate check: the load's own bookkeeping guarantees each chunk is
    stored once): the same event hashes (chain.event_hash_v2), the same batch
    row on the same chain under the same lock, the same rollups
    (shipper._rollups, the same upsert); but the hashing is done before taking
    the chain's lock, so that several processes can hash in parallel.
    ``conn``: the shipper's role. The caller commits (and signs checkpoints)."""
    from ckanext.molisa_audit import chain, partitions, shipper
    from ckanext.molisa_audit.model import BATCH as B, EVENT as E
    import psycopg2.extras
    events = [chain.normalize(e) for e in events]
    for e in events:
        e["ts_parsed"] = e["ts"]
    hashes = [chain.event_hash_v2(e) for e in events]
    body = "".join(shipper._copy_row(e, _BATCH_TOKEN, seq, h) + "\n"
                   for seq, (e, h) in enumerate(zip(events, hashes)))
    digest = chain.events_hash(hashes)
    rollup_rows = [(hour, dim, key, v[0], v[1], v[2], *v[3])
                   for (hour, dim, key), v in shipper._rollups(events).items()]
    cur = conn.cursor()
    partitions.ensure_for(cur, {e["ts"] for e in events})
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (shipper.CHAIN_LOCK,))
    cur.execute(f"SELECT id, hash FROM {B} ORDER BY id DESC LIMIT 1")
    row = cur.fetchone()
    batch_id, prev_hash = (row[0] + 1, row[1]) if row else (1, chain.GENESIS)
    head = chain.batch_hash(batch_id, len(events), digest, prev_hash)
    cur.execute(
        f"INSERT INTO {B} (id, event_count, first_ts, last_ts, events_hash,"
        " prev_hash, hash, hash_version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (batch_id, len(events), min(e["ts"] for e in events), max(e["ts"] for e in events),
         digest, prev_hash, head, chain.HASH_VERSION))
    cur.copy_expert(f"COPY {E} ({', '.join(shipper.EVENT_COLUMNS)}) FROM STDIN",
                    io.StringIO(body.replace(_BATCH_TOKEN, str(batch_id))))
    psycopg2.extras.execute_values(cur, shipper.ROLLUP_UPSERT, rollup_rows, page_size=1000)
    return len(events)


def _loader(ini: str, db: str, n_total: int, path: str, todo, done) -> None:
    """One loading process: generate a chunk, store it (shipper.ship_batch, or
    fast_ship_batch) as one chained, signed batch + rollups and mark it done,
    in one transaction, as the shipper's role; then anchor its checkpoint."""
    import logging
    logging.disable(logging.WARNING)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    make_app(load_config(ini))
    from ckanext.molisa_audit import anchors, shipper
    u = Universe()
    layout = chunk_layout(n_total)
    conn = psycopg2.connect(dsn(db, "molisa_audit_shipper"))
    store = shipper.ship_batch if path == "real" else fast_ship_batch
    try:
        while True:
            k = todo.get()
            if k is None:
                break
            n, lo, hi = layout[k]
            t0 = time.perf_counter()
            events = synth_chunk(u, k, n, lo, hi)
            t1 = time.perf_counter()
            stored = store(conn, events)
            with conn.cursor() as cur:
                cur.execute("INSERT INTO bench_audit_load (n_total, chunk, events) "
                            "VALUES (%s, %s, %s)", (n_total, k, stored))
            conn.commit()
            anchors.checkpoint(conn)   # as the shipper: when checkpoint_seconds have passed
            done.put((k, stored, t1 - t0, time.perf_counter() - t1))
    except BaseException as e:
        done.put(("error", repr(e), 0, 0))
        raise
        anchors.checkpoint(conn, force=True)   # the head, signed
    finally:
        conn.close()


def month_events(db: str) -> int:
    return int(sql(db, "SELECT coalesce(sum(event_count), 0) FROM molisa_audit.molisa_audit_batch "
                       "WHERE first_ts >= %s AND first_ts < %s", (MONTH, MONTH_END))[0][0])


def _create_load_table(db: str) -> None:
    sql(db, "CREATE TABLE IF NOT EXISTS bench_audit_load (n_total bigint, chunk integer, "
            "events integer NOT NULL, PRIMARY KEY (n_total, chunk)); "
            "GRANT SELECT, INSERT ON bench_audit_load TO molisa_audit_shipper")


def run_loaders(ini: str, db: str, n_total: int, path: str, chunks: list[int], loaders: int,
                planned: int, loaded_before: int, t_start: float) -> dict:
    """Store ``chunks`` with ``loaders`` processes; returns counts and times."""
    layout = chunk_layout(n_total)
    ctx = mp.get_context("spawn")
    todo, done = ctx.Queue(), ctx.Queue()
    for k in chunks:
        todo.put(k)
    for _ in range(loaders):
        todo.put(None)
    procs = [ctx.Process(target=_loader, args=(ini, db, n_total, path, todo, done), daemon=True)
             for _ in range(loaders)]
    for p in procs:
        p.start()
    t0 = time.monotonic()
    loaded = 0
    gen_s = ship_s = 0.0
    last = t0
    try:
        for i in range(len(chunks)):
            while True:
                try:
                    k, n, g, st = done.get(timeout=5)
                    break
                except queue.Empty:
                    if any(p.exitcode not in (None, 0) for p in procs):
                        raise RuntimeError("a loader failed")
            if k == "error":
                raise RuntimeError(f"a loader failed: {n}")
            loaded += n
            gen_s += g
            ship_s += st
            now = time.monotonic()
            if now - last >= 15 or i == len(chunks) - 1:
                last = now
                rate = loaded / (now - t0)
                total_so_far = loaded_before + loaded
                eta = (planned - total_so_far) / rate if rate else float("nan")
                say(f"  [{path}] {total_so_far:,}/{planned:,} events, {rate:,.0f}/s, "
                    f"{(now - t_start) / 60:.1f} min so far, eta {eta / 60:.1f} min")
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.terminate()
                p.join()
    seconds = time.monotonic() - t0
    return {"path": path, "batches": len(chunks), "events": loaded, "seconds": round(seconds, 1),
            "events_per_s": round(loaded / seconds) if seconds else None,
            "generate_cpu_seconds": round(gen_s, 1), "store_seconds": round(ship_s, 1)}


def load_stats_db(args, ini: str, db: str) -> dict:
    info: dict = {"target_events": args.events}
    if args.reload_stats_db:
        say(f"stats: dropping {db} (--reload-stats-db)")
        drop_database(db)
        shutil.rmtree(os.path.join(common.LOCAL, "bench-audit-anchors-audit"), ignore_errors=True)
        common.prepare(ini, "audit")
    have = month_events(db)
    if have >= args.events:
        say(f"stats: {db} already holds {have:,} events in 2026-10; not loading")
        info.update(loaded=0, month_events=have)
        return info
    _create_load_table(db)
    done_rows = sql(db, "SELECT chunk, events FROM bench_audit_load WHERE n_total = %s",
                    (args.events,))
    others = have - sum(row[1] for row in done_rows)
    if others > 0:
        # events of another size's layout (a smaller trial run): start afresh
        say(f"stats: {db} holds {others:,} events of another run's layout; recreating it")
        drop_database(db)
        shutil.rmtree(os.path.join(common.LOCAL, "bench-audit-anchors-audit"), ignore_errors=True)
        common.prepare(ini, "audit")
        _create_load_table(db)
        done_rows = []
    # The month's partition first, in one process: partitions.ensure() is not
    # safe against two processes creating the same partition at once (its
    # re-check after the advisory lock reads a stale catalog; see the report).
    from ckanext.molisa_audit import partitions
    conn = psycopg2.connect(dsn(db, "molisa_audit_shipper"))
    partitions.ensure(conn.cursor(), MONTH)
    conn.commit()
    conn.close()

    layout = chunk_layout(args.events)
    done_chunks = {row[0] for row in done_rows}
    todo = [k for k in range(len(layout)) if k not in done_chunks]
    planned = sum(layout[k][0] for k in todo)
    say(f"stats: loading {planned:,} events in {len(todo)} batches of ~{CHUNK:,} with "
        f"{args.loaders} processes ({len(done_chunks)} batches already there; "
        f"--load-path {args.load_path}) ...")
    t_start = time.monotonic()
    phases = []
    if args.load_path in ("auto", "real"):
        # the real storage path: shipper.ship_batch
        first = todo if args.load_path == "real" else todo[:args.probe_batches]
        phases.append(run_loaders(ini, db, args.events, "real", first, args.loaders, planned, 0,
                                  t_start))
        todo = todo[len(first):]
        rate = phases[-1]["events_per_s"] or 1
        projected = sum(layout[k][0] for k in todo) / rate
        say(f"stats: shipper.ship_batch stores {rate:,} events/s with {args.loaders} "
            f"processes: the remaining {len(todo)} batches would take {projected / 60:.1f} min")
        info["real_path_events_per_s"] = rate
        info["real_path_projected_minutes_for_all"] = round(args.events / rate / 60, 1)
        if todo and projected > args.max_real_minutes * 60:
            say(f"stats: more than {args.max_real_minutes:g} min: the rest goes through fast_ship_batch (same hashes, "
                "chain and rollups; hashing outside the chain's lock, COPY)")
        elif todo:
            phases.append(run_loaders(ini, db, args.events, "real", todo, args.loaders, planned,
                                      phases[-1]["events"], t_start))
            todo = []
    if todo:
        phases.append(run_loaders(ini, db, args.events, "fast", todo, args.loaders, planned,
                                  sum(p["events"] for p in phases), t_start))
    seconds = time.monotonic() - t_start
    loaded = sum(p["events"] for p in phases)
    info.update(loaded=loaded, load_seconds=round(seconds, 1),
                load_events_per_s=round(loaded / seconds) if seconds else None,
                load_phases=phases, month_events=month_events(db))
    say(f"stats: loaded {loaded:,} events in {seconds / 60:.1f} min "
        f"({info['load_events_per_s']:,}/s overall)")
    for p in phases:
        say(f"  {p['path']:4}: {p['events']:>11,} events, {p['events_per_s'] or 0:>7,}/s "
            f"(generation {p['generate_cpu_seconds']}s, storing {p['store_seconds']}s, "
            f"summed over processes)")
    conn = psycopg2.connect(dsn(db, "molisa_audit_admin"))
    conn.autocommit = True
    with conn.cursor() as cur:   # as the owner (the admin role): the web role may not
        cur.execute("SET ROLE molisa_audit_owner")
        for table in (ROLLUP, EVENT):
            cur.execute(f"VACUUM ANALYZE {table}")
    conn.close()
    return info


def stats_stage(args) -> dict:
    db = "molisa_bench_audit"
    ini = common.write_ini("audit", PORT_AUDIT, common.MOLISA_PLUGINS, solr_flavour="molisa")
    common.prepare(ini, "audit")
    results = load_stats_db(args, ini, db)
    results["rollup_rows"] = sql(db, "SELECT count(*) FROM molisa_audit.molisa_audit_rollup WHERE hour >= %s "
                                     "AND hour < %s", (MONTH, MONTH_END))[0][0]
    results["rollup_rows_by_dim"] = dict(sql(
        db, "SELECT dim, count(*) FROM molisa_audit.molisa_audit_rollup WHERE hour >= %s AND hour < %s "
            "GROUP BY dim ORDER BY dim", (MONTH, MONTH_END)))
    if not args.skip_verify:
        for full in (True, False):
            say(f"stats: molisa-audit verify{' --full' if full else ''} over "
                f"{results['month_events']:,} events (load {os.getloadavg()[0]:.2f}) ...")
            results["verify_full" if full else "verify"] = v = run_verify(ini, full=full)
            say(f"  ok={v['ok']} in {v['seconds']}s ({v['summary']})")
    results["event_table_size"] = sql(
        db, "SELECT pg_size_pretty(pg_total_relation_size('molisa_audit.molisa_audit_event_y2026m10'))")[0][0]

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    import ckan.plugins.toolkit as tk
    from ckan import model
    import logging
    logging.getLogger("ckan").setLevel(logging.WARNING)
    logging.getLogger("ckanext").setLevel(logging.WARNING)

    app = make_app(load_config(ini))
    units = sql(db, "SELECT key, sum(events) AS n FROM molisa_audit.molisa_audit_rollup WHERE hour >= %s "
                    "AND hour < %s AND dim = 'organization' GROUP BY key ORDER BY n DESC, key",
                (MONTH, MONTH_END))
    busiest_org, busiest_n = units[0]
    median_org, median_n = units[len(units) // 2]
    results["organization_filter_units"] = {"busiest": [busiest_org, int(busiest_n)],
                                            "median": [median_org, int(median_n)]}
    calls = [(f"group_by={g}", {"group_by": g}) for g in
             ("day", "month", "channel", "organization", "dataset", "actor")]
    calls += [
        ("off the hour (00:30 to 23:30, group_by=day)",
         {"group_by": "day", "since": "2026-10-01T00:30:00Z", "until": "2026-10-31T23:30:00Z"}),
        (f"organization filter (busiest unit, {int(busiest_n):,} ev)",
         {"group_by": "day", "organization": busiest_org}),
        (f"organization filter (median unit, {int(median_n):,} ev)",
         {"group_by": "day", "organization": median_org}),
    ]
    timings: dict = {}
    checks: dict = {}
    with app._wsgi_app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        action = tk.get_action("molisa_audit_stats")
        for label, extra in calls:
            data = dict({"since": "2026-10-01T00:00:00Z", "until": "2026-11-01T00:00:00Z"}, **extra)
            runs = []
            result = None
            for _ in range(args.stats_runs):
                t0 = time.perf_counter()
                result = action({"user": site_user["name"], "ignore_auth": True}, dict(data))
                runs.append(time.perf_counter() - t0)
                model.Session.remove()
            timings[label] = {"median": round(statistics.median(runs), 3),
                              "max": round(max(runs), 3), "runs": [round(x, 3) for x in runs],
                              "groups": len(result["results"]),
                              "events": (result["total"] or {}).get("events")
                              if result["total"] else sum(x["events"] for x in result["results"])}
            say(f"  {label:52} median {timings[label]['median']:7.3f}s  "
                f"max {timings[label]['max']:7.3f}s  ({timings[label]['groups']} groups)")
    month_total = results["month_events"]
    for g in ("day", "month", "channel", "actor"):
        checks[f"group_by={g} total == events in month"] = \
            timings[f"group_by={g}"]["events"] == month_total
    results["timings"] = timings
    results["checks"] = checks
    return results


# ------------------------------------------------------------------------ report
def report(results: dict, ran: set[str]) -> None:
    say("")
    for name in ("http", "ingest", "stats"):
        if name in results and name not in ran:
            say(f"({name}: not run this time; the result of {results[name]['ran']['started']})")
    if "http" in results:
        h = results["http"]
        say(f"1. HTTP, audit plugin on vs off, {h['requests_per_site_per_action']} requests per "
            f"site per action from {h.get('clients', 1)} concurrent clients, "
            f"{h.get('rounds', '-')} alternating rounds; gunicorn {h.get('workers', 1)} workers x "
            f"{h.get('threads', 1)} threads (ms)")
        say(f"{'action':16} {'site':5} {'p50':>8} {'p95':>8} {'mean':>8} {'req/s':>8}")
        for action in ("package_show", "package_search"):
            for site in ("on", "off"):
                r = h[action][site]
                rps = h[action].get("requests_per_s", {}).get(site, float("nan"))
                say(f"{action:16} {site:5} {r['p50']:8.1f} {r['p95']:8.1f} {r['mean']:8.1f} "
                    f"{rps:8.1f}")
            r = h[action]["ratio"]
            ok = r["p50"] <= TARGETS["http_p50_ratio"]
            say(f"{action:16} {'ratio':5} {r['p50']:8.3f} {r['p95']:8.3f} {r['mean']:8.3f}   "
                f"on/off (target p50 <= {TARGETS['http_p50_ratio']}: {'met' if ok else 'NOT met'})")
        say(f"(load average before/after: {h['loadavg_before_after']})")
        say(f"events == requests: {h['events_equal_requests']} ({h['events_found']} events for "
            f"{h['requests_to_on']} requests to 'on'; missing {h['missing']}, duplicated "
            f"{h['duplicated']}, unexpected {h['unexpected']})")
        if "verify" in h:
            say(f"verify molisa_bench_molisa: ok={h['verify']['ok']} in {h['verify']['seconds']}s "
                f"({h['verify']['summary']})")
        say("")
    if "ingest" in results:
        g = results["ingest"]
        limit = f", paced at {g['rate_limit']:,.0f}/s" if g.get("rate_limit") else ""
        say(f"2. Ingest, {g['writers']} writer processes x {g.get('threads_per_writer', 1)} "
            f"threads ({g.get('clients', g['writers'])} concurrent clients) for "
            f"{g['seconds']}s{limit}, the shipper draining")
        say(f"events written            {g['events_written']:>12,}  ({g['written_per_s']:,}/s "
            f"while writing; {g.get('events_per_fsync', '-')} events per fsync)")
        say(f"waiting at writers' stop  {g['waiting_when_writers_stopped']:>12,}")
        say(f"wall until all stored     {g['wall_seconds_until_stored']:>12.1f} s")
        target = TARGETS["ingest_events_per_s"]
        say(f"end to end                {g['events_per_s_end_to_end']:>12,} events/s "
            f"(target >= {target:,}: {'met' if g['events_per_s_end_to_end'] >= target else 'NOT met'})")
        say(f"in the database           {g['events_in_db']:>12,}  (distinct request ids "
            f"{g['distinct_request_ids_in_db']:,}); nothing lost: {g['nothing_lost']}")
        say(f"batches                   {g['batches']:>12,}  (largest {g['largest_batch']}); "
            f"shipper CPU {g['shipper_cpu_seconds']} s")
        say(f"(load average before/after: {g['loadavg_before_after']})")
        if "verify" in g:
            say(f"verify: ok={g['verify']['ok']} in {g['verify']['seconds']}s "
                f"({g['verify']['summary']})")
        say("")
    if "stats" in results:
        s = results["stats"]
        say(f"3. molisa_audit_stats over {s['month_events']:,} events in 2026-10 "
            f"({s['rollup_rows']:,} rollup rows; events partition {s['event_table_size']})")
        if s.get("loaded"):
            say(f"load: {s['loaded']:,} events in {s['load_seconds']}s "
                f"({s['load_events_per_s']:,}/s)")
            for p in s["load_phases"]:
                say(f"  {'shipper.ship_batch' if p['path'] == 'real' else 'fast_ship_batch':18} "
                    f"{p['events']:>11,} events {p['events_per_s'] or 0:>7,}/s")
        say(f"{'call':52} {'median s':>9} {'max s':>9} {'groups':>7}  target < 2 s")
        for label, t in s["timings"].items():
            say(f"{label:52} {t['median']:9.3f} {t['max']:9.3f} {t['groups']:>7}  "
                f"{'met' if t['max'] < TARGETS['stats_seconds'] else 'NOT met'}")
        for key in ("verify_full", "verify"):
            if key in s:
                v = s[key]
                limit = (f" (target < {TARGETS['verify_full_seconds_10m']:.0f} s for 10 M: "
                         f"{'met' if v['seconds'] < TARGETS['verify_full_seconds_10m'] else 'NOT met'})"
                         if key == "verify_full" else "")
                say(f"{'verify --full' if key == 'verify_full' else 'verify (from the last checkpoint)'}"
                    f" molisa_bench_audit: ok={v['ok']} in {v['seconds']}s{limit}, load after "
                    f"{v.get('loadavg_after')} ({v['summary']})")
        for label, ok in s["checks"].items():
            say(f"check: {label}: {ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000,
                        help="http: requests per site per action (default 2000)")
    parser.add_argument("--clients", type=int, default=50,
                        help="http: concurrent clients (default 50)")
    parser.add_argument("--rounds", type=int, default=8,
                        help="http: rounds per action, the sites alternating (default 8)")
    parser.add_argument("--web-workers", type=int, default=2,
                        help="http: gunicorn workers per site (default 2)")
    parser.add_argument("--web-threads", type=int, default=8,
                        help="http: threads per gunicorn worker (gthread; default 8)")
    parser.add_argument("--seconds", type=float, default=20, help="ingest: writing time")
    parser.add_argument("--writers", type=int, default=5,
                        help="ingest: writer processes (default 5)")
    parser.add_argument("--threads", type=int, default=10,
                        help="ingest: threads per writer process (default 10: 50 clients)")
    parser.add_argument("--rate", type=float, default=0,
                        help="ingest: events/s over all writers (default 0: as fast as they can)")
    parser.add_argument("--events", type=int, default=10_000_000,
                        help="stats: events in the month (default 10,000,000)")
    parser.add_argument("--loaders", type=int, default=2, help="stats: loading processes")
    parser.add_argument("--load-path", choices=("auto", "real", "fast"), default="auto",
                        help="stats: store through shipper.ship_batch (real), the bulk "
                             "equivalent (fast), or real for --probe-batches batches and "
                             "fast for the rest if real would take over 15 min (auto)")
    parser.add_argument("--probe-batches", type=int, default=30,
                        help="stats: batches stored the real way to measure it (auto)")
    parser.add_argument("--max-real-minutes", type=float, default=15,
                        help="stats, auto: switch to the fast path if the real one would "
                             "take longer than this")
    parser.add_argument("--stats-runs", type=int, default=5, help="stats: runs per call")
    parser.add_argument("--reload-stats-db", action="store_true",
                        help="stats: drop molisa_bench_audit and load it again")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-stats", action="store_true")
    parser.add_argument("--skip-verify", action="store_true",
                        help="do not run `ckan molisa-audit verify`")
    args = parser.parse_args()

    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "services.sh"), "start"],
                   check=True)
    out_path = os.path.join(common.ROOT, "bench", "results", "audit.json")
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    # A stage skipped this time keeps its last result (each stage says when
    # it ran and with which arguments), so the stages can be run one by one.
    results: dict = {}
    try:
        with open(out_path) as f:
            previous = json.load(f)
        results.update({k: previous[k] for k in ("http", "ingest", "stats") if k in previous})
    except (OSError, ValueError):
        pass
    results.update({"args": vars(args), "targets": TARGETS,
                    "started": datetime.datetime.now(datetime.timezone.utc).isoformat()})

    def save():
        with open(out_path, "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)

    for name, skip, stage in (("http", args.skip_http, http_stage),
                              ("ingest", args.skip_ingest, ingest_stage),
                              ("stats", args.skip_stats, stats_stage)):
        if skip:
            continue
        # The machine's load before and after: other work on these 2 cores
        # (a test run, say) shows in every number here.
        before = os.getloadavg()
        started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        results[name] = stage(args)
        results[name]["ran"] = {"started": started, "args": vars(args)}
        results[name]["loadavg_before_after"] = [round(before[0], 2),
                                                 round(os.getloadavg()[0], 2)]
        save()
    report(results, {n for n, skip in (("http", args.skip_http), ("ingest", args.skip_ingest),
                                       ("stats", args.skip_stats)) if not skip})
    say(f"\nwrote {os.path.relpath(out_path, common.ROOT)}")


if __name__ == "__main__":
    main()
