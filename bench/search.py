"""package_search over HTTP: the MOLISA portal against stock CKAN, side by side.

    .venv/bin/python bench/search.py [--datasets 10000] [--rounds 30]

Both sites run from the same install on the same Solr (each with its own core
and database): "molisa" with the portal's plugins, "stock" with the molisa and
scheming plugins disabled. Each loads the same N synthetic datasets (the stock
site keeps the MOLISA fields as extras). Requests alternate between the two
sites, one at a time, through a realistic mix of queries and facets; the
script prints p50/p95 per site and the ratio molisa/stock.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

FACETS = '["organization", "res_format", "license_id", "tags", "sector", "access_level", "update_frequency"]'
QUERIES = [
    {"q": "người có công"},
    {"q": "nguoi co cong"},
    {"q": "trợ cấp", "fq": "sector:nguoi-co-cong"},
    {"q": "tre em", "facet.field": FACETS},
    {"q": "vocational training"},
    {"q": "unemployment", "facet.field": FACETS},
    {"fq": "access_level:open", "facet.field": FACETS, "rows": 20},
    {"fq": "sector:bao-tro-xa-hoi", "facet.field": FACETS},
    {"fq": "update_frequency:annual", "sort": "metadata_modified desc"},
    {"q": "*:*", "facet.field": FACETS, "rows": 20},
    {"q": "hộ nghèo năm 2020"},
    {"q": "lao động", "fq": "res_format:CSV", "facet.field": FACETS},
    {"q": "social protection", "sort": "title_string asc"},
    {"q": "name:bench-0001*"},
    {"q": "bình đẳng giới", "start": 20, "rows": 20},
]


def measure(server: common.Server, params: dict) -> float:
    started = time.perf_counter()
    response = requests.get(server.url + "/api/3/action/package_search", params=params, timeout=60)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    assert response.json()["success"]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    subprocess.run(["bash", os.path.join(common.ROOT, "scripts", "services.sh"), "start"], check=True)
    sites = {"molisa": (common.port(101), common.MOLISA_PLUGINS),
             "stock": (common.port(102), common.STOCK_PLUGINS)}
    inis = {}
    for flavour, (port, plugins) in sites.items():
        inis[flavour] = common.write_ini(flavour, port, plugins)
        common.prepare(inis[flavour], flavour)
    print(f"loading {args.datasets} datasets into each site ...", flush=True)
    loaders = [subprocess.Popen([sys.executable, os.path.join(common.ROOT, "bench", "load.py"),
                                 inis[f], f, str(args.datasets)]) for f in sites]
    if any(p.wait() for p in loaders):
        sys.exit("loading failed")

    with common.Server(inis["molisa"], sites["molisa"][0]) as molisa, \
            common.Server(inis["stock"], sites["stock"][0]) as stock:
        servers = {"molisa": molisa, "stock": stock}
        for server in servers.values():        # warm-up: caches, templates, Solr searchers
            for params in QUERIES:
                measure(server, params)
        samples = {"molisa": [], "stock": []}
        for round_ in range(args.rounds):
            order = ["molisa", "stock"] if round_ % 2 == 0 else ["stock", "molisa"]
            for params in QUERIES:
                for flavour in order:
                    samples[flavour].append(measure(servers[flavour], params))

    results = {f: common.summary(s) for f, s in samples.items()}
    results["ratio"] = {k: results["molisa"][k] / results["stock"][k] for k in ("p50", "p95", "mean")}
    results["datasets"] = args.datasets
    results["requests_per_site"] = len(samples["molisa"])
    print(f"\npackage_search over HTTP, {args.datasets} datasets, "
          f"{results['requests_per_site']} requests per site")
    print(f"{'site':8} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for flavour in ("molisa", "stock"):
        r = results[flavour]
        print(f"{flavour:8} {r['p50']:8.1f} {r['p95']:8.1f} {r['mean']:8.1f}")
    r = results["ratio"]
    print(f"{'ratio':8} {r['p50']:8.2f} {r['p95']:8.2f} {r['mean']:8.2f}   (molisa/stock)")
    os.makedirs(os.path.join(common.ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(common.ROOT, "bench", "results", "search.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
