#!/usr/bin/env bash
# The sample sector database that the molisa_sector_db harvester reads (demo
# and tests): database molisa_sector_sample (schema csdl) and the tests' copy
# molisa_sector_test, both owned by the role sector_owner; the harvester
# connects as the read-only role sector_ro. Idempotent: a second run only
# checks that everything is there.
#   scripts/sector_sample_db.sh
source "$(dirname "$0")/common.sh"
ensure_secrets

SECTOR_OWNER="sector_owner"
SECTOR_OWNER_PASS="$MOLISA_SECTOR_OWNER_PASSWORD"
SECTOR_RO="sector_ro"
SECTOR_RO_PASS="$MOLISA_SECTOR_RO_PASSWORD"

step "Sample sector database (molisa_sector_sample, read-only role $SECTOR_RO)"
for role_pass in "$SECTOR_OWNER:$SECTOR_OWNER_PASS" "$SECTOR_RO:$SECTOR_RO_PASS"; do
    role="${role_pass%%:*}"; pass="${role_pass#*:}"
    if [ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != "1" ]; then
        psql_su -c "CREATE ROLE $role LOGIN"
    fi
    psql_su -c "ALTER ROLE $role PASSWORD '$pass'"
done
psql_su -c "ALTER ROLE $SECTOR_RO SET default_transaction_read_only = on"
for db in molisa_sector_sample molisa_sector_test; do
    if [ "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
        psql_su -c "CREATE DATABASE $db OWNER $SECTOR_OWNER ENCODING 'UTF8' TEMPLATE template0"
    fi
    psql_su -c "REVOKE ALL ON DATABASE $db FROM PUBLIC; GRANT CONNECT ON DATABASE $db TO $SECTOR_RO"
done
"$PY" - "postgresql://$SECTOR_OWNER:$SECTOR_OWNER_PASS@127.0.0.1:$PG_PORT/molisa_sector_sample" <<'PY'
import sys
from ckanext.molisa_harvest.sample import generate
result = generate.build(sys.argv[1], schema="csdl")
print("    " + ("created: " + ", ".join(f"{t} {n} rows" for t, n in result["rows"].items())
                if result["created"] else "already there"))
PY
