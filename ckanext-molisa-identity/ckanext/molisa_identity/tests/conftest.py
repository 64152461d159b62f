"""Fixtures of the identity tests and small helpers. The servers they use,
``keycloak`` and ``identity_server``, are in ``server.py``, a pytest plugin
that the root conftest.py loads (each pytest-xdist worker has its own, and
its own Keycloak client, ``molisa-portal-test<suffix>``)."""
from __future__ import annotations

import os

import pytest

import ckan.tests.factories as factories
from ckan import model

PASSWORD = "Mat-khau-quan-tri-2027"


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
