#!/usr/bin/env bash
# `make stop`: stops what `make run`, `make test` and `make cluster` started.
source "$(dirname "$0")/common.sh"
# make cluster's processes (and a drill's cluster a test session left behind)
for dir in "$LOCAL/cluster" "$LOCAL"/test-cluster*; do
    [ -d "$dir/run" ] && MOLISA_CLUSTER_DIR="$dir" "$ROOT/scripts/cluster.sh" stop
done
harvest=()     # the harvest scheduler and consumers, however many make run started
for pidfile in "$RUN"/harvest-*.pid; do
    [ -e "$pidfile" ] && harvest+=("$(basename "$pidfile" .pid)")
done
for name in web worker audit-shipper sharing-sweep odl-sweep quality-sweep report-sweep mydata-sweep "${harvest[@]}"; do
    if pid_alive "$RUN/$name.pid"; then
        step "Stopping $name"
        pid="$(cat "$RUN/$name.pid")"
        kill "$pid"
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/$name.pid"
done
"$ROOT/scripts/services.sh" stop
