#!/usr/bin/env bash
# `make requirements`: each requirement of regulation/requirements.yaml, the
# tests that prove it (@pytest.mark.req) and their result in the last run of
# the suite (.local/test-results/last-run.json), then the requirements that no
# test proves yet. Needs no running service.
#   scripts/requirements.sh [--brief]
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/install.sh" >/dev/null
"$PY" -m ckanext.molisa.testing.requirements "$@"
