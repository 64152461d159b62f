"""The kernel that the other plugins stand on: the access-level vocabulary,
units and their admins, the audit client's error policy, the redactor and the
action contexts."""
from __future__ import annotations

import logging

import pytest

import ckan.tests.factories as factories

from ckanext.molisa import access_levels, audit, codelists, contexts, redact, units


def test_the_access_levels_are_the_code_lists():
    assert access_levels.values() == access_levels.LEVELS
    assert set(access_levels.SHAREABLE) < set(access_levels.LEVELS)
    for item in codelists.items("access_levels"):
        for lang in ("vi", "en"):
            assert access_levels.label(item["value"], lang) == item["label"][lang]
    assert access_levels.label("no-such-level", "en") == "no-such-level"
    assert access_levels.label("") == ""
    assert access_levels.is_level("open") and not access_levels.is_level("public")
    assert access_levels.search_filter(access_levels.OPEN) == "access_level:open"


def test_the_redactor_masks_secrets_of_every_kind():
    assert redact.redact(None) is None
    assert redact.redact("could not connect: pw S3cr3t rejected", secrets=["S3cr3t", None]) \
        == "could not connect: pw *** rejected"
    text = "Authorization: Bearer abc.def token=xyz password: hunter2 " + "k" * 40
    masked = redact.redact(text, credentials=True)
    for secret in ("abc.def", "xyz", "hunter2", "k" * 40):
        assert secret not in masked
    assert masked.startswith("Authorization: Bearer ***") and "token=***" in masked
    assert redact.redact("Bearer abc", credentials=True) == "Bearer ***"
    # without credentials=True only passwords go: log lines keep their ids
    assert redact.redact("job " + "a" * 40) == "job " + "a" * 40
    assert redact.redact("x " * 300, credentials=True, limit=500) == ("x " * 300)[:500]


def test_the_audit_client_without_the_audit_plugin_writes_nothing(monkeypatch, caplog):
    def get_action(name):
        raise KeyError(name)
    monkeypatch.setattr(audit.tk, "get_action", get_action)
    with caplog.at_level(logging.WARNING, logger=audit.__name__):
        assert audit.record("sharing", "grant_suspend", datasets=["a", None]) is None
    assert "not audited" in caplog.text
    assert not audit.is_enabled()


def test_the_audit_client_reports_a_failed_write_without_its_secrets(monkeypatch, caplog):
    written = []

    def write(context, data):
        written.append((context, data))
        raise OSError("spool full at postgresql://shipper:Pa55word@db/audit")
    monkeypatch.setattr(audit.tk, "get_action", lambda name: write)
    with caplog.at_level(logging.ERROR, logger=audit.__name__), \
            pytest.raises(audit.AuditWriteError):
        audit.record("harvest", "sector_db_gather", organizations=["u", ""], status=200,
                     started=0.0, extra={"source_id": "s"})
    assert "Pa55word" not in caplog.text and "sector_db_gather" in caplog.text
    context, data = written[0]
    assert context == {"ignore_auth": True}
    assert data["organizations"] == ["u"] and data["status"] == 200
    assert data["duration_ms"] > 0 and "actor" not in data


@pytest.mark.usefixtures("clean_db")
def test_the_admins_of_a_unit_and_the_units_a_user_administers():
    admin = factories.User(email="admin@molisa.example.vn")
    editor = factories.User(email="editor@molisa.example.vn")
    other = factories.User()
    org = factories.Organization(unit_type="department",
                                 users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"}])
    from ckan import model
    assert units.units_administered(model.User.get(admin["name"])) == [org["id"]]
    assert units.units_administered(model.User.get(editor["name"])) == []
    assert units.units_of(model.User.get(editor["name"])) == [org["id"]]
    assert units.units_administered(model.User.get(other["name"])) == []
    assert units.units_administered(None) == []
    names = [u.name for u in units.unit_admins(org["id"])]
    assert admin["name"] in names and editor["name"] not in names
    addresses = [address for _, address in units.unit_admin_recipients(org["id"])]
    assert "admin@molisa.example.vn" in addresses
    assert "editor@molisa.example.vn" not in addresses
    assert units.unit_admins(None) == []


@pytest.mark.usefixtures("clean_db")
def test_the_contexts():
    assert contexts.request_context() == {"user": ""}
    site = contexts.site_context()
    assert site["user"] and site["ignore_auth"] is False
    assert contexts.site_context(ignore_auth=True)["ignore_auth"] is True
