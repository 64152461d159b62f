#!/usr/bin/env bash
# Starts, stops or reports the project's own PostgreSQL 15, Redis, Solr 9 and
# SMTP server (aiosmtpd), all on 127.0.0.1, with their data under .local/.
#   scripts/services.sh start | stop | status
source "$(dirname "$0")/common.sh"
ensure_secrets

mkdir -p "$RUN" "$LOGS"

# ---------------------------------------------------------------- PostgreSQL
make_traversable() {
    # The cluster runs as the "postgres" user (initdb refuses root), so every
    # folder above .local must be searchable by it. A fresh `mktemp -d` clone
    # is mode 700: open the search bit (only) where it is missing.
    local d="$LOCAL"
    while [ "$d" != "/" ]; do
        if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
            info "granting search permission on $d to the postgres user"
            chmod o+x "$d"
        fi
        d="$(dirname "$d")"
    done
}

pg_start() {
    make_traversable
    mkdir -p "$PG_SOCK"
    chown postgres:postgres "$PG_SOCK"
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        step "Creating the PostgreSQL 15 cluster in .local/pgdata"
        mkdir -p "$PG_DATA"
        chown postgres:postgres "$PG_DATA"
        chmod 700 "$PG_DATA"
        # Local socket: trust (only the postgres user reaches it, to administer);
        # TCP on loopback: passwords (scram), as the application connects in production.
        as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" -E UTF8 \
            --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    fi
    if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        info "PostgreSQL already running on port $PG_PORT"
    else
        step "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
        touch "$PG_LOG"; chown postgres:postgres "$PG_LOG"
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
            -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB -c fsync=on" \
            start >/dev/null
    fi
    pg_ensure_roles
}

pg_ensure_roles() {
    # Created once; their passwords follow .local/secrets.env on every start
    # (an installation made before the secrets existed loses "ckan:ckan").
    psql_su -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DS_RO_USER') THEN
    CREATE ROLE $DS_RO_USER LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END \$\$;
ALTER ROLE $DB_USER PASSWORD '$DB_PASS';
ALTER ROLE $DS_RO_USER PASSWORD '$DS_RO_PASS';
SQL
    # The audit log's roles (created by roles.sql, which prepare_site.sh also
    # runs per database); their passwords follow .local/secrets.env.
    PGOPTIONS="-c client_min_messages=warning" psql_su -d postgres -v web_role="$DB_USER" \
        -v roles_only=1 -f "$AUDIT_ROLES_SQL" >/dev/null
    psql_su -d postgres <<SQL
ALTER ROLE $AUDIT_ADMIN_USER PASSWORD '$AUDIT_ADMIN_PASS';
ALTER ROLE $AUDIT_SHIPPER_USER PASSWORD '$AUDIT_SHIPPER_PASS';
SQL
}

pg_stop() {
    if [ -f "$PG_DATA/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        step "Stopping PostgreSQL"
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    fi
}

# --------------------------------------------------------------------- Redis
redis_start() {
    if pid_alive "$RUN/redis.pid"; then
        info "Redis already running on port $REDIS_PORT"
        return
    fi
    step "Starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p "$LOCAL/redis"
    # persistence on (append-only file, fsync every second): queued harvest
    # jobs and background jobs survive a restart of Redis
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
        --appendonly yes --appendfsync everysec \
        --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log" \
        --dir "$LOCAL/redis"
    wait_for Redis 30 redis-cli -p "$REDIS_PORT" ping
}

redis_stop() {
    if pid_alive "$RUN/redis.pid"; then
        step "Stopping Redis"
        redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$(cat "$RUN/redis.pid")"
        rm -f "$RUN/redis.pid"
    fi
}

# ---------------------------------------------------------------------- Solr
solr_layout() {
    # (Re)writes the Solr home: solr.xml and one folder per core. The schema
    # is CKAN's own schema.xml from the installed ckan package, with the
    # MOLISA multi-valued fields added; configs are refreshed on every start.
    local schema
    schema="$("$PY" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config/solr/schema.xml"))')"
    mkdir -p "$SOLR_HOME"
    echo '<solr/>' > "$SOLR_HOME/solr.xml"
    local core
    for core in $SOLR_CORES; do
        mkdir -p "$SOLR_HOME/$core/conf"
        echo "name=$core" > "$SOLR_HOME/$core/core.properties"
        cp "$ROOT/config/solr/solrconfig.xml" "$SOLR_HOME/$core/conf/solrconfig.xml"
        "$PY" - "$schema" "$ROOT/config/solr/molisa-fields.xml" "$SOLR_HOME/$core/conf/schema.xml" <<'PY'
import sys
schema, fields, out = (open(sys.argv[1], encoding="utf-8").read(),
                       open(sys.argv[2], encoding="utf-8").read(), sys.argv[3])
assert schema.count("</fields>") == 1, "unexpected CKAN schema.xml"
open(out, "w", encoding="utf-8").write(schema.replace("</fields>", fields + "</fields>"))
PY
        touch "$SOLR_HOME/$core/conf/protwords.txt" "$SOLR_HOME/$core/conf/synonyms.txt" \
              "$SOLR_HOME/$core/conf/stopwords.txt"
    done
}

solr_start() {
    if pid_alive "$RUN/solr.pid"; then
        info "Solr already running on port $SOLR_PORT"
        return
    fi
    solr_layout
    step "Starting Solr $SOLR_VERSION on 127.0.0.1:$SOLR_PORT (cores: $SOLR_CORES)"
    nohup java -Xms256m -Xmx1g \
        -Dsolr.log.dir="$LOGS" \
        -Dlog4j2.configurationFile="$ROOT/config/solr/log4j2.xml" \
        -Dsolr.disableConfigSetsCreateAuthChecks=true \
        -cp "$SOLR_LIB/*" "$ROOT/config/solr/SolrLauncher.java" "$SOLR_HOME" "$SOLR_PORT" \
        > "$LOGS/solr-console.log" 2>&1 &
    echo $! > "$RUN/solr.pid"
    local core
    for core in $SOLR_CORES; do
        wait_for "Solr core $core" 120 curl -sf "http://127.0.0.1:$SOLR_PORT/solr/$core/schema/name"
    done
}

solr_stop() {
    if pid_alive "$RUN/solr.pid"; then
        step "Stopping Solr"
        local pid; pid="$(cat "$RUN/solr.pid")"
        kill "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$RUN/solr.pid"
    fi
}

# ---------------------------------------------------------------------- SMTP
# A real SMTP server (aiosmtpd) for the portal's outgoing mail. It relays
# nothing: it keeps each message in the Maildir .local/mail, one file per
# message in .local/mail/new/, with the envelope added as X-MailFrom and
# X-RcptTo headers (any Maildir reader opens it: `mutt -f .local/mail`).
smtp_probe() {
    "$PY" -c "import smtplib, sys; smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=2).quit()" "$SMTP_PORT"
}

smtp_start() {
    if pid_alive "$RUN/smtp.pid"; then
        info "SMTP server already running on port $SMTP_PORT"
        return
    fi
    if smtp_probe >/dev/null 2>&1; then
        echo "ERROR: something else answers SMTP on 127.0.0.1:$SMTP_PORT (set MOLISA_SMTP_PORT)" >&2
        return 1
    fi
    step "Starting the SMTP server on 127.0.0.1:$SMTP_PORT (mail kept in .local/mail)"
    mkdir -p "$MAIL_DIR/cur" "$MAIL_DIR/new" "$MAIL_DIR/tmp"   # a Maildir
    chmod 700 "$MAIL_DIR"   # mail holds password-reset links
    nohup "$PY" -m aiosmtpd --nosetuid --smtputf8 --listen "127.0.0.1:$SMTP_PORT" \
        --class aiosmtpd.handlers.Mailbox "$MAIL_DIR" > "$LOGS/smtp.log" 2>&1 &
    echo $! > "$RUN/smtp.pid"
    if ! wait_for "SMTP server" 30 smtp_probe || ! pid_alive "$RUN/smtp.pid"; then
        tail -n 20 "$LOGS/smtp.log" >&2
        return 1
    fi
}

smtp_stop() {
    if pid_alive "$RUN/smtp.pid"; then
        step "Stopping the SMTP server"
        local pid; pid="$(cat "$RUN/smtp.pid")"
        kill "$pid"
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/smtp.pid"
}

# ------------------------------------------------------------------ Keycloak
# The OpenID provider that plays the national e-ID (VNeID) in development and
# tests: Keycloak in dev mode on loopback, an H2 file store in its folder under
# .local/, realm "vneid" imported from config/keycloak/vneid-realm.json with
# this installation's client secrets and ports filled in. The realm is imported
# again (the store wiped) when that rendering changes.
keycloak_url() { echo "http://127.0.0.1:$KEYCLOAK_PORT"; }

keycloak_probe() {
    curl -sf "$(keycloak_url)/realms/vneid/.well-known/openid-configuration" >/dev/null
}

keycloak_render_realm() {
    local import="$KEYCLOAK_HOME/data/import" test_id_port=$((TEST_WEB_PORT + 3))
    mkdir -p "$import"; chmod 700 "$KEYCLOAK_HOME/data"
    MOLISA_OIDC_REDIRECTS_RUN="[\"http://127.0.0.1:$WEB_PORT/*\", \"http://localhost:$WEB_PORT/*\"]" \
    MOLISA_OIDC_REDIRECTS_TEST="[\"http://127.0.0.1:$TEST_WEB_PORT/*\", \"http://127.0.0.1:$test_id_port/*\"]" \
    MOLISA_OIDC_POST_LOGOUT_RUN="http://127.0.0.1:$WEB_PORT/*##http://localhost:$WEB_PORT/*" \
    MOLISA_OIDC_POST_LOGOUT_TEST="http://127.0.0.1:$TEST_WEB_PORT/*##http://127.0.0.1:$test_id_port/*" \
    MOLISA_OIDC_BACKCHANNEL_RUN="http://127.0.0.1:$WEB_PORT/identity/oidc/backchannel-logout" \
    MOLISA_OIDC_BACKCHANNEL_TEST="http://127.0.0.1:$test_id_port/identity/oidc/backchannel-logout" \
    MOLISA_TEST_WEB_PORT="$TEST_WEB_PORT" \
    python3 - "$ROOT/config/keycloak/vneid-realm.json" "$import/vneid-realm.json" <<'PY'
import json, os, re, sys
src, out = sys.argv[1:3]
text = open(src, encoding="utf-8").read()
# only ${MOLISA_...} placeholders: the realm's own ${...} message keys stay
text = re.sub(r"\$\{(MOLISA_[A-Z_]+)\}", lambda m: os.environ[m.group(1)], text)
# One test client per pytest-xdist worker (scripts/test.sh: worker i's ports are
# the tests' ports + 10 i, its client molisa-portal-test_gwi).
realm = json.loads(text)
base = int(os.environ["MOLISA_TEST_WEB_PORT"])
test_client = next(c for c in realm["clients"] if c["clientId"] == "molisa-portal-test")
for i in range(1, 4):
    worker = json.loads(re.sub(r"127\.0\.0\.1:(\d+)/",
                               lambda m: f"127.0.0.1:{int(m.group(1)) + 10 * i}/"
                               if base <= int(m.group(1)) < base + 10 else m.group(0),
                               json.dumps(test_client)))
    worker["clientId"] = f"molisa-portal-test_gw{i}"
    realm["clients"].append(worker)
text = json.dumps(realm, ensure_ascii=False, indent=1)
fd = os.open(out + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w", encoding="utf-8") as f:
    f.write(text)
os.replace(out + ".tmp", out)
PY
}

keycloak_start() {
    if pid_alive "$RUN/keycloak.pid"; then
        info "Keycloak already running on port $KEYCLOAK_PORT"
        return
    fi
    mkdir -p "$RUN" "$LOGS"
    if keycloak_probe; then
        echo "ERROR: something else answers on 127.0.0.1:$KEYCLOAK_PORT (set MOLISA_KEYCLOAK_PORT)" >&2
        return 1
    fi
    keycloak_render_realm
    local stamp="$KEYCLOAK_HOME/data/.realm-sha" sum
    sum="$(sha256sum "$KEYCLOAK_HOME/data/import/vneid-realm.json" | cut -c1-32)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
        rm -rf "$KEYCLOAK_HOME/data/h2"   # a changed realm is imported afresh
        echo "$sum" > "$stamp"
    fi
    step "Starting Keycloak $KEYCLOAK_VERSION on 127.0.0.1:$KEYCLOAK_PORT (realm vneid)"
    # built once by install.sh (H2 file store, local caches); plain HTTP on
    # loopback; its own process group, which keycloak_stop ends
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$MOLISA_KEYCLOAK_ADMIN_PASSWORD" \
    JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" \
        setsid nohup "$KEYCLOAK_HOME/bin/kc.sh" start --optimized --http-enabled=true \
        --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --hostname-strict=false \
        --import-realm > "$LOGS/keycloak.log" 2>&1 < /dev/null &
    echo $! > "$RUN/keycloak.pid"
}

keycloak_wait() {
    # Keycloak boots while the other services start (start: launch first, wait last)
    pid_alive "$RUN/keycloak.pid" || return 0
    if ! wait_for "Keycloak" 240 keycloak_probe || ! pid_alive "$RUN/keycloak.pid"; then
        tail -n 30 "$LOGS/keycloak.log" >&2
        return 1
    fi
}

keycloak_stop() {
    if pid_alive "$RUN/keycloak.pid"; then
        step "Stopping Keycloak"
        local pid; pid="$(cat "$RUN/keycloak.pid")"
        kill -- "-$pid" 2>/dev/null || kill "$pid"     # kc.sh and its java
        for _ in $(seq 1 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/keycloak.pid"
}

status() {
    if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        echo "postgresql: running on 127.0.0.1:$PG_PORT"; else echo "postgresql: stopped"; fi
    if pid_alive "$RUN/redis.pid"; then echo "redis:      running on 127.0.0.1:$REDIS_PORT"; else echo "redis:      stopped"; fi
    if pid_alive "$RUN/solr.pid"; then echo "solr:       running on http://127.0.0.1:$SOLR_PORT/solr/"; else echo "solr:       stopped"; fi
    if pid_alive "$RUN/keycloak.pid"; then echo "keycloak:   running on $(keycloak_url)/realms/vneid"; else echo "keycloak:   stopped"; fi
    if pid_alive "$RUN/smtp.pid"; then echo "smtp:       running on 127.0.0.1:$SMTP_PORT, mail in .local/mail/new/"; else echo "smtp:       stopped"; fi
}

case "${1:-start}" in
    start)  keycloak_start; pg_start; redis_start; solr_start; smtp_start; keycloak_wait ;;
    stop)   keycloak_stop; smtp_stop; solr_stop; redis_stop; pg_stop ;;
    # PostgreSQL alone (make cluster's primary: MOLISA_PG_DATA, MOLISA_PG_PORT)
    pg-start) pg_start ;;
    pg-stop)  pg_stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
