#!/usr/bin/env bash
# Creates the MOLISA portal's roles and databases. Run by the postgres image's
# entrypoint (as the postgres OS user, against the temporary socket-only
# server) ONLY when the data volume is empty, i.e. on the very first start.
#
#   roles molisa_audit_owner (NOLOGIN), molisa_audit_reader (NOLOGIN),
#         molisa_audit_admin, molisa_audit_shipper: the audit log's (see
#         ckanext-molisa-audit/ckanext/molisa_audit/sql/roles.sql, which
#         ckan-init applies: the catalogue database then belongs to postgres)
#   role  ${CKAN_DB_USER:-ckan}             owns both databases; CKAN writes
#                                           with it (sqlalchemy.url and
#                                           ckan.datastore.write_url)
#   role  ${DATASTORE_RO_USER:-datastore_ro} read-only DataStore role
#                                           (ckan.datastore.read_url)
#   db    ${CKAN_DB_NAME:-ckan}             CKAN's catalogue
#   db    ${DATASTORE_DB_NAME:-datastore}   DataStore tables
#
# Passwords come from Docker secret files (*_PASSWORD_FILE). The read-only
# role's grants inside the DataStore are applied later, and again on every
# deployment, by the CKAN init container (`ckan datastore set-permissions`).
# Changing a password later: ALTER ROLE ... PASSWORD ... (docker/README.md).
#
# The body runs in a subshell: the entrypoint sources *.sh files that are not
# executable, and our shell options must not leak into it.
(
set -Eeuo pipefail

read_secret() {
    local file="$1"
    if [ -z "$file" ] || [ ! -r "$file" ]; then
        echo "10-ckan-databases: cannot read secret file '$file'" >&2
        exit 1
    fi
    local value
    value="$(<"$file")"
    [ -n "$value" ] || { echo "10-ckan-databases: secret file '$file' is empty" >&2; exit 1; }
    printf '%s' "$value"
}

ckan_pw="$(read_secret "${CKAN_DB_PASSWORD_FILE:-}")"
ro_pw="$(read_secret "${DATASTORE_RO_PASSWORD_FILE:-}")"
audit_admin_pw="$(read_secret "${AUDIT_ADMIN_PASSWORD_FILE:-}")"
audit_shipper_pw="$(read_secret "${AUDIT_SHIPPER_PASSWORD_FILE:-}")"

# psql variables (:"name" identifiers, :'name' literals) quote the values.
psql -v ON_ERROR_STOP=1 -X -q \
     --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-postgres}" \
     -v ckan_user="${CKAN_DB_USER:-ckan}" -v ckan_pw="$ckan_pw" \
     -v ro_user="${DATASTORE_RO_USER:-datastore_ro}" -v ro_pw="$ro_pw" \
     -v ckan_db="${CKAN_DB_NAME:-ckan}" -v ds_db="${DATASTORE_DB_NAME:-datastore}" \
     -v audit_admin_pw="$audit_admin_pw" -v audit_shipper_pw="$audit_shipper_pw" <<'SQL'
CREATE ROLE :"ckan_user" LOGIN PASSWORD :'ckan_pw'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
-- The audit log's roles (ckanext-molisa-audit sql/roles.sql, which ckan-init
-- applies to the catalogue database on every start: schema, ownership, grants).
CREATE ROLE molisa_audit_owner NOLOGIN NOINHERIT;
CREATE ROLE molisa_audit_reader NOLOGIN NOINHERIT;
CREATE ROLE molisa_audit_admin LOGIN PASSWORD :'audit_admin_pw'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT IN ROLE molisa_audit_owner;
CREATE ROLE molisa_audit_shipper LOGIN PASSWORD :'audit_shipper_pw'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;
CREATE ROLE :"ro_user" LOGIN PASSWORD :'ro_pw'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;

CREATE DATABASE :"ckan_db" OWNER :"ckan_user" ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE :"ds_db"   OWNER :"ckan_user" ENCODING 'UTF8' TEMPLATE template0;

-- Nobody but the owner (and superusers) may connect, except the read-only
-- role to the DataStore. PUBLIC keeps no implicit CONNECT/TEMP.
REVOKE ALL ON DATABASE :"ckan_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"ds_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"ds_db" TO :"ro_user";
GRANT CONNECT ON DATABASE :"ckan_db" TO molisa_audit_admin, molisa_audit_shipper;
SQL

echo "10-ckan-databases: created roles ${CKAN_DB_USER:-ckan}, ${DATASTORE_RO_USER:-datastore_ro} and databases ${CKAN_DB_NAME:-ckan}, ${DATASTORE_DB_NAME:-datastore}"
)
