#!/usr/bin/env bash
# `make i18n`: extracts every extension's user-facing strings into its .pot
# and merges them into the Vietnamese and English catalogues (i18n/<lang>/
# LC_MESSAGES/ckanext-<plugin>.po). Translate what msgmerge marks new, then
# `make install` (or any make target) compiles them.
source "$(dirname "$0")/common.sh"
for dir in "$ROOT"/ckanext-*/ckanext/*/; do
    plugin="$(basename "$dir")"
    domain="ckanext-${plugin//_/-}"
    [ -n "$(grep -rl --include=*.py --include=*.html --include=*.js -E '_\(' "$dir" | grep -v /tests/ || true)" ] || continue
    pot="$dir/i18n/$domain.pot"
    mkdir -p "$dir/i18n"
    "$VENV/bin/pybabel" -q extract -F "$ROOT/babel.cfg" --no-location --sort-output \
        --ignore-dirs=tests -o "$pot" "$dir"
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
