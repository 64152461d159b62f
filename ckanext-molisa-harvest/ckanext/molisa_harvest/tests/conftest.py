"""Fixtures of the harvesting tests.

The sector-database tests read a real PostgreSQL database: the tests' copy of
the sample sector database, ``molisa_sector_test`` (created by
``scripts/sector_sample_db.sh``, which ``make test`` runs). Each test gets its
own freshly built schema in it, named after the CKAN site, so that test runs of
different sites do not meet; the harvester reads it as the read-only role
``sector_ro``, the tests change it as its owner ``sector_owner``.
"""
from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories

from ckanext.molisa_harvest import sector_sources
from ckanext.molisa_harvest.sample import generate

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(HERE, "fixtures")

#: The units the fixture configurations publish under.
UNITS = ["cuc-nguoi-co-cong", "cuc-bao-tro-xa-hoi", "tong-cuc-giao-duc-nghe-nghiep", "cuc-viec-lam"]


def fixture_text(name: str) -> str:
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return f.read()


class SectorDb:
    """The tests' sector database: one schema, rebuilt for each test."""

    def __init__(self, rows: int = 400):
        ckan_url = sa.engine.make_url(tk.config["sqlalchemy.url"])
        host, port = ckan_url.host or "127.0.0.1", ckan_url.port or 5432
        owner = os.environ["MOLISA_SECTOR_OWNER_PASSWORD"]
        ro = os.environ["MOLISA_SECTOR_RO_PASSWORD"]
        self.owner_url = f"postgresql://sector_owner:{owner}@{host}:{port}/molisa_sector_test"
        self.url = f"postgresql://sector_ro:{ro}@{host}:{port}/molisa_sector_test"
        site = re.sub(r"[^a-z0-9_]", "_", tk.config.get("ckan.site_id", "test").lower())
        self.schema = f"t_{site}"[:60]
        generate.build(self.owner_url, schema=self.schema, n=rows, force=True)
        self.execute(fixture_text("tong_hop_ghi_chu.sql"))

    def execute(self, sql: str, **params) -> None:
        engine = sa.create_engine(self.owner_url, poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                if params:
                    conn.execute(sa.text(sql.replace("{schema}", self.schema)), params)
                else:
                    conn.exec_driver_sql(sql.replace("{schema}", self.schema))
        finally:
            engine.dispose()

    def config(self, name: str = "sector_source.yaml") -> str:
        return fixture_text(name).replace("{schema}", self.schema)


@pytest.fixture
def sector_db():
    return SectorDb()


@pytest.fixture
def units(clean_db):
    return {name: factories.Organization(name=name, title=name, unit_type="department")
            for name in UNITS}


@pytest.fixture
def source(units, sector_db):
    """The tests' sector-database source (fixtures/sector_source.yaml), not run yet."""
    result = sector_sources.ensure_source("test-sector-db", sector_db.url, sector_db.config(),
                                          title="CSDL thử nghiệm", owner_org="cuc-nguoi-co-cong")
    return result["id"]
