"""Small, dependency-free helpers for the CKAN container (standard library only).

Called by docker/ckan/entrypoint.sh, by the image build and by the compose
health check. Usage:

    python dockertools.py render TEMPLATE OUTPUT
        Write OUTPUT (mode 600) from TEMPLATE, filling ${NAME} / $NAME from the
        environment, with exactly the semantics of scripts/write_config.py
        (string.Template; "$$" is a literal "$"). A placeholder without a value
        is an error, so a half-filled configuration is never written.
    python dockertools.py plugins INI
        Print the plugins of "ckan.plugins" in [app:main] of INI (or template).
    python dockertools.py check-plugins NAME...
        Fail unless every NAME is an installed "ckan.plugins" entry point whose
        class imports (catches packaging errors such as a missing subpackage).
    python dockertools.py has-migrations PLUGIN
        Exit 0 if PLUGIN ships alembic migrations (found where `ckan db upgrade
        -p PLUGIN` looks for them), 1 if it has none.
    python dockertools.py wait-tcp HOST PORT SECONDS
    python dockertools.py wait-http URL SECONDS
        Retry until a TCP connect / an HTTP 200 succeeds, or fail after SECONDS.
    python dockertools.py http-ok URL
        One HTTP GET (5 s timeout); exit 0 on HTTP 200. Used as health check.
    python dockertools.py solr-count SOLR_URL SITE_ID
        Print the number of documents of SITE_ID in the Solr core.
"""
from __future__ import annotations

import configparser
import importlib.util
import json
import os
import socket
import string
import sys
import time
import urllib.parse
import urllib.request
from importlib.metadata import entry_points


def render(template_path: str, out_path: str) -> None:
    with open(template_path, encoding="utf-8") as f:
        template = string.Template(f.read())
    values = dict(os.environ)
    missing = sorted({
        m.group("named") or m.group("braced")
        for m in template.pattern.finditer(template.template)
        if (m.group("named") or m.group("braced"))
        and (m.group("named") or m.group("braced")) not in values
    })
    if missing:
        sys.exit(f"render: no value in the environment for {', '.join(missing)} "
                 f"(used by {template_path})")
    text = template.substitute(values)
    tmp = out_path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, out_path)


def plugins(ini_path: str) -> list[str]:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # keep key case
    with open(ini_path, encoding="utf-8") as f:
        parser.read_file(f)
    value = parser.get("app:main", "ckan.plugins", fallback="")
    return value.split()


def _plugin_entry_points() -> dict:
    return {ep.name: ep for ep in entry_points(group="ckan.plugins")}


def check_plugins(names: list[str]) -> None:
    installed = _plugin_entry_points()
    missing = [n for n in names if n not in installed]
    if missing:
        sys.exit("check-plugins: not installed: " + " ".join(missing))
    broken = []
    for name in names:
        try:
            installed[name].load()
        except Exception as e:  # report every broken plugin, not just the first
            broken.append(f"{name} ({installed[name].value}): {type(e).__name__}: {e}")
    if broken:
        sys.exit("check-plugins: cannot import:\n  " + "\n  ".join(broken))
    print("check-plugins: all installed and importable: " + " ".join(names))


def has_migrations(plugin: str) -> bool:
    """Mirror of ckan.cli.db._resolve_alembic_config, without importing CKAN."""
    ep = _plugin_entry_points().get(plugin)
    if ep is None:
        sys.exit(f"has-migrations: plugin {plugin!r} is not installed")
    module = ep.value.split(":", 1)[0]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        sys.exit(f"has-migrations: cannot locate module {module!r}")
    plugin_dir = os.path.dirname(spec.origin)
    ckanext_idx = plugin_dir.rfind("/ckanext/") + 9
    idx = plugin_dir.find("/", ckanext_idx)
    if ~idx:
        plugin_dir = plugin_dir[:idx]
    migration_dir = os.path.join(plugin_dir, "migration", plugin)
    if os.path.isdir(migration_dir) and not os.path.isfile(
            os.path.join(migration_dir, "alembic.ini")):
        # A migration folder without alembic.ini: a packaging error (the
        # package_data of setup.py must ship migration/**), never "no migrations".
        sys.exit(f"has-migrations: {migration_dir} has no alembic.ini")
    return os.path.isfile(os.path.join(migration_dir, "alembic.ini"))


def _tcp_ok(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status == 200
    except (OSError, ValueError):
        return False


def _wait(check, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return
        if time.monotonic() >= deadline:
            sys.exit(f"wait: {what} not reachable after {seconds:.0f}s")
        time.sleep(2)


def solr_count(solr_url: str, site_id: str) -> int:
    query = urllib.parse.urlencode({
        "q": "*:*", "fq": f'+site_id:"{site_id}"', "rows": "0", "wt": "json"})
    with urllib.request.urlopen(f"{solr_url.rstrip('/')}/select?{query}", timeout=10) as r:
        return int(json.load(r)["response"]["numFound"])


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "render" and len(args) == 2:
        render(*args)
    elif cmd == "plugins" and len(args) == 1:
        print(" ".join(plugins(args[0])))
    elif cmd == "check-plugins" and args:
        check_plugins(args)
    elif cmd == "has-migrations" and len(args) == 1:
        sys.exit(0 if has_migrations(args[0]) else 1)
    elif cmd == "wait-tcp" and len(args) == 3:
        host, port, secs = args[0], int(args[1]), float(args[2])
        _wait(lambda: _tcp_ok(host, port), f"{host}:{port}", secs)
    elif cmd == "wait-http" and len(args) == 2:
        _wait(lambda: _http_ok(args[0]), args[0], float(args[1]))
    elif cmd == "http-ok" and len(args) == 1:
        sys.exit(0 if _http_ok(args[0]) else 1)
    elif cmd == "solr-count" and len(args) == 2:
        print(solr_count(*args))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
