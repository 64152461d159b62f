#!/usr/bin/env bash
# `make cluster`: the portal as a small cluster on loopback, each part its own
# process that can be killed on its own (issue 16):
#   - ZooKeeper (org.apache.zookeeper from Maven Central, already among Solr's
#     jars) and two Solr 9 nodes in cloud mode, each its own JVM; the CKAN
#     configset uploaded to ZooKeeper; collection `ckan`, 2 shards x 2 replicas;
#   - PostgreSQL 15: a primary and a streaming replica (pg_basebackup -R, a
#     physical replication slot); the DataStore's read URL and the audit
#     reports read from the replica and fall back to the primary;
#   - Redis with persistence (AOF);
#   - two gunicorn web nodes (own audit spool each, shared file store, Redis
#     and sessions) behind nginx, which retries idempotent requests on the
#     other node;
#   - the job worker, the harvest consumers, one audit shipper per web node
#     and the sharing sweep.
# Everything lives in MOLISA_CLUSTER_DIR (default .local/cluster); ports come
# from MOLISA_CLUSTER_BASE_PORT (default 27000) unless set one by one.
#
#   scripts/cluster.sh start | stop | status
#   scripts/cluster.sh promote      the documented failover: promote the
#                                   replica, stop the old primary, repoint
#   scripts/cluster.sh kill NAME | restart NAME   (the drills; NAME: web1,
#                                   web2, solr1, solr2, replica, redis, ...)
# Idempotent: a second start reuses everything and only starts what is down.
source "$(dirname "$0")/common.sh"

CL="${MOLISA_CLUSTER_DIR:-$LOCAL/cluster}"
BASE="${MOLISA_CLUSTER_BASE_PORT:-27000}"
CL_PG_PORT="${MOLISA_CLUSTER_PG_PORT:-$((BASE + 432))}"
CL_REPLICA_PORT="${MOLISA_CLUSTER_REPLICA_PORT:-$((BASE + 433))}"
CL_REDIS_PORT="${MOLISA_CLUSTER_REDIS_PORT:-$((BASE + 379))}"
CL_ZK_PORT="${MOLISA_CLUSTER_ZK_PORT:-$((BASE + 181))}"
CL_SOLR1_PORT="${MOLISA_CLUSTER_SOLR1_PORT:-$((BASE + 983))}"
CL_SOLR2_PORT="${MOLISA_CLUSTER_SOLR2_PORT:-$((BASE + 984))}"
CL_WEB1_PORT="${MOLISA_CLUSTER_WEB1_PORT:-$((BASE + 1))}"
CL_WEB2_PORT="${MOLISA_CLUSTER_WEB2_PORT:-$((BASE + 2))}"
CL_NGINX_PORT="${MOLISA_CLUSTER_NGINX_PORT:-$((BASE + 80))}"
CL_SMTP_PORT="${MOLISA_CLUSTER_SMTP_PORT:-$((BASE + 25))}"
CL_WEB_WORKERS="${MOLISA_CLUSTER_WEB_WORKERS:-2}"
CL_WEB_THREADS="${MOLISA_CLUSTER_WEB_THREADS:-4}"
CL_DEMO="${MOLISA_CLUSTER_DEMO:-1}"       # 0: no demo catalogue (the drills)
CL_DB="molisa"
CL_DSDB="molisa_datastore"

CL_RUN="$CL/run"
CL_LOGS="$CL/log"
# which PostgreSQL is the primary now (after `promote`: the old replica)
PRIMARY_FILE="$CL/primary"

mkdir -p "$CL_RUN" "$CL_LOGS"

primary_name() { cat "$PRIMARY_FILE" 2>/dev/null || echo primary; }
replica_name() { [ "$(primary_name)" = primary ] && echo replica || echo promoted-none; }
pg_port_of() { [ "$1" = primary ] && echo "$CL_PG_PORT" || echo "$CL_REPLICA_PORT"; }
pg_data_of() { echo "$CL/pg-$1"; }

# psql as superuser on one of the cluster's PostgreSQL servers
cl_psql() { local port="$1"; shift; PG_PORT="$port" psql_su "$@"; }

# ----------------------------------------------------------------- PostgreSQL
start_primary() {
    local name; name="$(primary_name)"
    if [ "$name" = primary ]; then
        MOLISA_PG_PORT="$CL_PG_PORT" MOLISA_PG_DATA="$(pg_data_of primary)" \
        MOLISA_PG_LOG="$CL_LOGS/pg-primary.log" "$ROOT/scripts/services.sh" pg-start
    else
        pg_ctl_start replica "$CL_REPLICA_PORT"
    fi
}

pg_ctl_start() {
    local name="$1" port="$2" data; data="$(pg_data_of "$1")"
    if as_postgres "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        info "PostgreSQL $name already running on port $port"; return
    fi
    step "Starting PostgreSQL $name on 127.0.0.1:$port"
    touch "$CL_LOGS/pg-$name.log"; chown postgres:postgres "$CL_LOGS/pg-$name.log"
    local try
    for try in 1 2; do
        if as_postgres "$PG_BIN/pg_ctl" -D "$data" -l "$CL_LOGS/pg-$name.log" -w -t 120 \
            -o "-p $port -k $PG_SOCK -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB" \
            start >/dev/null; then
            return 0
        fi
        # seen once in a clean-clone test run (the replica, under load): the
        # log's end says why; one more try before giving up
        echo "PostgreSQL $name did not start (try $try); the end of its log:" >&2
        tail -n 20 "$CL_LOGS/pg-$name.log" >&2
        sleep 2
    done
    return 1
}

pg_ctl_stop() {
    local data; data="$(pg_data_of "$1")"
    if [ -f "$data/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        step "Stopping PostgreSQL $1"
        as_postgres "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
}

start_replica() {
    [ "$(primary_name)" = primary ] || return 0   # promoted: no replica any more
    local data; data="$(pg_data_of replica)"
    if [ ! -f "$data/PG_VERSION" ]; then
        step "Copying the primary into the streaming replica (pg_basebackup -R, slot molisa_replica)"
        mkdir -p "$data"; chown postgres:postgres "$data"; chmod 700 "$data"
        if [ -z "$(cl_psql "$CL_PG_PORT" -d postgres -c "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'molisa_replica'")" ]; then
            cl_psql "$CL_PG_PORT" -d postgres -c "SELECT pg_create_physical_replication_slot('molisa_replica')" >/dev/null
        fi
        as_postgres "$PG_BIN/pg_basebackup" -h "$PG_SOCK" -p "$CL_PG_PORT" -U "$PG_SUPERUSER" \
            -D "$data" -R -X stream -S molisa_replica -c fast
    fi
    pg_ctl_start replica "$CL_REPLICA_PORT"
}

# ------------------------------------------------------------------------ Redis
start_redis() {
    if pid_alive "$CL_RUN/redis.pid"; then info "Redis already running on port $CL_REDIS_PORT"; return; fi
    step "Starting Redis on 127.0.0.1:$CL_REDIS_PORT (append-only file, fsync every second)"
    mkdir -p "$CL/redis"
    redis-server --port "$CL_REDIS_PORT" --bind 127.0.0.1 --save "" \
        --appendonly yes --appendfsync everysec \
        --daemonize yes --pidfile "$CL_RUN/redis.pid" --logfile "$CL_LOGS/redis.log" --dir "$CL/redis"
    wait_for Redis 30 redis-cli -p "$CL_REDIS_PORT" ping
}

stop_redis() {
    if pid_alive "$CL_RUN/redis.pid"; then
        step "Stopping Redis"
        kill "$(cat "$CL_RUN/redis.pid")"   # SIGTERM: Redis fsyncs its append-only file and exits
        for _ in $(seq 1 40); do pid_alive "$CL_RUN/redis.pid" || break; sleep 0.25; done
    fi
    rm -f "$CL_RUN/redis.pid"
}

# ------------------------------------------------------------------ SolrCloud
start_zk() {
    if pid_alive "$CL_RUN/zookeeper.pid"; then info "ZooKeeper already running on port $CL_ZK_PORT"; return; fi
    step "Starting ZooKeeper on 127.0.0.1:$CL_ZK_PORT"
    mkdir -p "$CL/zookeeper"
    cat > "$CL/zookeeper/zoo.cfg" <<CFG
dataDir=$CL/zookeeper/data
clientPort=$CL_ZK_PORT
clientPortAddress=127.0.0.1
tickTime=2000
initLimit=10
syncLimit=5
maxClientCnxns=200
admin.enableServer=false
4lw.commands.whitelist=ruok,mntr,srvr
CFG
    nohup setsid java -Xms64m -Xmx256m -Dzookeeper.admin.enableServer=false \
        -Dlog4j2.configurationFile="$ROOT/config/solr/log4j2.xml" -Dsolr.log.dir="$CL_LOGS" \
        -cp "$SOLR_LIB/*" org.apache.zookeeper.server.ZooKeeperServerMain "$CL/zookeeper/zoo.cfg" \
        > "$CL_LOGS/zookeeper.log" 2>&1 < /dev/null &
    echo $! > "$CL_RUN/zookeeper.pid"
    wait_for ZooKeeper 60 "$PY" "$ROOT/scripts/cluster_check.py" zk "$CL_ZK_PORT"
}

solr_port_of() { [ "$1" = solr1 ] && echo "$CL_SOLR1_PORT" || echo "$CL_SOLR2_PORT"; }

start_solr_node() {
    local name="$1" port; port="$(solr_port_of "$1")"
    if pid_alive "$CL_RUN/$name.pid"; then info "Solr $name already running on port $port"; return; fi
    step "Starting Solr node $name (cloud mode) on 127.0.0.1:$port"
    mkdir -p "$CL/$name"
    cp "$ROOT/config/solr/solr-cloud.xml" "$CL/$name/solr.xml"
    nohup setsid java -Xms128m -Xmx512m \
        -DzkHost="127.0.0.1:$CL_ZK_PORT" -DhostPort="$port" \
        -Dsolr.log.dir="$CL_LOGS/$name" \
        -Dlog4j2.configurationFile="$ROOT/config/solr/log4j2.xml" \
        -Dsolr.disableConfigSetsCreateAuthChecks=true \
        -cp "$SOLR_LIB/*" "$ROOT/config/solr/SolrLauncher.java" "$CL/$name" "$port" \
        > "$CL_LOGS/$name-console.log" 2>&1 < /dev/null &
    echo $! > "$CL_RUN/$name.pid"
}

wait_solr_node() {
    local port; port="$(solr_port_of "$1")"
    wait_for "Solr node $1" 180 curl -sf "http://127.0.0.1:$port/solr/admin/info/system?wt=json"
}

solr_configset() {
    # the same schema and solrconfig as the single-node cores (services.sh)
    local conf="$CL/configset/conf" schema
    rm -rf "$CL/configset"; mkdir -p "$conf"
    schema="$("$PY" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config/solr/schema.xml"))')"
    cp "$ROOT/config/solr/solrconfig.xml" "$conf/solrconfig.xml"
    "$PY" - "$schema" "$ROOT/config/solr/molisa-fields.xml" "$conf/schema.xml" <<'PY'
import sys
schema, fields, out = (open(sys.argv[1], encoding="utf-8").read(),
                       open(sys.argv[2], encoding="utf-8").read(), sys.argv[3])
assert schema.count("</fields>") == 1, "unexpected CKAN schema.xml"
open(out, "w", encoding="utf-8").write(schema.replace("</fields>", fields + "</fields>"))
PY
    touch "$conf/protwords.txt" "$conf/synonyms.txt" "$conf/stopwords.txt"
    (cd "$conf" && "$PY" -c "import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for f in sorted(os.listdir('.')): z.write(f)" "$CL/configset/ckan.zip")
}

solr_collection() {
    local solr="http://127.0.0.1:$CL_SOLR1_PORT/solr"
    solr_configset
    step "Uploading the CKAN configset to ZooKeeper (configset ckan)"
    curl -sf -X POST --data-binary @"$CL/configset/ckan.zip" -H 'Content-Type: application/octet-stream' \
        "$solr/admin/configs?action=UPLOAD&name=ckan&overwrite=true&cleanup=true" >/dev/null
    if curl -sf "$solr/admin/collections?action=LIST&wt=json" | grep -q '"ckan"'; then
        info "collection ckan exists (2 shards x 2 replicas)"
        curl -sf "$solr/admin/collections?action=RELOAD&name=ckan" >/dev/null || true
    else
        step "Creating the collection ckan: 2 shards x 2 replicas over the two nodes"
        curl -sf "$solr/admin/collections?action=CREATE&name=ckan&numShards=2&replicationFactor=2&collection.configName=ckan&createNodeSet=127.0.0.1:${CL_SOLR1_PORT}_solr,127.0.0.1:${CL_SOLR2_PORT}_solr&wt=json" >/dev/null
    fi
    wait_for "collection ckan" 120 "$PY" "$ROOT/scripts/cluster_check.py" solr-healthy "$solr"
}

stop_pidfile() {
    # stop_pidfile NAME [GROUP]: SIGTERM (its process group if GROUP), then SIGKILL
    local name="$1" group="${2:-}" pid
    if pid_alive "$CL_RUN/$name.pid"; then
        step "Stopping $name"
        pid="$(cat "$CL_RUN/$name.pid")"
        if [ -n "$group" ]; then kill -- "-$pid" 2>/dev/null || kill "$pid"; else kill "$pid"; fi
        for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        if [ -n "$group" ]; then kill -9 -- "-$pid" 2>/dev/null || true; fi
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$CL_RUN/$name.pid"
}

# --------------------------------------------------------------- configuration
write_config() {
    ensure_secrets
    local ini="$CL/ckan.ini" pport rport
    pport="$(pg_port_of "$(primary_name)")"
    mkdir -p "$CL/storage" "$CL/mail/new" "$CL/mail/cur" "$CL/mail/tmp"
    # reads: the replica first, the primary if it does not answer (libpq tries
    # the hosts in turn; ckanext-molisa logs a warning when it falls back)
    local ro_hosts="host=127.0.0.1:$CL_REPLICA_PORT&host=127.0.0.1:$CL_PG_PORT"
    [ "$(primary_name)" = primary ] || ro_hosts="host=127.0.0.1:$pport"
    "$PY" "$ROOT/scripts/write_config.py" "$ini" \
        MOLISA_ROOT="$ROOT" MOLISA_DEBUG=false \
        MOLISA_SITE_URL="http://127.0.0.1:$CL_NGINX_PORT" MOLISA_SITE_ID=molisa_cluster \
        MOLISA_DB_URL="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$pport/$CL_DB" \
        MOLISA_DATASTORE_WRITE_URL="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$pport/$CL_DSDB" \
        MOLISA_DATASTORE_READ_URL="postgresql://$DS_RO_USER:$DS_RO_PASS@/$CL_DSDB?$ro_hosts" \
        MOLISA_SOLR_URL="http://127.0.0.1:$CL_SOLR1_PORT/solr/ckan" \
        MOLISA_REDIS_URL="redis://127.0.0.1:$CL_REDIS_PORT/0" \
        MOLISA_REDIS_HOST=127.0.0.1 MOLISA_REDIS_PORT="$CL_REDIS_PORT" MOLISA_HARVEST_REDIS_DB=2 \
        MOLISA_STORAGE_PATH="$CL/storage" \
        MOLISA_SMTP_SERVER="127.0.0.1:$CL_SMTP_PORT" MOLISA_MAIL_FROM="congdulieu@molisa.gov.vn" \
        MOLISA_TRUSTED_PROXIES="127.0.0.1" \
        MOLISA_AUDIT_SHIPPER_URL="postgresql://$AUDIT_SHIPPER_USER:$AUDIT_SHIPPER_PASS@127.0.0.1:$pport/$CL_DB" \
        MOLISA_AUDIT_ADMIN_URL="postgresql://$AUDIT_ADMIN_USER:$AUDIT_ADMIN_PASS@127.0.0.1:$pport/$CL_DB" \
        MOLISA_AUDIT_SIGNING_KEY_FILE="$CL/audit-signing.key" \
        MOLISA_AUDIT_PUBLIC_KEY_FILE="$CL/audit-signing.key.pub" \
        MOLISA_AUDIT_ANCHOR_DIR="$CL/audit-anchors" \
        MOLISA_AUDIT_IT_CENTRE_EMAIL="${MOLISA_AUDIT_IT_CENTRE_EMAIL:-ttcntt@molisa.gov.vn}" \
        MOLISA_OIDC_ISSUER="http://127.0.0.1:$KEYCLOAK_PORT/realms/vneid" \
        MOLISA_OIDC_CLIENT_ID=molisa-portal
    # Solr: every node can answer for the collection; CKAN asks through
    # solr1, and the drills kill solr2 (see docker/README.md for a proxy in
    # front of both). The audit reports read from the replica.
    "$PY" - "$ini" "postgresql://$DB_USER:$DB_PASS@/$CL_DB?$ro_hosts" <<'PY'
import sys
ini, url = sys.argv[1:3]
text = open(ini, encoding="utf-8").read()
marker = "ckanext.molisa_audit.it_centre_email"
line = f"ckanext.molisa_audit.reports_read_url = {url}\n"
if "ckanext.molisa_audit.reports_read_url" not in text:
    i = text.index(marker)
    text = text[:i] + line + text[i:]
open(ini, "w", encoding="utf-8").write(text)
PY
    local node
    for node in web1 web2; do
        mkdir -p "$CL/spool-$node"
        cat > "$CL/$node.ini" <<INI
# web node $node: the cluster's configuration, with its own audit spool
# (shipped by its own shipper, audit-shipper-$node)
[DEFAULT]
debug = false

[app:main]
use = config:$ini
ckanext.molisa_audit.spool_dir = $CL/spool-$node
INI
        chmod 600 "$CL/$node.ini"
    done
}

prepare() {
    local pport; pport="$(pg_port_of "$(primary_name)")"
    MOLISA_PG_PORT="$pport" "$ROOT/scripts/prepare_site.sh" "$CL/ckan.ini" "$CL_DB" "$CL_DSDB"
    "$CKAN" -c "$CL/ckan.ini" molisa-audit keygen --if-missing >/dev/null
    if [ ! -f "$CL/.seeded" ]; then
        local admin="${MOLISA_ADMIN_USER:-admin}" pwfile="$CL/admin-password"
        step "Sysadmin account, the 45 units"
        "$CKAN" -c "$CL/ckan.ini" molisa ensure-sysadmin "$admin" --password-file "$pwfile" 2>&1 | grep -v "^\s*$" | grep -v " INFO \| DEBUG " || true
        "$CKAN" -c "$CL/ckan.ini" molisa seed-units 2>&1 | grep -v " INFO \| DEBUG "
        if [ "$CL_DEMO" = 1 ]; then
            step "Loading the demo catalogue (first run: a minute or two)"
            "$CKAN" -c "$CL/ckan.ini" molisa load-demo 2>&1 | grep -v " INFO \| DEBUG "
            "$CKAN" -c "$CL/ckan.ini" molisa-sharing load-demo 2>&1 | grep -v " INFO \| DEBUG "
        fi
        touch "$CL/.seeded"
    fi
}

# ------------------------------------------------------------------- web tier
start_web() {
    local name="$1" port
    [ "$name" = web1 ] && port="$CL_WEB1_PORT" || port="$CL_WEB2_PORT"
    if pid_alive "$CL_RUN/$name.pid"; then info "web node $name already running"; return; fi
    step "Starting web node $name (gunicorn) on 127.0.0.1:$port"
    (cd "$ROOT/config" && CKAN_INI="$CL/$name.ini" "$VENV/bin/gunicorn" wsgi:application \
        --bind "127.0.0.1:$port" --workers "$CL_WEB_WORKERS" \
        --worker-class gthread --threads "$CL_WEB_THREADS" --timeout 120 \
        --pid "$CL_RUN/$name.pid" --daemon --capture-output \
        --access-logfile "$CL_LOGS/$name-access.log" --error-logfile "$CL_LOGS/$name.log")
    for _ in $(seq 1 40); do [ -s "$CL_RUN/$name.pid" ] && break; sleep 0.25; done
}

wait_web() {
    local port
    [ "$1" = web1 ] && port="$CL_WEB1_PORT" || port="$CL_WEB2_PORT"
    wait_for "web node $1" 180 curl -sf "http://127.0.0.1:$port/api/3/action/status_show"
}

stop_web() {
    # gunicorn's master: SIGTERM lets its workers finish; their spools are flushed
    stop_pidfile "$1"
}

start_nginx() {
    if pid_alive "$CL_RUN/nginx.pid"; then info "nginx already running on port $CL_NGINX_PORT"; return; fi
    step "Starting nginx on 127.0.0.1:$CL_NGINX_PORT in front of web1 and web2"
    mkdir -p "$CL/nginx/tmp"
    chown -R nobody:nogroup "$CL/nginx/tmp"
    sed -e "s|@NGINX_PORT@|$CL_NGINX_PORT|g" -e "s|@WEB1@|127.0.0.1:$CL_WEB1_PORT|g" \
        -e "s|@WEB2@|127.0.0.1:$CL_WEB2_PORT|g" -e "s|@DIR@|$CL/nginx|g" \
        -e "s|@RUN@|$CL_RUN|g" -e "s|@LOGS@|$CL_LOGS|g" \
        "$ROOT/config/nginx-cluster.conf" > "$CL/nginx/nginx.conf"
    /usr/sbin/nginx -q -t -c "$CL/nginx/nginx.conf" -p "$CL/nginx" -e "$CL_LOGS/nginx-error.log"
    /usr/sbin/nginx -c "$CL/nginx/nginx.conf" -p "$CL/nginx" -e "$CL_LOGS/nginx-error.log"
    wait_for nginx 30 curl -sf "http://127.0.0.1:$CL_NGINX_PORT/api/3/action/status_show"
}

start_smtp() {
    if pid_alive "$CL_RUN/smtp.pid"; then info "SMTP server already running on port $CL_SMTP_PORT"; return; fi
    step "Starting the SMTP server on 127.0.0.1:$CL_SMTP_PORT (mail kept in ${CL#$ROOT/}/mail)"
    mkdir -p "$CL/mail/cur" "$CL/mail/new" "$CL/mail/tmp"; chmod 700 "$CL/mail"
    nohup setsid "$PY" -m aiosmtpd --nosetuid --smtputf8 --listen "127.0.0.1:$CL_SMTP_PORT" \
        --class aiosmtpd.handlers.Mailbox "$CL/mail" > "$CL_LOGS/smtp.log" 2>&1 < /dev/null &
    echo $! > "$CL_RUN/smtp.pid"
}

# --------------------------------------------------------- background processes
BACKGROUND="worker harvest-gather harvest-fetch audit-shipper-web1 audit-shipper-web2 sharing-sweep"

start_background() {
    local name="$1" ini="$CL/ckan.ini" cmd
    if pid_alive "$CL_RUN/$name.pid"; then info "$name already running"; return; fi
    case "$name" in
        worker)             cmd=(jobs worker) ;;
        harvest-gather)     cmd=(molisa-harvest consumer gather) ;;
        harvest-fetch)      cmd=(molisa-harvest consumer fetch) ;;
        audit-shipper-web1) cmd=(molisa-audit ship); ini="$CL/web1.ini" ;;
        audit-shipper-web2) cmd=(molisa-audit ship); ini="$CL/web2.ini" ;;
        sharing-sweep)      cmd=(molisa-sharing sweep --every 600) ;;
        *) echo "unknown process $name" >&2; return 1 ;;
    esac
    step "Starting $name"
    nohup setsid "$CKAN" -c "$ini" "${cmd[@]}" > "$CL_LOGS/$name.log" 2>&1 < /dev/null &
    echo $! > "$CL_RUN/$name.pid"
}

# ---------------------------------------------------------------------- verbs
start_all() {
    "$ROOT/scripts/install.sh"
    ensure_secrets
    make_cl_traversable
    start_zk
    start_solr_node solr1
    start_solr_node solr2
    start_primary
    start_replica
    start_redis
    start_smtp
    write_config
    wait_solr_node solr1
    wait_solr_node solr2
    solr_collection
    prepare
    start_web web1
    start_web web2
    for name in $BACKGROUND; do start_background "$name"; done
    wait_web web1
    wait_web web2
    start_nginx
    "$PY" "$ROOT/scripts/cluster_check.py" replica "$CL_REPLICA_PORT" || true
    if [ "$CL_DEMO" = 1 ] && [ ! -f "$CL/.indexed" ]; then
        step "Indexing the catalogue into the SolrCloud collection"
        "$CKAN" -c "$CL/ckan.ini" search-index rebuild 2>&1 | grep -v " INFO \| DEBUG " | tail -n 3 || true
        touch "$CL/.indexed"
    fi
    status_all
}

make_cl_traversable() {
    local d="$CL"
    while [ "$d" != "/" ]; do
        runuser -u postgres -- test -x "$d" 2>/dev/null || chmod o+x "$d"
        d="$(dirname "$d")"
    done
    mkdir -p "$PG_SOCK"; chown postgres:postgres "$PG_SOCK"
}

stop_all() {
    stop_pidfile nginx
    local name
    for name in $BACKGROUND; do stop_pidfile "$name" group; done
    stop_web web1
    stop_web web2
    stop_pidfile solr2 group
    stop_pidfile solr1 group
    stop_pidfile zookeeper group
    stop_redis
    stop_pidfile smtp group
    pg_ctl_stop replica
    pg_ctl_stop primary
}

promote() {
    # The documented failover (docker/README.md), as a planned switchover:
    # the processes that write stop (the shippers ship what they hold), the
    # old primary stops cleanly (a fast shutdown streams all its WAL to the
    # replica first, so nothing committed is lost), the replica is promoted
    # (pg_ctl promote), every process is pointed at it and started again.
    # The old primary must never take writes again: its data folder is kept
    # aside (a new replica is made from the promoted server).
    [ "$(primary_name)" = primary ] || { info "already promoted"; return 0; }
    local name
    for name in $BACKGROUND; do stop_pidfile "$name" group; done
    stop_web web1
    stop_web web2
    pg_ctl_stop primary
    step "Promoting the replica (pg_ctl promote) on port $CL_REPLICA_PORT"
    as_postgres "$PG_BIN/pg_ctl" -D "$(pg_data_of replica)" -w promote >/dev/null
    echo replica > "$PRIMARY_FILE"
    write_config
    start_web web1
    start_web web2
    for name in $BACKGROUND; do start_background "$name"; done
    wait_web web1
    wait_web web2
}

status_all() {
    local name
    for name in zookeeper solr1 solr2 redis smtp web1 web2 nginx $BACKGROUND; do
        if pid_alive "$CL_RUN/$name.pid"; then printf '  %-20s running (pid %s)\n' "$name" "$(cat "$CL_RUN/$name.pid")"
        else printf '  %-20s stopped\n' "$name"; fi
    done
    for name in primary replica; do
        if as_postgres "$PG_BIN/pg_ctl" -D "$(pg_data_of "$name")" status >/dev/null 2>&1; then
            printf '  %-20s running on port %s\n' "pg-$name" "$(pg_port_of "$name")"
        else printf '  %-20s stopped\n' "pg-$name"; fi
    done
    cat <<MSG

  The MOLISA portal as a cluster: http://127.0.0.1:$CL_NGINX_PORT  (nginx -> web1 :$CL_WEB1_PORT, web2 :$CL_WEB2_PORT)
  SolrCloud: ZooKeeper 127.0.0.1:$CL_ZK_PORT, nodes :$CL_SOLR1_PORT and :$CL_SOLR2_PORT, collection ckan (2 shards x 2 replicas)
  PostgreSQL: primary :$CL_PG_PORT, streaming replica :$CL_REPLICA_PORT (now primary: $(primary_name))
  Redis :$CL_REDIS_PORT (AOF).  Configuration: ${CL#$ROOT/}/ckan.ini   Logs: ${CL#$ROOT/}/log/
  Stop everything: make stop

MSG
}

case "${1:-start}" in
    start)   start_all ;;
    stop)    stop_all ;;
    status)  status_all ;;
    promote) promote ;;
    config)  write_config ;;
    kill)    # SIGKILL of one part (the drills)
        pid="$(cat "$CL_RUN/$2.pid")"; kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" ;;
    restart)
        case "$2" in
            solr1|solr2) rm -f "$CL_RUN/$2.pid"; start_solr_node "$2"; wait_solr_node "$2" ;;
            web1|web2) stop_web "$2"; start_web "$2"; wait_web "$2" ;;
            replica) start_replica ;;
            redis) stop_redis; start_redis ;;
            *) start_background "$2" ;;
        esac ;;
    stop-replica) pg_ctl_stop replica ;;
    *) echo "usage: $0 start|stop|status|promote|config|kill NAME|restart NAME|stop-replica" >&2; exit 2 ;;
esac
