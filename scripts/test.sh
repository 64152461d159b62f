#!/usr/bin/env bash
# `make test`: installs what is missing, starts the real services, writes the
# tests' configuration (.local/test.ini, from config/test.ini.tmpl with this
# installation's ports and secrets), prepares the test databases and runs the
# whole suite through CKAN's pytest plugin.
#   scripts/test.sh [pytest arguments]
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start
ensure_secrets
mkdir -p "$LOCAL/test-storage"
TEST_INI="$LOCAL/test.ini"
"$PY" "$ROOT/scripts/write_config.py" --template "$ROOT/config/test.ini.tmpl" "$TEST_INI" \
    MOLISA_ROOT="$ROOT" MOLISA_PG_PORT="$PG_PORT" MOLISA_SOLR_PORT="$SOLR_PORT" \
    MOLISA_REDIS_PORT="$REDIS_PORT" MOLISA_TEST_WEB_PORT="$TEST_WEB_PORT" \
    MOLISA_TEST_SMTP_PORT="$TEST_SMTP_PORT" MOLISA_KEYCLOAK_PORT="$KEYCLOAK_PORT"
"$ROOT/scripts/prepare_site.sh" "$TEST_INI" molisa_test molisa_test_datastore
"$CKAN" -c "$TEST_INI" molisa-audit keygen --if-missing
"$ROOT/scripts/sector_sample_db.sh"

step "Running the test suite"
cd "$ROOT"
export MOLISA_PG_PORT="$PG_PORT" MOLISA_SOLR_PORT="$SOLR_PORT" MOLISA_REDIS_PORT="$REDIS_PORT" \
    MOLISA_KEYCLOAK_PORT="$KEYCLOAK_PORT"
"$VENV/bin/pytest" --ckan-ini="$TEST_INI" "$@"
