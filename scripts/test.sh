#!/usr/bin/env bash
# `make test`: installs what is missing, starts the real services, writes the
# tests' configuration (.local/test.ini, from config/test.ini.tmpl with this
# installation's ports and secrets), prepares the test databases and runs the
# whole suite through CKAN's pytest plugin.
#   scripts/test.sh [pytest arguments]
#
# With no arguments the suite runs in MOLISA_TEST_WORKERS processes (default
# 2, pytest-xdist, one test file per worker at a time), each with a site of
# its own (worker N > 0: .local/test-gwN.ini, database molisa_test_gwN, Solr
# core ckan_test_gwN, its own Redis databases and ports), then the tests
# marked `serial` (they stop PostgreSQL) alone. With arguments, one process
# runs what they name (MOLISA_TEST_WORKERS=2 runs them in parallel too).
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start
ensure_secrets
if [ "$#" -gt 0 ]; then WORKERS="${MOLISA_TEST_WORKERS:-1}"; else WORKERS="${MOLISA_TEST_WORKERS:-2}"; fi
if [ "$WORKERS" -lt 1 ] || [ "$WORKERS" -gt 4 ]; then
    echo "MOLISA_TEST_WORKERS: 1 to 4" >&2; exit 2
fi

# One site per worker: gw0 is .local/test.ini itself.
for (( i = 0; i < WORKERS; i++ )); do
    if [ "$i" -eq 0 ]; then suffix=""; ini="$LOCAL/test.ini"; else suffix="_gw$i"; ini="$LOCAL/test-gw$i.ini"; fi
    mkdir -p "$LOCAL/test-storage$suffix"
    "$PY" "$ROOT/scripts/write_config.py" --template "$ROOT/config/test.ini.tmpl" "$ini" \
        MOLISA_ROOT="$ROOT" MOLISA_PG_PORT="$PG_PORT" MOLISA_SOLR_PORT="$SOLR_PORT" \
        MOLISA_REDIS_PORT="$REDIS_PORT" MOLISA_TEST_WEB_PORT="$(( TEST_WEB_PORT + 10 * i ))" \
        MOLISA_TEST_SMTP_PORT="$(( TEST_SMTP_PORT + 10 * i ))" MOLISA_TEST_SUFFIX="$suffix" \
        MOLISA_TEST_DB="molisa_test$suffix" MOLISA_TEST_SOLR_CORE="ckan_test$suffix" \
        MOLISA_TEST_SITE_ID="molisa_test$suffix" MOLISA_TEST_REDIS_DB="$(( 1 + 4 * i ))" \
        MOLISA_TEST_MQ_REDIS_DB="$(( 3 + 4 * i ))" MOLISA_KEYCLOAK_PORT="$KEYCLOAK_PORT"
    if [ "$i" -gt 0 ]; then
        "$PY" -c "import sys; from ckanext.molisa.testing.solr import ensure_core; ensure_core(sys.argv[1], sys.argv[2], 'ckan_test')" \
            "http://127.0.0.1:$SOLR_PORT/solr" "ckan_test$suffix"
    fi
    "$ROOT/scripts/prepare_site.sh" "$ini" "molisa_test$suffix" "molisa_test${suffix}_datastore"
done
TEST_INI="$LOCAL/test.ini"
"$CKAN" -c "$TEST_INI" molisa-audit keygen --if-missing
"$ROOT/scripts/sector_sample_db.sh"

step "Running the test suite"
cd "$ROOT"
export MOLISA_PG_PORT="$PG_PORT" MOLISA_SOLR_PORT="$SOLR_PORT" MOLISA_REDIS_PORT="$REDIS_PORT" \
    MOLISA_KEYCLOAK_PORT="$KEYCLOAK_PORT"
RESULTS="$LOCAL/test-results"
mkdir -p "$RESULTS"
rm -f "$RESULTS/last-run.json"
set +e
if [ "$WORKERS" -gt 1 ]; then
    # --durations: the slowest tests in the log, to keep the run's time in view
    "$VENV/bin/pytest" --ckan-ini="$TEST_INI" -n "$WORKERS" --dist loadfile --no-loadscope-reorder -m "not serial" \
        --durations=25 --durations-min=5 "$@" 2>&1 | tee "$RESULTS/pytest.log"
    status="${PIPESTATUS[0]}"
    step "Running the tests that must run alone"
    MOLISA_TEST_RESULTS_MERGE=1 "$VENV/bin/pytest" --ckan-ini="$TEST_INI" -m serial \
        "$@" 2>&1 | tee -a "$RESULTS/pytest.log"
    serial="${PIPESTATUS[0]}"
    [ "$serial" -ne 5 ] || serial=0   # no serial test among those asked for
    [ "$status" -ne 0 ] || status="$serial"
else
    "$VENV/bin/pytest" --ckan-ini="$TEST_INI" "$@" 2>&1 | tee "$RESULTS/pytest.log"
    status="${PIPESTATUS[0]}"
fi
set -e

# The requirements table of this run (make requirements prints it again),
# then pytest's own verdict once more, so that it is what a log's tail shows.
step "Requirements and the tests that prove them"
"$PY" -m ckanext.molisa.testing.requirements || status=$(( status ? status : 1 ))
step "Test result"
grep -E '^(FAILED|ERROR) |[0-9]+ (passed|failed|errors?)(,| in ).* ?in [0-9.]+s|[0-9]+ (passed|failed|errors?) in [0-9.]+s' "$RESULTS/pytest.log" || true
exit "$status"
