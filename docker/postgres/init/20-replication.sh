#!/usr/bin/env bash
# Lets a streaming replica (compose.cluster.yaml, db-replica) copy and follow
# this server: replication connections with a password (scram) from the
# backend network. Run by the postgres image's entrypoint ONLY when the data
# volume is empty; on an existing volume, append the same line to
# $PGDATA/pg_hba.conf and `SELECT pg_reload_conf()` (README, "Growing past
# one machine").
set -euo pipefail
echo "host replication postgres all scram-sha-256" >> "$PGDATA/pg_hba.conf"
