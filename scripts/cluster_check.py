"""Checks of make cluster's parts (scripts/cluster.sh and the drills).

    python scripts/cluster_check.py solr-healthy SOLR_URL
        exit 0 when collection ckan has 2 shards, each with 2 active replicas
        on live nodes
    python scripts/cluster_check.py zk PORT
        exit 0 when ZooKeeper answers "imok"
    python scripts/cluster_check.py replica PORT
        prints the replica's replay lag (PostgreSQL in recovery)
"""
import json
import subprocess
import sys
import urllib.request


def solr_state(solr_url):
    with urllib.request.urlopen(
            f"{solr_url}/admin/collections?action=CLUSTERSTATUS&collection=ckan&wt=json",
            timeout=10) as r:
        status = json.load(r)["cluster"]
    live = set(status.get("live_nodes", []))
    shards = status["collections"]["ckan"]["shards"]
    return {name: sorted(rep["node_name"] for rep in shard["replicas"].values()
                         if rep["state"] == "active" and rep["node_name"] in live)
            for name, shard in shards.items()}


def solr_healthy(solr_url):
    state = solr_state(solr_url)
    return len(state) == 2 and all(len(nodes) == 2 for nodes in state.values())


def zk_ok(port):
    import socket
    with socket.create_connection(("127.0.0.1", int(port)), timeout=3) as s:
        s.sendall(b"ruok")
        return s.recv(4) == b"imok"


def main(argv):
    if argv[1] == "zk":
        sys.exit(0 if zk_ok(argv[2]) else 1)
    if argv[1] == "solr-healthy":
        sys.exit(0 if solr_healthy(argv[2]) else 1)
    if argv[1] == "replica":
        out = subprocess.run(
            ["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/psql", "-h",
             sys.argv[3] if len(argv) > 3 else __import__("os").path.join(
                 __import__("os").path.dirname(__file__), "..", ".local", "pgsock"),
             "-p", argv[2], "-U", "postgres", "-qAt", "-d", "postgres", "-c",
             "SELECT pg_is_in_recovery(), now() - pg_last_xact_replay_timestamp()"],
            capture_output=True, text=True)
        print(f"    replica on port {argv[2]}: in recovery, replay lag: {out.stdout.strip() or out.stderr.strip()}")
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
