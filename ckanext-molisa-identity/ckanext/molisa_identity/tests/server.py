"""The identity tests' servers, one per test session (per pytest-xdist
worker): the real Keycloak (``keycloak``: its discovery document; `make
test` starts it) and the portal served over HTTP with the second factor
required (``identity_server``: gunicorn on the tests' port + 3, its ini
``.local/test-identity<suffix>.ini`` extends the tests' one).

A pytest plugin (the root conftest.py loads it), not the identity conftest:
other suites' tests log in through the e-ID too (harvest's my-data browser
test), and a session fixture defined in two places is started twice, the
second time on a port the first still holds.
"""
from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest
import requests

from ckan.common import config

from ckanext.molisa.testing.webserver import ROOT, WebServer

PORT_OFFSET = 3

IDENTITY_INI = """\
# The identity tests' portal, written by ckanext/molisa_identity/tests/server.py:
# the tests' configuration with the second factor required.
[app:main]
use = config:{main_ini}
ckan.site_url = {site_url}
ckanext.molisa_identity.second_factor_required = true
ckanext.molisa_identity.throttle.max_failures = 3
"""


@pytest.fixture(scope="session")
def keycloak():
    """The issuer's discovery document: Keycloak must be running."""
    issuer = config.get("ckanext.molisa_identity.oidc.issuer")
    try:
        meta = requests.get(issuer + "/.well-known/openid-configuration", timeout=10)
        meta.raise_for_status()
    except requests.RequestException as e:
        pytest.fail(f"Keycloak is not answering at {issuer} ({e}): `make test` starts it",
                    pytrace=False)
    return meta.json()


@pytest.fixture(scope="session")
def identity_server(request, keycloak):
    main_ini = os.path.abspath(request.config.getoption("ckan_ini"))
    port = (urlparse(config["ckan.site_url"]).port or 5051) + PORT_OFFSET
    url = f"http://127.0.0.1:{port}"
    suffix = os.path.basename(main_ini)[len("test"):-len(".ini")]   # "" or "-gwN"
    ini = os.path.join(ROOT, ".local", f"test-identity{suffix}.ini")
    with open(ini, "w", encoding="utf-8") as f:
        f.write(IDENTITY_INI.format(main_ini=main_ini, site_url=url))
    server = WebServer(ini, port, workers=2)
    try:
        server.start()
    except RuntimeError as e:
        pytest.fail(f"cannot start the identity tests' web server: {e}", pytrace=False)
    yield server
    server.stop()
    if request.session.testsfailed and server.log_path:
        os.makedirs(os.path.join(ROOT, ".local", "test-artifacts"), exist_ok=True)
        import shutil
        shutil.copy(server.log_path, os.path.join(ROOT, ".local", "test-artifacts",
                                                  "identity-server.log"))
