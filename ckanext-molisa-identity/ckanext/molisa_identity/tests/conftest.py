"""Fixtures of the identity tests: the real Keycloak (started by `make
test`, realm vneid), the portal served over HTTP with the second factor
required (``identity_server``: gunicorn on the tests' port + 3, its ini
``.local/test-identity<suffix>.ini`` extends the tests' one; each pytest-xdist
worker has its own, and its own Keycloak client, ``molisa-portal-test<suffix>``),
and small helpers."""
from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest
import requests

import ckan.tests.factories as factories
from ckan import model
from ckan.common import config

from ckanext.molisa.testing.webserver import ROOT, WebServer

PORT_OFFSET = 3
PASSWORD = "Mat-khau-quan-tri-2027"

IDENTITY_INI = """\
# The identity tests' portal, written by ckanext/molisa_identity/tests/conftest.py:
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


@pytest.fixture
def unit(clean_db):
    """A unit with a dataset, and its admin (a local account with a password)."""
    admin = factories.User(password=PASSWORD)
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}],
                                 unit_type="department")
    return {"org": org, "admin": admin}


def dataset_in(org: dict) -> dict:
    import ckan.tests.helpers as helpers
    sysadmin = factories.Sysadmin()
    return helpers.call_action(
        "package_create", {"user": sysadmin["name"], "ignore_auth": True},
        name="du-lieu-" + os.urandom(3).hex(), title="Bộ dữ liệu kiểm thử",
        notes="Dữ liệu kiểm thử đăng nhập.", owner_org=org["id"], sector="bao-tro-xa-hoi",
        access_level="open", personal_data="false", license_id="cc-by-4.0",
        update_frequency="annual", contact_name="Phòng Thống kê",
        contact_email="thongke@molisa.example.vn")


def user_of(pid: str) -> model.User | None:
    from ckanext.molisa_identity import crypto
    from ckanext.molisa_identity.model import MolisaIdentityLink
    model.Session.expire_all()
    link = MolisaIdentityLink.by_pid_hash(crypto.pid_hash(pid))
    return model.User.get(link.user_id) if link else None


@pytest.fixture(autouse=True)
def _throttle_cleared():
    """Failures counted by an earlier test (or run) do not lock this one out."""
    from ckan.lib.redis import connect_to_redis
    redis = connect_to_redis()
    for key in redis.scan_iter("molisa_identity:throttle:*"):
        redis.delete(key)
