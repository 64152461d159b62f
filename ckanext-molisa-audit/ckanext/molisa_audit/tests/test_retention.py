"""The log is kept at least 24 months; older months are archived whole
(R15.2)."""
import datetime
import gzip
import hashlib
import json
import os

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan.exceptions import CkanConfigurationException

from ckanext.molisa_audit import archive, partitions, recorder

pytestmark = pytest.mark.usefixtures("with_plugins")

UTC = datetime.timezone.utc


@pytest.mark.req("R15.2")
@pytest.mark.parametrize("months", ["23", "0", "-5"])
def test_a_retention_below_24_months_stops_start_up(months):
    plugin = p.get_plugin("molisa_audit")
    with pytest.raises(CkanConfigurationException) as e:
        plugin.configure({"ckanext.molisa_audit.retention_months": months})
    assert "at least 24" in str(e.value)


def test_24_months_and_more_are_accepted():
    plugin = p.get_plugin("molisa_audit")
    plugin.configure({"ckanext.molisa_audit.retention_months": "24"})
    plugin.configure({"ckanext.molisa_audit.retention_months": "60"})


@pytest.mark.req("R15.2")
def test_partitions_exist_ahead_of_time(audit, cli):
    from ckanext.molisa_audit.cli import molisa_audit
    result = cli.invoke(molisa_audit, ["partitions"])
    assert result.exit_code == 0, result.output
    now = datetime.datetime.now(UTC)
    start = partitions.month_start(now)
    for i in range(4):
        assert partitions.name_for(partitions.add_months(start, i)) in result.output


def _archive(audit, **data):
    return helpers.call_action("molisa_audit_archive", context={"user": audit.admin["name"]}, **data)


@pytest.mark.req("R15.2")
def test_archive_refuses_a_partition_younger_than_the_retention(audit):
    recorder.record("api", "recent", actor="archivist", status=200)
    audit.ship()
    young = partitions.name_for(partitions.month_start(datetime.datetime.now(UTC) - datetime.timedelta(days=400)))
    recorder.record("api", "last_year", actor="archivist", status=200,
                    ts=datetime.datetime.now(UTC) - datetime.timedelta(days=400))
    audit.ship()
    with pytest.raises(tk.ValidationError) as e:
        _archive(audit, partition=young)
    assert "younger than the retention period of 24 months" in e.value.error_dict["partition"][0]
    current = partitions.name_for(partitions.month_start(datetime.datetime.now(UTC)))
    with pytest.raises(tk.ValidationError):
        _archive(audit, partition=current)
    # archiving everything eligible leaves both where they are
    result = _archive(audit)
    assert young in result["kept"] and current in result["kept"]
    assert len(audit.events(actor="archivist", since="2000-01-01")) == 2


@pytest.mark.req("R15.2")
def test_archive_exports_an_old_month_with_a_checksum_then_drops_it(audit, ckan_config,
                                                                    tmp_path, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.molisa_audit.archive_dir", str(tmp_path))
    old_ts = datetime.datetime(2023, 3, 15, 10, 0, tzinfo=UTC)
    for i in range(3):
        recorder.record("download", f"old_{i}", actor="old-timer", status=200, ts=old_ts)
    recorder.record("api", "now", actor="old-timer", status=200)
    audit.ship()
    name = "molisa_audit_event_y2023m03"
    result = _archive(audit, partition=name)
    [manifest] = result["archived"]
    assert manifest["events"] == 3
    path = tmp_path / manifest["file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == manifest["sha256"]
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert sorted(r["action"] for r in rows) == ["old_0", "old_1", "old_2"]
    assert manifest["sha256"] in (tmp_path / "SHA256SUMS").read_text()
    assert json.loads((tmp_path / f"{name}.manifest.json").read_text())["events"] == 3
    # gone from the database, the rest intact, and the chain still verifies
    remaining = audit.events(actor="old-timer", since="2000-01-01")
    assert [e["action"] for e in remaining] == ["now"]
    verified = helpers.call_action("molisa_audit_verify", context={"user": audit.admin["name"]})
    assert verified["ok"], verified["problems"]


def test_the_archive_command_refuses_clearly(audit, cli):
    from ckanext.molisa_audit.cli import molisa_audit
    recorder.record("api", "x", status=200)
    audit.ship()
    current = partitions.name_for(partitions.month_start(datetime.datetime.now(UTC)))
    result = cli.invoke(molisa_audit, ["archive", "--partition", current])
    assert result.exit_code != 0
    assert "younger than the retention period" in result.output
