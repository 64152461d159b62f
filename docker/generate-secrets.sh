#!/usr/bin/env bash
# Creates the Docker secret files of this deployment in docker/secrets/
# (see compose.yaml and .env.example). Existing files are never overwritten:
# the database role passwords are fixed when the database is first created.
#
#   ./generate-secrets.sh            # run on the Docker host, in docker/
#
# The directory is private to the user running this (0700). The files are
# world-readable (0644) because the containers read them as their own users
# (postgres: 999, ckan: 900, ...) and Compose bind-mounts them unchanged.
set -Eeuo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"

random() {
    # $1 characters of A-Z a-z 0-9 (URL- and ini-safe, see entrypoint.sh).
    local value=""
    value="$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1")" || true
    [ "${#value}" -eq "$1" ] || { echo "could not read /dev/urandom" >&2; exit 1; }
    printf '%s' "$value"
}

for name in postgres_password ckan_db_password datastore_ro_password \
            ckan_secret_key ckan_jwt_secret ckan_sysadmin_password \
            audit_admin_password audit_shipper_password \
            identity_pid_key identity_totp_key subject_key oidc_client_secret; do
    file="$dir/$name"
    if [ -s "$file" ]; then
        echo "kept      secrets/$name"
        continue
    fi
    case "$name" in
        ckan_secret_key|ckan_jwt_secret) length=64 ;;
        ckan_sysadmin_password)          length=20 ;;
        *)                               length=40 ;;
    esac
    (umask 022; random "$length" > "$file")
    chmod 0644 "$file"
    echo "created   secrets/$name"
done

# The audit shipper's Ed25519 signing key (PEM, PKCS#8) and its public key.
# The private key is readable only by the shipper's uid (900): compose mounts
# it, unchanged, into audit-shipper alone; its entrypoint copies it to a
# private file of mode 600.
if [ -s "$dir/audit_signing_key" ]; then
    echo "kept      secrets/audit_signing_key"
else
    (umask 077; openssl genpkey -algorithm ed25519 -out "$dir/audit_signing_key")
    if [ "$(id -u)" = 0 ]; then
        chown 900:900 "$dir/audit_signing_key"; chmod 0400 "$dir/audit_signing_key"
    else
        chmod 0444 "$dir/audit_signing_key"
        echo "note: run as root to make secrets/audit_signing_key readable by uid 900 only"
    fi
    echo "created   secrets/audit_signing_key"
fi
if [ ! -s "$dir/audit_signing_key.pub" ]; then
    openssl pkey -in "$dir/audit_signing_key" -pubout -out "$dir/audit_signing_key.pub"
    chmod 0644 "$dir/audit_signing_key.pub"
    echo "created   secrets/audit_signing_key.pub"
fi

cat <<MSG

The first sysadmin's password is in $dir/ckan_sysadmin_password.
Log in with it after the first start and change it in CKAN; the file is then
no longer used (ckan-init never changes an existing account), but compose
still expects it to exist.
Keep a copy of $dir with the database backups.
The audit log's public key (give it to the IT Centre; verify needs only it):
$dir/audit_signing_key.pub
MSG
