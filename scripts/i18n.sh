#!/usr/bin/env bash
# `make i18n`: extracts every extension's user-facing strings into its .pot
# and merges them into the Vietnamese and English catalogues (i18n/<lang>/
# LC_MESSAGES/ckanext-<plugin>.po). Translate what msgmerge marks new, then
# `make install` (or any make target) compiles them.
source "$(dirname "$0")/common.sh"
# Extensions we install whose catalogues have no Vietnamese: their messages
# (from the installed package's code and templates, so an upgrade brings its
# new ones) go into the catalogue of the plugin of ours that extends them.
# CKAN merges every ITranslation domain into one catalogue per locale, so our
# msgstr translates their templates unchanged.
declare -A ADOPTED=([molisa_harvest]="ckanext/harvest")
SITE="$("$PY" -c 'import ckan, os; print(os.path.dirname(os.path.dirname(ckan.__file__)))')"
for dir in "$ROOT"/ckanext-*/ckanext/*/; do
    plugin="$(basename "$dir")"
    domain="ckanext-${plugin//_/-}"
    [ -n "$(grep -rl --include=*.py --include=*.html --include=*.js -E '_\(' "$dir" | grep -v /tests/ || true)" ] || continue
    pot="$dir/i18n/$domain.pot"
    mkdir -p "$dir/i18n"
    "$VENV/bin/pybabel" -q extract -F "$ROOT/babel.cfg" --no-location --sort-output \
        --ignore-dirs=tests -o "$pot" "$dir"
    if [ -n "${ADOPTED[$plugin]:-}" ]; then
        adopted="$(mktemp)"
        "$VENV/bin/pybabel" -q extract -F "$ROOT/babel.cfg" --no-location --sort-output \
            --ignore-dirs=tests -o "$adopted" "$SITE/${ADOPTED[$plugin]}"
        msgcat --use-first --no-location --sort-output -o "$pot" "$pot" "$adopted"
        rm -f "$adopted"
    fi
    for lang in vi en; do
        po="$dir/i18n/$lang/LC_MESSAGES/$domain.po"
        if [ -f "$po" ]; then
            msgmerge -q --no-fuzzy-matching --no-location --sort-output -U --backup=none "$po" "$pot"
        else
            mkdir -p "$(dirname "$po")"
            msginit --no-translator -l "$lang" -i "$pot" -o "$po" 2>/dev/null
        fi
    done
    step "$domain: $(msgfmt --statistics -o /dev/null "$dir/i18n/vi/LC_MESSAGES/$domain.po" 2>&1)"
done
