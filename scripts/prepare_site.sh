#!/usr/bin/env bash
# Creates (if missing) and migrates the databases of one CKAN site.
#   scripts/prepare_site.sh CKAN_INI DB_NAME DATASTORE_DB_NAME
# Core and every enabled plugin's alembic migrations are applied, and the
# DataStore's read-only role gets its grants. Idempotent.
source "$(dirname "$0")/common.sh"

ini="$1" db="$2" dsdb="$3"

for name in "$db" "$dsdb"; do
    if [ -z "$(psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
        info "creating database $name"
        psql_su -d postgres -c "CREATE DATABASE $name OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
    fi
done

# The audit log's roles and schema: the superuser hands the database and the
# audit objects to their owners before the migrations run (roles.sql).
PGOPTIONS="-c client_min_messages=warning" psql_su -d "$db" -v web_role="$DB_USER" \
    -f "$AUDIT_ROLES_SQL" >/dev/null

step "Migrating $db (CKAN core and plugins)"
"$CKAN" -c "$ini" db init 2>&1 | grep -v -E "^\s*$|DEBUG" | tail -n 3

step "Setting DataStore permissions on $dsdb"
"$CKAN" -c "$ini" datastore set-permissions 2>/dev/null | PGOPTIONS="-c client_min_messages=warning" psql_su -d "$dsdb" >/dev/null
