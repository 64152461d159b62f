#!/usr/bin/env bash
# Entrypoint of the MOLISA CKAN image: one image, one role per container.
#
#   init               one-shot: migrate databases, DataStore permissions,
#                      units, first sysadmin, search index if empty; then exit
#   web                gunicorn serving CKAN on :5000 (behind nginx)
#   worker             CKAN background jobs (`ckan jobs worker`)
#   gather-consumer    ckanext-harvest gather queue consumer
#   fetch-consumer     ckanext-harvest fetch queue consumer
#   harvest-scheduler  `ckan molisa-harvest scheduler --every HARVEST_RUN_INTERVAL`:
#                      sources on their frequency, watchdog, failure mail, pruning
#   audit-shipper      `ckan molisa-audit ship`: spooled audit events -> PostgreSQL,
#                      as molisa_audit_shipper, every batch signed and anchored
#   sharing-sweep      `ckan molisa-sharing sweep --every 600`: grants expire,
#                      overdue requests and usage reports are flagged by mail
#   odl-sweep          `ckan molisa odl-sweep --every 3600`: Open Data List entries
#                      falling due mailed to units, overdue ones to the IT Centre
#   report-sweep       `ckan molisa report-sweep --every 3600`: reports of problems
#                      falling due reminded, overdue ones escalated to the IT Centre
#   quality-sweep      `ckan molisa quality-sweep --every 86400`: every dataset's
#                      quality checks enqueued for the workers (first round at start)
#   anything else      run as a command with the rendered config, e.g.
#                      `docker compose run --rm ckan-web ckan search-index rebuild`
#
# Every role first renders $CKAN_INI (/etc/ckan/ckan.ini, mode 600, inside
# the container only) from config/ckan.ini.tmpl. The template's ${MOLISA_*}
# placeholders come from the environment (docker/compose.yaml, docker/.env)
# and from secret files (VAR_FILE=/run/secrets/...), or are derived below.
set -Eeuo pipefail
umask 0027

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS=(python "$HERE/dockertools.py")

export MOLISA_ROOT="${MOLISA_ROOT:-/srv/app}"
export CKAN_INI="${CKAN_INI:-/etc/ckan/ckan.ini}"
CKAN_INI_TEMPLATE="${CKAN_INI_TEMPLATE:-$MOLISA_ROOT/config/ckan.ini.tmpl}"
WAIT_SECONDS="${WAIT_SECONDS:-300}"

log() { printf '[entrypoint %s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- secrets ---------------------------------------------------------------
# VAR_FILE=/path (a Docker secret) sets VAR from the file's content, so that
# secrets never sit in the compose file, the image or `docker inspect`.
file_env() {
    local var="$1" file_var="${1}_FILE"
    local file="${!file_var:-}"
    if [ -n "$file" ]; then
        [ -z "${!var:-}" ] || die "both $var and $file_var are set; use one"
        [ -r "$file" ] || die "$file_var=$file is not readable by uid $(id -u)"
        export "$var"="$(<"$file")"   # $(<) drops the trailing newline
    fi
    unset "$file_var"
}

# Values that end up in URLs and in ckan.ini must be URL-safe and free of "%":
# CKAN reads its ini with ConfigParser interpolation and also copies every
# CKAN_* environment variable into it, where a "%" is a fatal syntax error.
require_safe_secret() {
    local var="$1" value="${!1:-}"
    [ -n "$value" ] || die "$var is empty: set ${var}_FILE (a Docker secret) or $var"
    [[ "$value" =~ ^[A-Za-z0-9._~-]{16,}$ ]] \
        || die "$var must be at least 16 characters of A-Z a-z 0-9 . _ ~ - (generate it with docker/generate-secrets.sh)"
}

# CKAN_SMTP_PASSWORD is read by CKAN itself (it overrides smtp.password).
for var in MOLISA_DB_PASSWORD MOLISA_DS_RO_PASSWORD MOLISA_SECRET_KEY MOLISA_JWT_SECRET \
           MOLISA_SYSADMIN_PASSWORD POSTGRES_PASSWORD CKAN_SMTP_PASSWORD \
           MOLISA_AUDIT_ADMIN_PASSWORD MOLISA_AUDIT_SHIPPER_PASSWORD \
           MOLISA_OIDC_CLIENT_SECRET MOLISA_IDENTITY_PID_KEY MOLISA_IDENTITY_TOTP_KEY \
           MOLISA_SUBJECT_KEY; do
    file_env "$var"
done

for var in $(compgen -e); do
    if [[ ( "$var" == CKAN_* || "$var" == MOLISA_* ) && "$var" != MOLISA_SYSADMIN_PASSWORD \
          && "${!var}" == *%* ]]; then
        die "environment variable $var contains '%', which breaks CKAN's config parser"
    fi
done

# --- derived settings --------------------------------------------------------
: "${POSTGRES_HOST:=db}" "${POSTGRES_PORT:=5432}"
: "${CKAN_DB_NAME:=ckan}" "${CKAN_DB_USER:=ckan}"
: "${DATASTORE_DB_NAME:=datastore}" "${DATASTORE_RO_USER:=datastore_ro}"
# Read-only DataStore queries may go to a streaming replica (README, "Growing
# past one machine"); writes always go to the primary.
: "${DATASTORE_READ_HOST:=$POSTGRES_HOST}" "${DATASTORE_READ_PORT:=$POSTGRES_PORT}"
: "${REDIS_HOST:=redis}" "${REDIS_PORT:=6379}"
: "${SOLR_URL:=http://solr:8983/solr/ckan}"

export MOLISA_DEBUG="${MOLISA_DEBUG:-false}"
export MOLISA_SITE_ID="${MOLISA_SITE_ID:-molisa}"
export MOLISA_STORAGE_PATH="${MOLISA_STORAGE_PATH:-/var/lib/ckan}"
export MOLISA_SOLR_URL="${MOLISA_SOLR_URL:-$SOLR_URL}"
export MOLISA_REDIS_HOST="${MOLISA_REDIS_HOST:-$REDIS_HOST}"
export MOLISA_REDIS_PORT="${MOLISA_REDIS_PORT:-$REDIS_PORT}"
export MOLISA_REDIS_URL="${MOLISA_REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT/0}"
export MOLISA_HARVEST_REDIS_DB="${MOLISA_HARVEST_REDIS_DB:-1}"
export MOLISA_SMTP_SERVER="${MOLISA_SMTP_SERVER:-localhost:25}"
export MOLISA_MAIL_FROM="${MOLISA_MAIL_FROM:-no-reply@localhost}"
export MOLISA_TRUSTED_PROXIES="${MOLISA_TRUSTED_PROXIES:-}"
[ -n "${MOLISA_SITE_URL:-}" ] || die "MOLISA_SITE_URL is not set (docker/.env)"

if [ -z "${MOLISA_DB_URL:-}" ] || [ -z "${MOLISA_DATASTORE_WRITE_URL:-}" ]; then
    require_safe_secret MOLISA_DB_PASSWORD
fi
if [ -z "${MOLISA_DATASTORE_READ_URL:-}" ]; then
    require_safe_secret MOLISA_DS_RO_PASSWORD
fi
export MOLISA_DB_URL="${MOLISA_DB_URL:-postgresql://$CKAN_DB_USER:${MOLISA_DB_PASSWORD:-}@$POSTGRES_HOST:$POSTGRES_PORT/$CKAN_DB_NAME}"
export MOLISA_DATASTORE_WRITE_URL="${MOLISA_DATASTORE_WRITE_URL:-postgresql://$CKAN_DB_USER:${MOLISA_DB_PASSWORD:-}@$POSTGRES_HOST:$POSTGRES_PORT/$DATASTORE_DB_NAME}"
if [ -n "${DATASTORE_READ_FALLBACK_HOST:-}" ]; then
    # compose.cluster.yaml: the replica first, the primary as libpq's second
    # host (a stopped replica costs a logged warning, not an error)
    read_hosts="host=$DATASTORE_READ_HOST:$DATASTORE_READ_PORT&host=$DATASTORE_READ_FALLBACK_HOST:${DATASTORE_READ_FALLBACK_PORT:-$POSTGRES_PORT}"
    export MOLISA_DATASTORE_READ_URL="${MOLISA_DATASTORE_READ_URL:-postgresql://$DATASTORE_RO_USER:${MOLISA_DS_RO_PASSWORD:-}@/$DATASTORE_DB_NAME?$read_hosts}"
    if [ "${MOLISA_AUDIT_REPORTS_ON_REPLICA:-}" = 1 ]; then
        # CKAN reads CKANEXT__* variables as options: ckanext.molisa_audit.reports_read_url
        export CKANEXT__MOLISA_AUDIT__REPORTS_READ_URL="postgresql://$CKAN_DB_USER:${MOLISA_DB_PASSWORD:-}@/$CKAN_DB_NAME?$read_hosts"
    fi
fi
export MOLISA_DATASTORE_READ_URL="${MOLISA_DATASTORE_READ_URL:-postgresql://$DATASTORE_RO_USER:${MOLISA_DS_RO_PASSWORD:-}@$DATASTORE_READ_HOST:$DATASTORE_READ_PORT/$DATASTORE_DB_NAME}"
require_safe_secret MOLISA_SECRET_KEY
require_safe_secret MOLISA_JWT_SECRET

# The audit log's own roles: their URLs only where their password secrets are
# mounted (ckan-init: admin; audit-shipper: shipper). Elsewhere they are empty,
# and the web processes could not use them anyway.
MOLISA_AUDIT_ADMIN_URL=""
MOLISA_AUDIT_SHIPPER_URL=""
if [ -n "${MOLISA_AUDIT_ADMIN_PASSWORD:-}" ]; then
    require_safe_secret MOLISA_AUDIT_ADMIN_PASSWORD
    MOLISA_AUDIT_ADMIN_URL="postgresql://molisa_audit_admin:$MOLISA_AUDIT_ADMIN_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/$CKAN_DB_NAME"
fi
if [ -n "${MOLISA_AUDIT_SHIPPER_PASSWORD:-}" ]; then
    require_safe_secret MOLISA_AUDIT_SHIPPER_PASSWORD
    MOLISA_AUDIT_SHIPPER_URL="postgresql://molisa_audit_shipper:$MOLISA_AUDIT_SHIPPER_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/$CKAN_DB_NAME"
fi
export MOLISA_AUDIT_ADMIN_URL MOLISA_AUDIT_SHIPPER_URL
export MOLISA_AUDIT_SIGNING_KEY_FILE=""     # set by the audit-shipper role only
export MOLISA_AUDIT_PUBLIC_KEY_FILE="${MOLISA_AUDIT_PUBLIC_KEY_FILE:-/run/secrets/audit_public_key}"
export MOLISA_AUDIT_ANCHOR_DIR="${MOLISA_AUDIT_ANCHOR_DIR:-/var/lib/molisa-audit-anchors}"
export MOLISA_AUDIT_IT_CENTRE_EMAIL="${MOLISA_AUDIT_IT_CENTRE_EMAIL:-}"
# Identity: the national e-ID's issuer and the portal's client there (empty:
# password log-in only), the client secret and the identity keys (secrets).
export MOLISA_OIDC_ISSUER="${MOLISA_OIDC_ISSUER:-}" MOLISA_OIDC_CLIENT_ID="${MOLISA_OIDC_CLIENT_ID:-}"
export MOLISA_OIDC_CLIENT_SECRET="${MOLISA_OIDC_CLIENT_SECRET:-}"
require_safe_secret MOLISA_IDENTITY_PID_KEY
require_safe_secret MOLISA_IDENTITY_TOTP_KEY
require_safe_secret MOLISA_SUBJECT_KEY

# --- configuration -------------------------------------------------------------
render_config() {
    if [ -f "$CKAN_INI_TEMPLATE" ]; then
        "${TOOLS[@]}" render "$CKAN_INI_TEMPLATE" "$CKAN_INI"
    elif [ ! -f "$CKAN_INI" ]; then
        die "neither $CKAN_INI_TEMPLATE nor $CKAN_INI exists"
    fi
    if [ ! -d "$MOLISA_STORAGE_PATH" ] || [ ! -w "$MOLISA_STORAGE_PATH" ]; then
        die "storage path $MOLISA_STORAGE_PATH is missing or not writable by uid $(id -u)"
    fi
}

wait_for_postgres() {
    local i
    for ((i = 0; i < WAIT_SECONDS / 2; i++)); do
        if pg_isready -q -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -t 3; then return 0; fi
        sleep 2
    done
    die "PostgreSQL at $POSTGRES_HOST:$POSTGRES_PORT not ready after ${WAIT_SECONDS}s"
}

wait_for_services() {
    log "waiting for PostgreSQL, Redis and Solr"
    wait_for_postgres
    "${TOOLS[@]}" wait-tcp "$MOLISA_REDIS_HOST" "$MOLISA_REDIS_PORT" "$WAIT_SECONDS"
    "${TOOLS[@]}" wait-http "${MOLISA_SOLR_URL%/}/admin/ping" "$WAIT_SECONDS"
}

# --- init ------------------------------------------------------------------
psql_super() {
    # psql as the PostgreSQL superuser; only the one-shot init container gets
    # this password (compose: secret postgres_password).
    [ -n "${POSTGRES_PASSWORD:-}" ] || die "POSTGRES_PASSWORD(_FILE) is needed by init"
    PGPASSWORD="$POSTGRES_PASSWORD" PGOPTIONS="-c client_min_messages=warning" \
        psql -X -q -v ON_ERROR_STOP=1 \
        -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "${POSTGRES_USER:-postgres}" "$@"
}

psql_ckan() {
    PGPASSWORD="$MOLISA_DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -tA \
        -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$CKAN_DB_USER" -d "$CKAN_DB_NAME" "$@"
}

ensure_sysadmin() {
    local name="${MOLISA_SYSADMIN_NAME:-}" email="${MOLISA_SYSADMIN_EMAIL:-}"
    if [ -z "$name" ]; then
        log "MOLISA_SYSADMIN_NAME not set: no sysadmin created"
        return 0
    fi
    [[ "$name" =~ ^[a-z0-9_-]{2,100}$ ]] || die "MOLISA_SYSADMIN_NAME must match [a-z0-9_-]{2,100}"
    local exists
    exists="$(printf 'SELECT count(*) FROM "user" WHERE name = :'"'"'n'"'"';\n' \
              | psql_ckan -v n="$name")"
    if [ "$exists" != "0" ]; then
        log "sysadmin account '$name' exists: left as it is (password unchanged)"
        return 0
    fi
    [ -n "$email" ] || die "MOLISA_SYSADMIN_EMAIL is needed to create '$name'"
    local pw="${MOLISA_SYSADMIN_PASSWORD:-}"
    [ "${#pw}" -ge 8 ] || die "MOLISA_SYSADMIN_PASSWORD(_FILE) must be at least 8 characters"
    log "creating sysadmin '$name'"
    # The password goes through a private file, never the command line.
    local pwfile
    pwfile="$(mktemp)"
    chmod 600 "$pwfile"
    printf '%s\n' "$pw" > "$pwfile"
    ckan molisa ensure-sysadmin "$name" --email "$email" --password-file "$pwfile"
    rm -f "$pwfile"
}

audit_roles() {
    # The audit log's roles, schema, ownership and grants (idempotent), as the
    # superuser, before the migrations; the roles' passwords follow the secrets.
    log "audit log roles (molisa_audit sql/roles.sql)"
    psql_super -d "$CKAN_DB_NAME" -v web_role="$CKAN_DB_USER" \
        -f "$MOLISA_ROOT/ckanext-molisa-audit/ckanext/molisa_audit/sql/roles.sql" >/dev/null
    local role var
    for role in admin shipper; do
        var="MOLISA_AUDIT_${role^^}_PASSWORD"
        [ -n "${!var:-}" ] || die "$var(_FILE) is needed by init"
        printf 'ALTER ROLE %s PASSWORD :%s;\n' "molisa_audit_$role" "'pw'" \
            | psql_super -d postgres -v pw="${!var}" >/dev/null
    done
}

prepare_signing_key() {
    # The Docker secret is mounted as its host file; the shipper reads a
    # private copy of mode 600 (anchors.py refuses a key others can read).
    local secret="${MOLISA_AUDIT_SIGNING_KEY_SECRET:-/run/secrets/audit_signing_key}"
    [ -r "$secret" ] || die "the audit signing key $secret is not readable by uid $(id -u)"
    local dir="${TMPDIR:-/tmp}/molisa-audit-key"
    install -d -m 0700 "$dir"
    install -m 0600 "$secret" "$dir/audit_signing_key"
    export MOLISA_AUDIT_SIGNING_KEY_FILE="$dir/audit_signing_key"
}

run_init() {
    render_config
    wait_for_services
    audit_roles

    log "ckan db upgrade (core and plugins; same as 'ckan db init' on an empty database)"
    ckan db upgrade

    # Explicit per-plugin upgrades (harvest, activity, molisa_audit,
    # molisa_sharing, ...). A plugin without a migration/<plugin>/ folder has
    # nothing to migrate: `ckan db upgrade -p` would fail on it, so skip it.
    local plugin rc
    for plugin in $("${TOOLS[@]}" plugins "$CKAN_INI"); do
        rc=0
        "${TOOLS[@]}" has-migrations "$plugin" || rc=$?
        case "$rc" in
            0) log "ckan db upgrade -p $plugin"; ckan db upgrade -p "$plugin" ;;
            1) log "plugin $plugin has no migrations: nothing to upgrade" ;;
            *) die "cannot tell whether plugin $plugin has migrations" ;;
        esac
    done

    log "DataStore permissions (ckan datastore set-permissions | psql as superuser)"
    local sql
    sql="$(mktemp)"
    ckan datastore set-permissions >"$sql"
    grep -q '^\\connect' "$sql" || die "unexpected output of 'ckan datastore set-permissions'"
    psql_super -d postgres -f "$sql" >/dev/null
    rm -f "$sql"

    log "ckan molisa seed-units"
    ckan molisa seed-units

    ensure_sysadmin

    # After a restore of PostgreSQL into a fresh deployment, or the loss of the
    # Solr volume, the index is empty while the database is not: rebuild it.
    local in_db in_solr
    in_db="$(psql_ckan -c "SELECT count(*) FROM package WHERE state = 'active'")"
    in_solr="$("${TOOLS[@]}" solr-count "$MOLISA_SOLR_URL" "$MOLISA_SITE_ID")"
    if [ "$in_db" -gt 0 ] && [ "$in_solr" -eq 0 ]; then
        log "search index empty but $in_db datasets in the database: ckan search-index rebuild"
        ckan search-index rebuild
    fi
    log "init done"
}

# --- long-running roles ------------------------------------------------------------
run_web() {
    render_config
    wait_for_services
    # gthread workers: nginx buffers requests and responses, so slow clients
    # never hold a thread, and a worker's concurrent requests share the fsync
    # of their audit events (group commit). No --preload: every worker opens
    # its own DB connections.
    # GUNICORN_EXTRA_ARGS is split into words on purpose.
    # shellcheck disable=SC2086
    exec gunicorn wsgi:application \
        --chdir "$HERE/../../config" \
        --bind "0.0.0.0:${GUNICORN_PORT:-5000}" \
        --workers "${GUNICORN_WORKERS:-4}" \
        --worker-class gthread --threads "${GUNICORN_THREADS:-8}" \
        --timeout "${GUNICORN_TIMEOUT:-120}" \
        --graceful-timeout 30 \
        --max-requests "${GUNICORN_MAX_REQUESTS:-2000}" \
        --max-requests-jitter 200 \
        --limit-request-line 8190 \
        --forwarded-allow-ips "${GUNICORN_FORWARDED_ALLOW_IPS:-*}" \
        --worker-tmp-dir /dev/shm \
        --no-control-socket \
        --error-logfile - \
        ${GUNICORN_EXTRA_ARGS:-}
}

role="${1:-web}"
case "$role" in
    init)
        run_init ;;
    web)
        run_web ;;
    worker)
        render_config; wait_for_services
        # shellcheck disable=SC2086  # CKAN_JOB_QUEUES is a list of queue names
        exec ckan jobs worker ${CKAN_JOB_QUEUES:-} ;;
    gather-consumer)
        render_config; wait_for_services
        exec ckan molisa-harvest consumer gather ;;
    fetch-consumer)
        render_config; wait_for_services
        exec ckan molisa-harvest consumer fetch ;;
    harvest-scheduler)
        # Starts due harvest jobs, marks finished ones, stops stuck ones,
        # mails failed runs and prunes old job detail. A Redis lock lets one
        # instance work at a time; a second one waits and takes over.
        render_config; wait_for_services
        exec ckan molisa-harvest scheduler --every "${HARVEST_RUN_INTERVAL:-60}" ;;
    audit-shipper)
        # Moves the audit events that the web and worker containers spool
        # (fsync'd, on the shared file-store volume) into PostgreSQL, in
        # hash-chained batches, as molisa_audit_shipper; signs each batch and
        # appends the checkpoint to the anchors volume. One instance is
        # enough; more are safe.
        [ -n "$MOLISA_AUDIT_SHIPPER_URL" ] || die "MOLISA_AUDIT_SHIPPER_PASSWORD(_FILE) is needed"
        prepare_signing_key
        render_config; wait_for_services
        ckan molisa-audit partitions
        exec ckan molisa-audit ship ;;
    sharing-sweep)
        render_config; wait_for_services
        exec ckan molisa-sharing sweep --every "${SHARING_SWEEP_INTERVAL:-600}" ;;
    odl-sweep)
        render_config; wait_for_services
        exec ckan molisa odl-sweep --every "${ODL_SWEEP_INTERVAL:-3600}" ;;
    report-sweep)
        render_config; wait_for_services
        exec ckan molisa report-sweep --every "${REPORT_SWEEP_INTERVAL:-3600}" ;;
    quality-sweep)
        render_config; wait_for_services
        exec ckan molisa quality-sweep --every "${QUALITY_SWEEP_INTERVAL:-86400}" ;;
    *)
        render_config
        exec "$@" ;;
esac
