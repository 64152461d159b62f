#!/usr/bin/env bash
# Installs what is missing: Debian packages (chromium too, for the end-to-end
# UI tests), the Python virtual environment (.venv), Solr's jars from Maven
# Central, and compiled translations.
# Idempotent: a second run checks stamps and returns quickly.
source "$(dirname "$0")/common.sh"

# --- Debian packages -------------------------------------------------------
need=()
[ -x "$PG_BIN/initdb" ] || need+=(postgresql-15 postgresql-contrib)
command -v redis-server >/dev/null || need+=(redis-server)
command -v msgfmt >/dev/null || need+=(gettext)
[ -f /usr/include/postgresql/libpq-fe.h ] || need+=(libpq-dev)
ldconfig -p | grep -q libmagic.so.1 || need+=(libmagic1)
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
# make cluster: nginx in front of the two web nodes
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
# the real browser of the end-to-end UI tests, driven by Playwright
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
    step "Installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The Debian packages start their own cluster/server; the project runs its own
# instances, so the system ones are not needed (and not relied upon).

# --- Python virtual environment --------------------------------------------
stamp="$VENV/.molisa-installed"
want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/setup.py" | sha256sum | cut -c1-16)"
if [ ! -x "$PY" ]; then
    step "Creating the virtual environment in .venv"
    python3 -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    step "Installing Python packages (pinned in requirements.txt)"
    "$PY" -m pip install -q --upgrade "pip==26.3" "setuptools==84.2.1" "wheel==0.48.0"
    "$PY" -m pip install -q -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
    mkdir -p "$LOGS"
    if ! "$PY" -m pip install -q --no-deps -e "$ROOT" > "$LOGS/pip-editable.log" 2>&1; then
        cat "$LOGS/pip-editable.log"; exit 1
    fi
    "$PY" -m pip check
    echo "$want" > "$stamp"
else
    info "Python packages up to date"
fi

# --- Solr jars ---------------------------------------------------------------
if [ ! -f "$SOLR_LIB/.complete" ]; then
    step "Fetching Apache Solr $SOLR_VERSION from Maven Central (cached in ~/.m2)"
    mkdir -p "$SOLR_LIB"
    mvn -q -B -f "$ROOT/config/solr/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$SOLR_LIB"
    touch "$SOLR_LIB/.complete"
else
    info "Solr $SOLR_VERSION jars present"
fi

# --- Keycloak (the OpenID provider of development and tests) -------------------
if [ ! -f "$KEYCLOAK_HOME/.complete" ]; then
    step "Fetching Keycloak $KEYCLOAK_VERSION from Maven Central (cached in ~/.m2)"
    rm -rf "$KEYCLOAK_HOME" "$LOCAL/keycloak-dist"
    mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
        -DoutputDirectory="$LOCAL/keycloak-dist"
    "$PY" -m zipfile -e "$LOCAL/keycloak-dist/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" "$LOCAL"
    rm -rf "$LOCAL/keycloak-dist"
    chmod +x "$KEYCLOAK_HOME"/bin/*.sh
    touch "$KEYCLOAK_HOME/.complete"
else
    info "Keycloak $KEYCLOAK_VERSION present"
fi
if [ ! -f "$KEYCLOAK_HOME/.built" ]; then
    # Quarkus' build step once (H2 file store, caches local to the process: no
    # cluster discovery on a shared machine), so that each start is quick.
    step "Building Keycloak for an H2 file store and local caches (once)"
    mkdir -p "$LOGS"
    if ! "$KEYCLOAK_HOME/bin/kc.sh" build --db=dev-file --cache=local > "$LOGS/keycloak-build.log" 2>&1; then
        tail -n 20 "$LOGS/keycloak-build.log" >&2; exit 1
    fi
    touch "$KEYCLOAK_HOME/.built"
fi

# --- Translations --------------------------------------------------------------
step "Compiling translations"
for po in "$ROOT"/ckanext-*/ckanext/*/i18n/*/LC_MESSAGES/*.po; do
    [ -f "$po" ] || continue
    msgfmt --check -o "${po%.po}.mo" "$po"
done
