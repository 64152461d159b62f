#!/usr/bin/env bash
# `make bench` / `make bench-audit` / `make bench-sharing` / `make bench-harvest`: the benchmarks in
# bench/ (never part of the test suite). Extra arguments go to the script, e.g.
#   bash scripts/bench.sh search --datasets 2000 --rounds 10
#   bash scripts/bench.sh sharing --requests 300
#   bash scripts/bench.sh harvest --sector-datasets 100 --ckan-datasets 1000
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start
ensure_secrets
export MOLISA_PG_PORT="$PG_PORT" MOLISA_SOLR_PORT="$SOLR_PORT" MOLISA_REDIS_PORT="$REDIS_PORT"
which="${1:-search}"
shift || true
"$PY" "$ROOT/bench/$which.py" "$@"
