#!/usr/bin/env bash
# `make test`: installs what is missing, starts the real services, prepares the
# test databases and runs the whole suite through CKAN's pytest plugin.
#   scripts/test.sh [pytest arguments]
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start
mkdir -p "$LOCAL/test-storage"
"$ROOT/scripts/prepare_site.sh" "$ROOT/test.ini" molisa_test molisa_test_datastore
"$ROOT/scripts/sector_sample_db.sh"

step "Running the test suite"
cd "$ROOT"
"$VENV/bin/pytest" --ckan-ini=test.ini "$@"
