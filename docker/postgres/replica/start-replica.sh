#!/usr/bin/env bash
# db-replica's command (compose.cluster.yaml): on the first start (empty
# volume) copies the primary with pg_basebackup -R (stream, physical slot
# REPLICA_SLOT, created if missing), then runs PostgreSQL as a hot standby
# that follows it. Later starts just run the standby, which catches up from
# the slot. After a failover (README: `pg_ctl promote` in this container) it
# is the primary; the old primary's volume must then be rebuilt as a replica.
set -euo pipefail
: "${PRIMARY_HOST:=db}" "${PRIMARY_PORT:=5432}" "${REPLICA_SLOT:=replica1}"
export PGPASSWORD="$(cat "${POSTGRES_PASSWORD_FILE:?}")"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres; do sleep 2; done
    mkdir -p "$PGDATA"; chmod 700 "$PGDATA"
    slot_args=(-S "$REPLICA_SLOT")
    if [ -z "$(psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -qAt \
                -c "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$REPLICA_SLOT'")" ]; then
        slot_args+=(-C)
    fi
    pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$PGDATA" \
        -R -X stream "${slot_args[@]}" -c fast
fi
unset PGPASSWORD
exec postgres -c hot_standby=on "$@"
