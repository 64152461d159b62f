#!/usr/bin/env bash
# Re-fetches the JavaScript libraries vendored into the extensions' assets
# (not run by the build: the files are committed). Today: Chart.js for
# the kernel (ckanext-molisa), used by the audit's statistics and
# operations-centre pages and the Open Data List's pages.
#   scripts/vendor.sh
# To upgrade: set CHARTJS_VERSION and CHARTJS_INTEGRITY (from
# `npm view chart.js@<version> dist.integrity`), run this script, then change
# the path in ckanext-molisa/ckanext/molisa/assets/webassets.yaml
# and delete the old vendor/chart.js-<old version>/ folder.
source "$(dirname "$0")/common.sh"

CHARTJS_VERSION="4.5.1"
CHARTJS_INTEGRITY="sha512-GIjfiT9dbmHRiYi6Nl2yFCq7kkwdkp1W/lp2J99rX0yo9tgJGn3lKQATztIjb5tVtevcBtIdICNWqlq5+E8/Pw=="
VENDOR="$ROOT/ckanext-molisa/ckanext/molisa/assets/vendor"

command -v npm >/dev/null || { echo "npm is needed to fetch Chart.js" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step "Chart.js $CHARTJS_VERSION"
(cd "$work" && npm pack --silent "chart.js@$CHARTJS_VERSION" >/dev/null)
tarball="$work/chart.js-$CHARTJS_VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$CHARTJS_INTEGRITY" ]; then
    echo "chart.js-$CHARTJS_VERSION.tgz: integrity $actual, expected $CHARTJS_INTEGRITY" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/dist/chart.umd.min.js package/LICENSE.md
dest="$VENDOR/chart.js-$CHARTJS_VERSION"
mkdir -p "$dest"
# Copied unchanged, so that they can be compared with the published package.
cp "$work/package/dist/chart.umd.min.js" "$work/package/LICENSE.md" "$dest/"
info "$dest"
