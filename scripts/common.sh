# Shared settings for the project's scripts. Source it; do not run it.
# Every service runs on loopback, on fixed non-default ports, with its data
# under .local/ (ignored by git).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
CKAN="$VENV/bin/ckan"
RUN="$LOCAL/run"            # pid files
LOGS="$LOCAL/log"

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_PORT="${MOLISA_PG_PORT:-15432}"
PG_DATA="${MOLISA_PG_DATA:-$LOCAL/pgdata}"   # make cluster: its own primary
PG_LOG="${MOLISA_PG_LOG:-$LOCAL/log/postgresql.log}"
PG_SOCK="$LOCAL/pgsock"
PG_SUPERUSER="postgres"

REDIS_PORT="${MOLISA_REDIS_PORT:-16379}"

SOLR_VERSION="9.10.1"
SOLR_PORT="${MOLISA_SOLR_PORT:-18983}"
SOLR_HOME="$LOCAL/solr"
SOLR_LIB="$LOCAL/solr-lib-$SOLR_VERSION"
SOLR_CORES="ckan ckan_test ckan_test_national ckan_bench_molisa ckan_bench_stock"

WEB_PORT="${MOLISA_WEB_PORT:-5000}"

# Keycloak (Maven Central), the OpenID provider that plays the national e-ID
# (VNeID) in development and tests: realm "vneid" imported from
# config/keycloak/vneid-realm.json. Its port follows Solr's unless set
# (18080 beside Solr's 18983), so two checkouts with their own ports never
# collide; the management interface listens on the next port.
KEYCLOAK_VERSION="26.5.6"
KEYCLOAK_PORT="${MOLISA_KEYCLOAK_PORT:-$((${MOLISA_SOLR_PORT:-18983} - 903))}"
KEYCLOAK_MGMT_PORT="$((KEYCLOAK_PORT + 1))"
KEYCLOAK_HOME="$LOCAL/keycloak-$KEYCLOAK_VERSION"

# The portal's outgoing mail goes to a local SMTP server (aiosmtpd) that keeps
# every message in a Maildir: .local/mail/new/. (The tests run their own on 10026.)
SMTP_PORT="${MOLISA_SMTP_PORT:-10025}"
MAIL_DIR="$LOCAL/mail"

# The tests' own web servers and SMTP server (the site_url of .local/test.ini
# and the ports derived from it).
TEST_WEB_PORT="${MOLISA_TEST_WEB_PORT:-5051}"
TEST_SMTP_PORT="${MOLISA_TEST_SMTP_PORT:-10026}"

# Database roles. The web application's role; the DataStore's read-only role;
# the sample sector database's owner and read-only roles. Their passwords are
# this installation's own (see ensure_secrets), never a shared default.
DB_USER="ckan"
DS_RO_USER="datastore_ro"
AUDIT_ADMIN_USER="molisa_audit_admin"
AUDIT_SHIPPER_USER="molisa_audit_shipper"

# This installation's secrets, generated once into .local/secrets.env (mode
# 600): CKAN's session and token keys and every database role's password. A
# value already in the environment wins (production sets its own).
SECRETS_FILE="$LOCAL/secrets.env"
SECRET_NAMES="MOLISA_SECRET_KEY MOLISA_JWT_SECRET MOLISA_DB_PASSWORD MOLISA_DS_RO_PASSWORD
MOLISA_SECTOR_OWNER_PASSWORD MOLISA_SECTOR_RO_PASSWORD MOLISA_AUDIT_ADMIN_PASSWORD
MOLISA_AUDIT_SHIPPER_PASSWORD MOLISA_KEYCLOAK_ADMIN_PASSWORD MOLISA_OIDC_CLIENT_SECRET
MOLISA_IDENTITY_PID_KEY MOLISA_IDENTITY_TOTP_KEY MOLISA_SUBJECT_KEY"

random_secret() {
    # 48 hex characters: safe in URLs, ini files and SQL literals
    od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
}

ensure_secrets() {
    mkdir -p "$LOCAL"
    (umask 077; touch "$SECRETS_FILE")
    chmod 600 "$SECRETS_FILE"
    local name line key value
    for name in $SECRET_NAMES; do
        grep -q "^$name=" "$SECRETS_FILE" || echo "$name=$(random_secret)" >> "$SECRETS_FILE"
    done
    while IFS= read -r line; do
        key="${line%%=*}"; value="${line#*=}"
        [ -n "$key" ] && [ -z "${!key:-}" ] && export "$key=$value"
    done < "$SECRETS_FILE"
    DB_PASS="$MOLISA_DB_PASSWORD"
    DS_RO_PASS="$MOLISA_DS_RO_PASSWORD"
    AUDIT_ADMIN_PASS="$MOLISA_AUDIT_ADMIN_PASSWORD"
    AUDIT_SHIPPER_PASS="$MOLISA_AUDIT_SHIPPER_PASSWORD"
}

# The audit log's roles (ckanext-molisa-audit/ckanext/molisa_audit/sql/roles.sql):
# the owner of the audit schema cannot log in; the admin role (migrations,
# archive) becomes it; the shipper's role only appends. Their URLs:
audit_admin_url() { echo "postgresql://$AUDIT_ADMIN_USER:$AUDIT_ADMIN_PASS@127.0.0.1:$PG_PORT/$1"; }
audit_shipper_url() { echo "postgresql://$AUDIT_SHIPPER_USER:$AUDIT_SHIPPER_PASS@127.0.0.1:$PG_PORT/$1"; }
AUDIT_ROLES_SQL="$ROOT/ckanext-molisa-audit/ckanext/molisa_audit/sql/roles.sql"

# Steps carry the seconds since the outermost script started (CI time, see README).
export MOLISA_T0="${MOLISA_T0:-$(date +%s)}"
step() { printf '\033[1m==> [%4ss] %s\033[0m\n' "$(( $(date +%s) - MOLISA_T0 ))" "$*"; }
info() { printf '    %s\n' "$*"; }

as_postgres() { runuser -u postgres -- "$@"; }

psql_su() {
    # psql as the cluster's superuser, over the project's socket.
    as_postgres "$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_SUPERUSER" -v ON_ERROR_STOP=1 -qAt "$@"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {
    # wait_for NAME SECONDS COMMAND...: retry COMMAND until it succeeds.
    local name="$1" secs="$2"; shift 2
    local i
    for ((i = 0; i < secs * 2; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    echo "ERROR: $name did not come up within ${secs}s" >&2
    return 1
}
