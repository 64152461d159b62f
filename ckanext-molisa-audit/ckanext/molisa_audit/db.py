"""The audit log's own database connections, each with its own role.

The web processes read the log through CKAN's engine (``sqlalchemy.url``,
whose role is a member of molisa_audit_reader: SELECT only). The shipper
appends with ``ckanext.molisa_audit.shipper_url`` (molisa_audit_shipper);
migrations and ``archive`` run with ``ckanext.molisa_audit.admin_url``
(molisa_audit_admin, which becomes molisa_audit_owner). Neither URL is needed
by, or should be given to, the web processes.
"""
from __future__ import annotations

import psycopg2

import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException

from .model import OWNER

SHIPPER_URL = "ckanext.molisa_audit.shipper_url"
ADMIN_URL = "ckanext.molisa_audit.admin_url"


def _url(option: str, role: str) -> str:
    url = tk.config.get(option)
    if not url:
        raise CkanConfigurationException(
            f"{option} is not set: the {role} role's database URL is needed here")
    return url


def shipper_connection():
    """A psycopg2 connection as the shipper's role (append-only rights)."""
    return psycopg2.connect(_url(SHIPPER_URL, "molisa_audit_shipper"))


def admin_connection():
    """A psycopg2 connection as the admin role, acting as the owner."""
    conn = psycopg2.connect(_url(ADMIN_URL, "molisa_audit_admin"))
    with conn.cursor() as cur:
        cur.execute(f"SET ROLE {OWNER}")
    conn.commit()
    return conn


def drop_audit_log() -> None:
    """Drop the whole audit schema as its owner (through the admin role), and
    the anchors of the chain it held. For the test suites' ``clean_db`` only:
    audit rows cannot be deleted, so the tests start a new chain instead."""
    import shutil

    from . import anchors, partitions

    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS molisa_audit CASCADE")
        conn.commit()
    finally:
        conn.close()
    shutil.rmtree(anchors.anchor_dir(), ignore_errors=True)
    partitions.forget()
