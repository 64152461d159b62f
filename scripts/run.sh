#!/usr/bin/env bash
# `make run`: brings up the whole portal with demo data at http://127.0.0.1:5000.
# Installs what is missing, starts PostgreSQL, Redis and Solr, creates and
# migrates the databases, creates a sysadmin, seeds the units, loads the demo
# catalogue and starts the web server and the background-job worker.
# Idempotent: a second run reuses everything and only (re)starts what is down.
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start

# --- configuration -----------------------------------------------------------
ensure_secrets   # .local/secrets.env: keys and database passwords of this installation

ini="$LOCAL/ckan.ini"
mkdir -p "$LOCAL/storage"
"$PY" "$ROOT/scripts/write_config.py" "$ini" \
    MOLISA_ROOT="$ROOT" \
    MOLISA_DEBUG=false \
    MOLISA_SITE_URL="http://127.0.0.1:$WEB_PORT" \
    MOLISA_SITE_ID=molisa \
    MOLISA_DB_URL="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/molisa" \
    MOLISA_DATASTORE_WRITE_URL="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/molisa_datastore" \
    MOLISA_DATASTORE_READ_URL="postgresql://$DS_RO_USER:$DS_RO_PASS@127.0.0.1:$PG_PORT/molisa_datastore" \
    MOLISA_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan" \
    MOLISA_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    MOLISA_REDIS_HOST=127.0.0.1 MOLISA_REDIS_PORT="$REDIS_PORT" MOLISA_HARVEST_REDIS_DB=2 \
    MOLISA_STORAGE_PATH="$LOCAL/storage" \
    MOLISA_SMTP_SERVER="127.0.0.1:$SMTP_PORT" \
    MOLISA_MAIL_FROM="congdulieu@molisa.gov.vn" \
    MOLISA_TRUSTED_PROXIES="" \
    MOLISA_AUDIT_SHIPPER_URL="$(audit_shipper_url molisa)" \
    MOLISA_AUDIT_ADMIN_URL="$(audit_admin_url molisa)" \
    MOLISA_AUDIT_SIGNING_KEY_FILE="$LOCAL/audit-signing.key" \
    MOLISA_AUDIT_PUBLIC_KEY_FILE="$LOCAL/audit-signing.key.pub" \
    MOLISA_AUDIT_ANCHOR_DIR="$LOCAL/audit-anchors" \
    MOLISA_AUDIT_IT_CENTRE_EMAIL="${MOLISA_AUDIT_IT_CENTRE_EMAIL:-ttcntt@molisa.gov.vn}" \
    MOLISA_OIDC_ISSUER="http://127.0.0.1:$KEYCLOAK_PORT/realms/vneid" \
    MOLISA_OIDC_CLIENT_ID=molisa-portal
export CKAN_INI="$ini"

"$ROOT/scripts/prepare_site.sh" "$ini" molisa molisa_datastore
# the audit shipper's signing key, once per installation (.local/audit-signing.key, 600)
"$CKAN" -c "$ini" molisa-audit keygen --if-missing

# --- sysadmin, units, demo data -----------------------------------------------
admin="${MOLISA_ADMIN_USER:-admin}"
pwfile="$LOCAL/admin-password"
if [ -n "${MOLISA_ADMIN_PASSWORD:-}" ] && [ ! -f "$pwfile" ]; then
    (umask 077; printf '%s\n' "$MOLISA_ADMIN_PASSWORD" > "$pwfile")
fi
step "Sysadmin account"
"$CKAN" -c "$ini" molisa ensure-sysadmin "$admin" --password-file "$pwfile" 2>&1 | grep -v "^\s*$" | grep -v " INFO \| DEBUG " || true
step "Seeding the 45 units"
"$CKAN" -c "$ini" molisa seed-units 2>&1 | grep -v " INFO \| DEBUG "
step "Loading the demo catalogue (first run: a minute or two)"
"$CKAN" -c "$ini" molisa load-demo 2>&1 | grep -v " INFO \| DEBUG "
step "Demo data requests and grants"
"$CKAN" -c "$ini" molisa-sharing load-demo 2>&1 | grep -v " INFO \| DEBUG "
step "Demo Open Data List (approved, with entries on time, late and overdue)"
"$CKAN" -c "$ini" molisa load-demo-odl 2>&1 | grep -v " INFO \| DEBUG "

# --- sector databases: the sample database, registered as harvest sources -------
"$ROOT/scripts/sector_sample_db.sh"
sector_pass="$LOCAL/sector-pgpass"      # libpq password file: no password in the source URL
(umask 077; echo "127.0.0.1:$PG_PORT:molisa_sector_sample:sector_ro:$MOLISA_SECTOR_RO_PASSWORD" > "$sector_pass")
sector_url="postgresql://sector_ro@127.0.0.1:$PG_PORT/molisa_sector_sample?passfile=$sector_pass"
sources="$ROOT/ckanext-molisa-harvest/ckanext/molisa_harvest/sources"
step "Harvesting the sample sector database (sources nguoi-co-cong, bao-tro-xa-hoi)"
"$CKAN" -c "$ini" molisa-harvest sector-source nguoi-co-cong "$sector_url" "$sources/nguoi-co-cong.yaml" \
    --title "CSDL người có công (mẫu)" --owner-org cuc-nguoi-co-cong --run 2>&1 | grep -v " INFO \| DEBUG \| ERROR "
"$CKAN" -c "$ini" molisa-harvest sector-source bao-tro-xa-hoi "$sector_url" "$sources/bao-tro-xa-hoi.yaml" \
    --title "CSDL bảo trợ xã hội (mẫu)" --owner-org cuc-bao-tro-xa-hoi --run 2>&1 | grep -v " INFO \| DEBUG \| ERROR "

# --- web server and worker ----------------------------------------------------------
if pid_alive "$RUN/web.pid"; then
    info "web server already running"
else
    step "Starting the web server (gunicorn) on http://127.0.0.1:$WEB_PORT"
    # gthread workers: a worker's concurrent requests share one fsync of
    # their audit events (group commit, ckanext-molisa-audit spool.py)
    (cd "$ROOT/config" && "$VENV/bin/gunicorn" wsgi:application \
        --bind "127.0.0.1:$WEB_PORT" --workers "${MOLISA_WEB_WORKERS:-3}" \
        --worker-class gthread --threads "${MOLISA_WEB_THREADS:-8}" --timeout 120 \
        --pid "$RUN/web.pid" --daemon \
        --access-logfile "$LOGS/web-access.log" --error-logfile "$LOGS/web.log")
fi
if pid_alive "$RUN/worker.pid"; then
    info "background-job worker already running"
else
    step "Starting the background-job worker"
    # a session of its own: the quality checks' jobs lower its niceness
    # (ckanext.molisa.quality.niceness), which the kernel's autogroups
    # weigh against the web server's session
    nohup setsid "$CKAN" -c "$ini" jobs worker > "$LOGS/worker.log" 2>&1 &
    echo $! > "$RUN/worker.pid"
fi
if pid_alive "$RUN/audit-shipper.pid"; then
    info "audit shipper already running"
else
    step "Starting the audit shipper (spooled events -> PostgreSQL, hash-chained)"
    nohup "$CKAN" -c "$ini" molisa-audit ship > "$LOGS/audit-shipper.log" 2>&1 &
    echo $! > "$RUN/audit-shipper.pid"
fi
if pid_alive "$RUN/sharing-sweep.pid"; then
    info "sharing sweep already running"
else
    step "Starting the sharing sweep (grants expire, overdue requests flagged; every 10 min)"
    nohup "$CKAN" -c "$ini" molisa-sharing sweep --every 600 > "$LOGS/sharing-sweep.log" 2>&1 &
    echo $! > "$RUN/sharing-sweep.pid"
fi
if pid_alive "$RUN/odl-sweep.pid"; then
    info "Open Data List sweep already running"
else
    step "Starting the Open Data List sweep (due entries mailed, overdue ones escalated; hourly)"
    nohup "$CKAN" -c "$ini" molisa odl-sweep --every 3600 > "$LOGS/odl-sweep.log" 2>&1 &
    echo $! > "$RUN/odl-sweep.pid"
fi
if pid_alive "$RUN/quality-sweep.pid"; then
    info "quality sweep already running"
else
    step "Starting the quality sweep (links and openness of every resource, as background jobs; daily, first round now)"
    nohup "$CKAN" -c "$ini" molisa quality-sweep --every 86400 > "$LOGS/quality-sweep.log" 2>&1 &
    echo $! > "$RUN/quality-sweep.pid"
fi
if pid_alive "$RUN/report-sweep.pid"; then
    info "report sweep already running"
else
    step "Starting the report sweep (reports falling due reminded, overdue ones escalated; hourly)"
    nohup "$CKAN" -c "$ini" molisa report-sweep --every 3600 > "$LOGS/report-sweep.log" 2>&1 &
    echo $! > "$RUN/report-sweep.pid"
fi
if pid_alive "$RUN/mydata-sweep.pid"; then
    info "my data sweep already running"
else
    step "Starting the my data sweep (overdue cases of \"I don't recognise this\" escalated; hourly)"
    nohup "$CKAN" -c "$ini" molisa-harvest mydata-sweep --every 3600 > "$LOGS/mydata-sweep.log" 2>&1 &
    echo $! > "$RUN/mydata-sweep.pid"
fi
# one gather consumer, MOLISA_HARVEST_FETCH_CONSUMERS fetch consumers (default 2)
fetchers="${MOLISA_HARVEST_FETCH_CONSUMERS:-2}"
for name in gather $(seq -f "fetch-%g" 1 "$fetchers"); do
    if pid_alive "$RUN/harvest-$name.pid"; then
        info "harvest $name consumer already running"
    else
        step "Starting the harvest $name consumer"
        nohup "$CKAN" -c "$ini" molisa-harvest consumer "${name%%-*}" > "$LOGS/harvest-$name.log" 2>&1 &
        echo $! > "$RUN/harvest-$name.pid"
    fi
done
if pid_alive "$RUN/harvest-scheduler.pid"; then
    info "harvest scheduler already running"
else
    step "Starting the harvest scheduler (sources on their frequency, watchdog, pruning; every min)"
    nohup "$CKAN" -c "$ini" molisa-harvest scheduler --every 60 > "$LOGS/harvest-scheduler.log" 2>&1 &
    echo $! > "$RUN/harvest-scheduler.pid"
fi
wait_for "the portal" 90 curl -sf "http://127.0.0.1:$WEB_PORT/api/3/action/status_show"

cat <<MSG

  The MOLISA data portal is up:  http://127.0.0.1:$WEB_PORT   (English: http://127.0.0.1:$WEB_PORT/en/)
  Sysadmin: $admin   (password in .local/admin-password)
  CKAN CLI: .venv/bin/ckan -c .local/ckan.ini ...
  Mail the portal sent (SMTP on 127.0.0.1:$SMTP_PORT): .local/mail/new/
  Logs:     .local/log/        Stop everything: make stop

MSG
