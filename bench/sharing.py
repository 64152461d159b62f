"""What the sharing plugin's access decision costs over HTTP: package_show,
resource_show and a resource download, plugin on against plugin off, side by
side in one run.

    .venv/bin/python bench/sharing.py [--requests 400] [--warmup 20]

One database (molisa_bench_sharing, its DataStore molisa_bench_sharing_datastore,
file store .local/bench-storage-sharing; Solr documents in the search
benchmark's core ckan_bench_molisa under their own site id) holds one unit,
two datasets alike but for their access level, ``open`` and
``special_request``, each with an uploaded CSV of about 100 KB, and a grantee
with an active grant on the special_request dataset (made through the actions:
molisa_sharing_request_create, _submit, _approve by the unit's admin) and an
API token bound to that grant (molisa_sharing_grant_token_create). It is
built once and reused.

Three gunicorn servers (one worker each) serve that database: "on" with every
portal plugin, "off" and "off2" the same list without molisa_sharing. All keep
molisa_audit (it is part of the portal): each request appends and fsyncs one
audit event on every server; no shipper runs. Six cases, one request at a time
from the same client, interleaved (every round makes each call of each case
once, the order of the cases rotated every round), after a warm-up:

- on_grant: "on", special_request dataset, the grantee's token (the decision's
  grant path: the user's units and grants read, the token's grant, the
  grant's period and scope);
- on_open: "on", open dataset, anonymous (the decision's first test);
- off_open: "off", open dataset, anonymous: the baseline the requirement names;
- off_open_token: "off", open dataset, the grantee's token: the same baseline
  with the same authentication as on_grant, so that on_grant/off_open_token is
  the decision alone and on_grant/off_open includes the token's cost;
- on_denied: "on", special_request, anonymous (the download is a 403;
  package_show and resource_show answer with the URL blanked). Reported only;
- off2_open: a second "off" server, same as off_open: off2_open/off_open is
  what two identical servers differ by in this run (the noise floor: the
  other ratios are not more precise than that).

Target: p50 of on_grant and of on_open at most 1.10 x off_open, for each call.
Writes bench/results/sharing.json.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

FLAVOUR = "sharing"  # database molisa_bench_sharing, storage .local/bench-storage-sharing
SOLR = "molisa"      # the core ckan_bench_molisa (no core of its own)
PORT_ON, PORT_OFF, PORT_OFF2 = common.port(121), common.port(122), common.port(123)
ON_PLUGINS = common.MOLISA_PLUGINS
OFF_PLUGINS = " ".join(p for p in common.MOLISA_PLUGINS.split() if p != "molisa_sharing")
TARGET_P50_RATIO = 1.10
CALLS = ("package_show", "resource_show", "download")
#: name: (site, who, dataset)
CASES = {
    "on_grant": ("on", "grantee", "special_request"),
    "on_open": ("on", None, "open"),
    "off_open": ("off", None, "open"),
    "off_open_token": ("off", "grantee", "open"),
    "on_denied": ("on", None, "special_request"),
    "off2_open": ("off2", None, "open"),
}
#: (case, baseline): the ratios reported
RATIOS = (("on_grant", "off_open"), ("on_open", "off_open"), ("on_grant", "off_open_token"),
          ("off_open_token", "off_open"), ("on_denied", "off_open"),
          ("off2_open", "off_open"))
TARGETED = {("on_grant", "off_open"), ("on_open", "off_open")}

LEVELS = ("open", "special_request")
UNIT = "bench-sharing-unit"
ADMIN = "bench-sharing-admin"
GRANTEE = "bench-sharing-grantee"
TOKEN_NAME = "bench-sharing"
PROVINCES = ("ha-noi", "hue", "ho-chi-minh", "da-nang", "can-tho", "hai-phong", "nghe-an",
             "thanh-hoa", "quang-ninh", "lam-dong")


def say(*args) -> None:
    print(*args, flush=True)


# ------------------------------------------------------------------ the world
def csv_bytes(size: int = 100_000) -> bytes:
    r = common.rng()
    lines = ["tinh,nam,so_nguoi,ho_ten,ghi_chu"]
    total = len(lines[0]) + 1
    i = 0
    while total < size:
        line = (f"{r.choice(PROVINCES)},{r.randrange(2015, 2026)},{r.randrange(10, 5000)},"
                f"Nguyen Van {i:05d},tro cap xa hoi hang thang")
        lines.append(line)
        total += len(line.encode()) + 1
        i += 1
    return ("\n".join(lines) + "\n").encode()


def dataset_data(owner_org: str, level: str) -> dict:
    """The two datasets differ in name, access level and licence only."""
    return {
        "type": "dataset",
        "name": f"bench-sharing-{level.replace('_', '-')}",
        "title": "Đối tượng trợ giúp xã hội theo tỉnh",
        "title_en": "Social assistance beneficiaries by province",
        "notes": "Danh sách đối tượng trợ giúp xã hội theo tỉnh.",
        "owner_org": owner_org,
        "sector": "bao-tro-xa-hoi",
        "access_level": level,
        "personal_data": "false",
        "license_id": "cc-by-4.0" if level == "open" else "molisa-restricted",
        "update_frequency": "annual",
        "source_system": "csdl-bao-tro-xa-hoi",
        "contact_name": "Phòng Thống kê - Cục Bảo trợ xã hội",
        "contact_email": "thongke.btxh@molisa.example.vn",
        "sharing_fee": 0,
    }


def load(ini: str, out: str) -> None:
    """In a process of its own, with the "on" site's configuration: builds
    what is missing of the world, issues a fresh grant-bound token (the
    previous run's is deleted) and writes the ids and the token to ``out``."""
    import logging
    logging.disable(logging.CRITICAL)  # the sharing mail goes nowhere (logged as an error)
    from werkzeug.datastructures import FileStorage

    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    config["smtp.server"] = "127.0.0.1:9"  # no mail from the benchmark (port 9: refused)
    from ckanext.molisa_sharing.model import Grant, grant_effective_state

    with app._wsgi_app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})

        def sys_ctx() -> dict:
            return {"user": site_user["name"], "ignore_auth": True}

        def act(user: str, action: str, **data):
            return tk.get_action(action)({"user": user, "ignore_auth": False}, data)

        def user(name: str) -> dict:
            try:
                return tk.get_action("user_show")(sys_ctx(), {"id": name})
            except tk.ObjectNotFound:
                return tk.get_action("user_create")(sys_ctx(), {
                    "name": name, "email": f"{name}@bench.example.vn",
                    "password": "bench-only-password-2327"})

        admin, grantee = user(ADMIN), user(GRANTEE)
        try:
            org = tk.get_action("organization_show")(sys_ctx(), {"id": UNIT})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(sys_ctx(), {
                "name": UNIT, "title": "Cục Bảo trợ xã hội (thử tải)", "unit_type": "department",
                "users": [{"name": ADMIN, "capacity": "admin"}]})
        data = csv_bytes()
        world: dict = {"datasets": {}}
        for level in LEVELS:
            fields = dataset_data(org["id"], level)
            try:
                pkg = tk.get_action("package_show")(sys_ctx(), {"id": fields["name"]})
            except tk.ObjectNotFound:
                pkg = tk.get_action("package_create")(sys_ctx(), fields)
            if not pkg.get("resources"):
                tk.get_action("resource_create")(sys_ctx(), {
                    "package_id": pkg["id"], "name": "Bảng số liệu", "format": "CSV",
                    "url": "bang-so-lieu.csv",
                    "upload": FileStorage(io.BytesIO(data), filename="bang-so-lieu.csv",
                                          content_type="text/csv")})
                pkg = tk.get_action("package_show")(sys_ctx(), {"id": pkg["id"]})
            res = pkg["resources"][0]
            world["datasets"][level] = {"id": pkg["id"], "name": pkg["name"],
                                        "resource_id": res["id"], "url": res["url"],
                                        "size": res.get("size") or len(data)}

        special = world["datasets"]["special_request"]["id"]
        grant = None
        for row in model.Session.query(Grant).filter(Grant.holder_id == grantee["id"]):
            if special in (row.datasets or []) and grant_effective_state(row) == "active" \
                    and not row.resources and not row.fields and not row.allowed_ips:
                grant = row
                break
        if grant is None:
            today = datetime.date.today()
            req = act(GRANTEE, "molisa_sharing_request_create", datasets=[special],
                      requester_type="organization",
                      requester_organization="Viện Khoa học Lao động và Xã hội",
                      user_name="Lê Văn Dùng", user_position="Nghiên cứu viên",
                      user_email="dung.le@ilssa.example.vn", user_phone="+84 912 345 678",
                      purpose="Thử tải", scope="Số đối tượng theo tỉnh",
                      content="Bảng tổng hợp theo tỉnh", legal_basis="Nghị định 47/2020/NĐ-CP",
                      period_start=today.isoformat(),
                      period_end=(today + datetime.timedelta(days=3650)).isoformat())
            act(GRANTEE, "molisa_sharing_request_submit", id=req["id"])
            req = act(ADMIN, "molisa_sharing_request_approve", id=req["id"])
            grant = model.Session.get(Grant, req["grant_id"])
        world["grant_id"] = grant.id

        for token in model.Session.query(model.ApiToken).filter(
                model.ApiToken.user_id == grantee["id"], model.ApiToken.name == TOKEN_NAME):
            model.Session.delete(token)
        model.repo.commit()
        world["token"] = act(GRANTEE, "molisa_sharing_grant_token_create", id=grant.id,
                             name=TOKEN_NAME)["token"]
    with open(out, "w") as f:
        json.dump(world, f, indent=1)


# ------------------------------------------------------------------ measuring
class Client:
    """One requests session per (site, who): the same client code for all."""

    def __init__(self, servers: dict, world: dict):
        self.servers, self.world = servers, world
        self.sessions: dict = {}

    def request(self, case: str, call: str) -> tuple[int, float, requests.Response]:
        site, who, level = CASES[case]
        ds = self.world["datasets"][level]
        base = self.servers[site].url
        if call == "package_show":
            url, params = f"{base}/api/3/action/package_show", {"id": ds["name"]}
        elif call == "resource_show":
            url, params = f"{base}/api/3/action/resource_show", {"id": ds["resource_id"]}
        else:
            url, params = base + ds["download_path"], None
        headers = {"Authorization": self.world["token"]} if who else {}
        session = self.sessions.setdefault((site, who), requests.Session())
        t0 = time.perf_counter()
        response = session.get(url, params=params, headers=headers, timeout=60)
        body = response.content  # the whole file for a download
        elapsed = time.perf_counter() - t0
        session.cookies.clear()  # every request as a fresh client
        if call == "download" and response.status_code == 200 and len(body) != ds["size"]:
            raise RuntimeError(f"{case} download: {len(body)} bytes, expected {ds['size']}")
        return response.status_code, elapsed, response


EXPECTED_STATUS = {(case, call): 200 for case in CASES for call in CALLS}
EXPECTED_STATUS[("on_denied", "download")] = 403


def sanity(client: Client) -> dict:
    """The decision decides what it should, on each site, before measuring."""
    found = {}
    for case in CASES:
        site, who, level = CASES[case]
        for call in CALLS:
            status, _, response = client.request(case, call)
            if status != EXPECTED_STATUS[(case, call)]:
                raise RuntimeError(f"{case} {call}: HTTP {status}, expected "
                                   f"{EXPECTED_STATUS[(case, call)]}: {response.text[:300]}")
            if call == "resource_show":
                res = response.json()["result"]
                restricted = res.get("data_access") == "restricted"
                if restricted != (case == "on_denied") or (not res.get("url")) != restricted:
                    raise RuntimeError(f"{case} resource_show: url {res.get('url')!r}, "
                                       f"data_access {res.get('data_access')!r}")
                found[case] = "url blanked" if restricted else "url given"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400,
                        help="requests per call per case (default 400)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured rounds first")
    args = parser.parse_args()
    started = time.monotonic()

    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "services.sh"), "start"],
                   check=True)
    on_ini = common.write_ini(FLAVOUR, PORT_ON, ON_PLUGINS, name="sharing-on", solr_flavour=SOLR)
    off_ini = common.write_ini(FLAVOUR, PORT_OFF, OFF_PLUGINS, name="sharing-off",
                               solr_flavour=SOLR)
    off2_ini = common.write_ini(FLAVOUR, PORT_OFF2, OFF_PLUGINS, name="sharing-off2",
                                solr_flavour=SOLR)
    common.prepare(on_ini, FLAVOUR)
    world_path = os.path.join(common.LOCAL, "bench-sharing-world.json")
    say("sharing: building the world (reused when there) ...")
    subprocess.run([sys.executable, os.path.abspath(__file__), "load", on_ini, world_path],
                   check=True)
    with open(world_path) as f:
        world = json.load(f)
    for ds in world["datasets"].values():
        ds["download_path"] = urlparse(ds["url"]).path
    # no shipper runs: start every run with an empty spool
    shutil.rmtree(os.path.join(common.LOCAL, f"bench-storage-{FLAVOUR}", "molisa_audit", "spool"),
                  ignore_errors=True)

    cases = list(CASES)
    samples = {case: {call: [] for call in CALLS} for case in cases}
    load_before = os.getloadavg()
    with common.Server(on_ini, PORT_ON) as on, common.Server(off_ini, PORT_OFF) as off, \
            common.Server(off2_ini, PORT_OFF2) as off2:
        client = Client({"on": on, "off": off, "off2": off2}, world)
        decided = sanity(client)
        for i in range(args.warmup):
            for call in CALLS:
                for case in cases:
                    client.request(case, call)
        say(f"sharing: {args.requests} rounds of {len(cases)} cases x {len(CALLS)} calls ...")
        t0 = time.monotonic()
        for i in range(args.requests):
            k = i % len(cases)
            order = cases[k:] + cases[:k]
            for call in CALLS:
                for case in order:
                    status, elapsed, response = client.request(case, call)
                    if status != EXPECTED_STATUS[(case, call)]:
                        raise RuntimeError(f"{case} {call}: HTTP {status}: {response.text[:300]}")
                    samples[case][call].append(elapsed)
            if (i + 1) % 100 == 0:
                say(f"  {i + 1}/{args.requests} ({time.monotonic() - t0:.0f}s)")
        measuring = time.monotonic() - t0
    load_after = os.getloadavg()

    results: dict = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "requests_per_call_per_case": args.requests, "warmup_rounds": args.warmup,
        "cases": {c: dict(zip(("site", "who", "dataset"), CASES[c])) for c in cases},
        "plugins": {"on": ON_PLUGINS, "off": OFF_PLUGINS, "off2": OFF_PLUGINS},
        "audit": "molisa_audit in both sites (one fsync'd event per request), no shipper",
        "download_bytes": world["datasets"]["open"]["size"],
        "resource_show_as_seen": decided,
        "target_p50_ratio": TARGET_P50_RATIO,
        "summary": {case: {call: common.summary(samples[case][call]) for call in CALLS}
                    for case in cases},
        "ratios": {}, "loadavg_before": load_before, "loadavg_after": load_after,
        "measuring_seconds": round(measuring, 1),
    }
    for case, base in RATIOS:
        results["ratios"][f"{case}/{base}"] = {
            call: {k: results["summary"][case][call][k] / results["summary"][base][call][k]
                   for k in ("p50", "p95", "mean")} for call in CALLS}
    results["target_met"] = all(results["ratios"][f"{c}/{b}"][call]["p50"] <= TARGET_P50_RATIO
                                for c, b in TARGETED for call in CALLS)
    results["total_seconds"] = round(time.monotonic() - started, 1)

    say(f"\nsharing over HTTP: {args.requests} requests per call per case, interleaved; "
        f"download {results['download_bytes']:,} bytes")
    say(f"{'case':15} " + " ".join(f"{call + ' p50/p95 ms':>26}" for call in CALLS))
    for case in cases:
        cells = [f"{results['summary'][case][call]['p50']:12.2f} /"
                 f"{results['summary'][case][call]['p95']:8.2f}    " for call in CALLS]
        say(f"{case:15} " + " ".join(f"{c:>26}" for c in cells))
    say(f"\n{'ratio (p50, p95)':31} " + " ".join(f"{call:>16}" for call in CALLS))
    for case, base in RATIOS:
        key = f"{case}/{base}"
        cells = [f"{results['ratios'][key][call]['p50']:.2f}, "
                 f"{results['ratios'][key][call]['p95']:.2f}" for call in CALLS]
        mark = "  (target p50 <= 1.10)" if (case, base) in TARGETED else ""
        say(f"{key:31} " + " ".join(f"{c:>16}" for c in cells) + mark)
    say(f"\ntarget met: {results['target_met']}; load average before {load_before[0]:.2f}, "
        f"after {load_after[0]:.2f}; {results['total_seconds']:.0f}s in all "
        f"({measuring:.0f}s measuring)")
    out = os.path.join(common.ROOT, "bench", "results", "sharing.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3])
    else:
        main()
