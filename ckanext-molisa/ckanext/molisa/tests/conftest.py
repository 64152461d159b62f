"""Fixtures of ckanext-molisa's tests."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa.testing.factories import meritorious_dataset


@pytest.fixture
def unit():
    """An organization standing for a MOLISA unit."""
    return factories.Organization(name="cuc-nguoi-co-cong", title="Cục Người có công",
                                  unit_type="department")


@pytest.fixture
def sysadmin():
    return factories.SysadminWithToken()


@pytest.fixture
def dataset_dict(unit):
    """A valid MOLISA dataset, as a unit would send it to package_create."""

    def make(**overrides):
        return meritorious_dataset(unit["id"], **overrides)

    return make


@pytest.fixture
def create_dataset(sysadmin):
    """package_create as a sysadmin (the auth rules are tested elsewhere)."""

    def create(data):
        return helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)

    return create
