#!/usr/bin/env bash
# `make bench`: the benchmarks in bench/ (not part of the test suite).
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/install.sh"
"$PY" "$ROOT/bench/search.py" "$@"
