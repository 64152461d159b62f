"""Nothing can be altered, and whatever is altered is found (R15.2)."""
import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa_audit import recorder

from .conftest import superuser_sql

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def logged(audit):
    for i in range(5):
        recorder.record("api", f"probe_{i}", actor="tester", status=200, duration_ms=1.5 * i)
    audit.ship()
    return audit.events(actor="tester")


def verify(audit):
    """A full verify: every event's hash recomputed (by default only the
    batches after the last signed checkpoint are)."""
    return audit.verify(full=True)


@pytest.mark.req("R15.2")
@pytest.mark.parametrize("statement", [
    "UPDATE molisa_audit.molisa_audit_event SET actor = 'someone else'",
    "DELETE FROM molisa_audit.molisa_audit_event",
    "TRUNCATE molisa_audit.molisa_audit_event",
    "UPDATE molisa_audit.molisa_audit_batch SET hash = 'x'",
    "DELETE FROM molisa_audit.molisa_audit_batch",
])
def test_the_applications_database_role_cannot_change_the_log(logged, statement):
    with pytest.raises(DBAPIError) as e:
        with model.meta.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert "permission denied" in str(e.value) or "cannot be changed" in str(e.value)


@pytest.mark.req("R15.2")
def test_not_even_through_a_partition(logged):
    month = datetime.datetime.now(datetime.timezone.utc).strftime("y%Ym%m")
    with pytest.raises(DBAPIError) as e:
        with model.meta.engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE molisa_audit.molisa_audit_event_{month} SET actor = 'x'")
    assert "permission denied" in str(e.value)


@pytest.mark.req("R15.2")
def test_an_intact_log_verifies(logged, audit):
    result = verify(audit)
    assert result["ok"], result["problems"]
    assert result["events"] >= 5


@pytest.mark.req("R15.2")
def test_verify_finds_an_altered_event_and_says_which(logged, audit):
    target = logged[2]
    superuser_sql(f"UPDATE molisa_audit_event SET actor = 'mallory' WHERE id = '{target['id']}'")
    try:
        result = verify(audit)
        assert not result["ok"]
        assert {"kind": "altered", "batch": target["batch_id"], "event": target["id"],
                "seq": target["seq"]} in result["problems"]
    finally:
        superuser_sql(f"UPDATE molisa_audit_event SET actor = 'tester' WHERE id = '{target['id']}'")
    assert verify(audit)["ok"]


@pytest.mark.req("R15.2")
def test_verify_finds_a_deleted_event_and_says_which(logged, audit):
    target = logged[1]
    saved = superuser_sql(f"COPY (SELECT * FROM molisa_audit_event WHERE id = '{target['id']}') TO STDOUT")
    superuser_sql(f"DELETE FROM molisa_audit_event WHERE id = '{target['id']}'")
    try:
        result = verify(audit)
        assert not result["ok"]
        assert {"kind": "deleted", "batch": target["batch_id"], "seq": target["seq"]} in result["problems"]
    finally:
        values = saved.rstrip("\n").split("\t")
        literal = ", ".join("NULL" if v == "\\N" else "'" + v.replace("'", "''") + "'" for v in values)
        superuser_sql(f"INSERT INTO molisa_audit_event VALUES ({literal})")
    assert verify(audit)["ok"]


@pytest.mark.req("R15.2")
def test_verify_finds_an_inserted_event_and_says_which(logged, audit):
    source = logged[0]
    forged = "00000000-0000-4000-8000-000000000001"
    superuser_sql(
        "INSERT INTO molisa_audit_event (id, ts, batch_id, seq, channel, action, hash) "
        f"VALUES ('{forged}', '{source['ts']}', {source['batch_id']}, 99, 'api', 'forged', 'x')")
    try:
        result = verify(audit)
        assert not result["ok"]
        assert {"kind": "inserted", "batch": source["batch_id"], "event": forged, "seq": 99} \
            in result["problems"]
    finally:
        superuser_sql(f"DELETE FROM molisa_audit_event WHERE id = '{forged}'")
    assert verify(audit)["ok"]


@pytest.mark.req("R15.2")
def test_verify_finds_a_rewritten_batch(logged, audit):
    batch_id = logged[0]["batch_id"]
    old = superuser_sql(f"SELECT prev_hash FROM molisa_audit_batch WHERE id = {batch_id}").strip()
    superuser_sql(f"UPDATE molisa_audit_batch SET prev_hash = '{'f' * 64}' WHERE id = {batch_id}")
    try:
        kinds = {p["kind"] for p in verify(audit)["problems"]}
        assert {"chain_broken", "batch_altered"} <= kinds
    finally:
        superuser_sql(f"UPDATE molisa_audit_batch SET prev_hash = '{old}' WHERE id = {batch_id}")
    assert verify(audit)["ok"]


def test_the_verify_command(cli, logged):
    from ckanext.molisa_audit.cli import molisa_audit
    result = cli.invoke(molisa_audit, ["verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_replaying_a_spool_does_not_duplicate(audit):
    """A crash between the commit and the offset update replays events: they
    are recognised and stored once."""
    from ckanext.molisa_audit import spool
    recorder.record("api", "replayed", actor="replayer", status=200)
    directory = recorder.spool_dir()
    files = list(spool.spool_files(directory))
    offsets = {f.path: f.offset() for f in files}
    audit.ship()
    for f in spool.spool_files(directory):
        if f.path in offsets:
            f.set_offset(offsets[f.path])  # as if the offset was never written
    audit.ship()
    assert len(audit.events(actor="replayer")) == 1
    assert verify(audit)["ok"]


@pytest.mark.req("R15.2")
def test_an_event_postgresql_refuses_is_set_aside_not_blocking(audit, mailbox):
    """A malformed line (here a status that is not a number) must not stop
    the events behind it; it is kept in rejected/, with the reason, and
    never unseen: an incident in molisa_audit_incident_list and a mail to the
    IT Centre."""
    import json as _json
    import os
    from ckanext.molisa_audit import spool
    recorder.record("api", "before_bad", actor="poison-test", status=200)
    bad = recorder.record("api", "bad", actor="poison-test", status=200)
    recorder.record("api", "after_bad", actor="poison-test", status=200)
    directory = recorder.spool_dir()
    target = None
    for f in spool.spool_files(directory):
        with open(f.path, encoding="utf-8") as fh:
            if bad["id"] in fh.read():
                target = f.path
    with open(target, encoding="utf-8") as fh:
        text = fh.read()
    line = next(l for l in text.splitlines() if bad["id"] in l)
    broken = _json.loads(line)
    broken["status"] = "not-a-number"
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(text.replace(line, _json.dumps(broken)))
    audit.ship()
    assert [e["action"] for e in audit.events(actor="poison-test")] == ["before_bad", "after_bad"]
    with open(os.path.join(directory, "rejected", "rejected.jsonl"), encoding="utf-8") as fh:
        rejected = [_json.loads(l) for l in fh]
    assert any(r["event"]["id"] == bad["id"] for r in rejected)
    incidents = helpers.call_action("molisa_audit_incident_list",
                                    context={"user": audit.admin["name"]},
                                    since=audit.since.isoformat(), channel="audit")["results"]
    [incident] = [i for i in incidents if i["action"] == "molisa_audit_event_rejected"]
    assert incident["extra"]["event_id"] == bad["id"]
    assert incident["error_class"] == "AuditEventRejected" and incident["status"] == 500
    assert bad["id"] in incident["error_message"]
    mails = [m for m in mailbox.wait_for(1) if bad["id"] in m.get_body(("plain",)).get_content()]
    assert mails and mailbox.to("ttcntt@molisa.gov.vn")
    assert verify(audit)["ok"]
