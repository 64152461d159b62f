"""Signed checkpoints kept outside the database (R15.2, issue 10).

The shipper signs the chain head after every batch (Ed25519), stores the
checkpoint in the database and appends it to a file outside it, and mails the
newest one to the IT Centre once a day. ``verify`` needs only the public key:
a rewrite of the whole log by the database superuser, every hash recomputed
and the checkpoints in the database rewritten too, is found through the files,
and the first rewritten batch is named.
"""
import datetime
import os
import stat

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.common import config

from ckanext.molisa_audit import anchors, chain, recorder
from ckanext.molisa_audit.model import batch, checkpoint, event

from .conftest import superuser_sql

pytestmark = pytest.mark.usefixtures("with_plugins")

UTC = datetime.timezone.utc
IT_CENTRE = "ttcntt@molisa.gov.vn"
DB_ONLY = {"altered", "deleted", "inserted", "chain_broken", "batch_altered", "batch_missing"}


@pytest.fixture
def three_batches(audit):
    """Three batches on the chain, one shipping round each."""
    for b in range(3):
        for i in range(4):
            recorder.record("api", f"anchor_probe_{b}_{i}", actor="anchored", status=200,
                            duration_ms=1.0 + i, datasets=[f"ds-{i}"])
        audit.ship()
    model.Session.remove()
    return audit


def rows(table, order):
    return [dict(r._mapping) for r in model.Session.execute(sa.select(table).order_by(*order))]


@pytest.mark.req("R15.2")
def test_every_batch_is_signed_and_anchored_outside_the_database(three_batches):
    stored = rows(checkpoint, [checkpoint.c.batch_id])
    batches = rows(batch, [batch.c.id])
    assert [c["batch_id"] for c in stored] == [b["id"] for b in batches] == [1, 2, 3]
    assert [c["head_hash"] for c in stored] == [b["hash"] for b in batches]
    assert [c["event_count"] for c in stored] == [4, 8, 12]
    key = anchors.public_key()
    assert all(anchors.valid(c, key) for c in stored)
    anchored, unreadable = anchors.read()
    assert unreadable == []
    assert [(a["batch_id"], a["head_hash"], a["signature"]) for a in anchored] == \
        [(c["batch_id"], c["head_hash"], c["signature"]) for c in stored]
    # the private key: the shipper's own file, mode 600; the public one beside it
    mode = stat.S_IMODE(os.stat(config["ckanext.molisa_audit.signing_key_file"]).st_mode)
    assert mode == 0o600
    assert anchors.public_key_path() == config["ckanext.molisa_audit.signing_key_file"] + ".pub"
    result = three_batches.verify()
    assert result["ok"], result["problems"]
    assert result["checkpoints"] == 3 and result["anchors"]["confirmed"] == 3
    # by default verify rehashes only what follows the last signed checkpoint
    assert result["from_batch"] == 4 and result["events"] == 0
    full = three_batches.verify(full=True)
    assert full["ok"] and full["events"] == 12 and full["from_batch"] == 1


def rewrite_as_superuser(from_batch: int, delete_checkpoints: bool = False) -> None:
    """What an intruder with the database superuser's rights does: alter an
    event, recompute its hash, its batch's hashes and every later batch's,
    and make the stored checkpoints agree (they cannot sign them)."""
    events = rows(event, [event.c.batch_id, event.c.seq])
    batches = {b["id"]: b for b in rows(batch, [batch.c.id])}
    target = next(e for e in events if e["batch_id"] == from_batch)
    forged = dict(target, actor="mallory")
    new_hash = chain.event_hash_v2(chain.normalize(forged))
    statements = [f"UPDATE molisa_audit_event SET actor = 'mallory', hash = '{new_hash}' "
                  f"WHERE id = '{target['id']}'"]
    hashes = {e["id"]: e["hash"] for e in events}
    hashes[target["id"]] = new_hash
    prev = batches[from_batch]["prev_hash"]
    for batch_id in sorted(b for b in batches if b >= from_batch):
        b = batches[batch_id]
        digest = chain.events_hash(hashes[e["id"]] for e in events if e["batch_id"] == batch_id)
        head = chain.batch_hash(batch_id, b["event_count"], digest, prev)
        statements.append(f"UPDATE molisa_audit_batch SET events_hash = '{digest}', "
                          f"prev_hash = '{prev}', hash = '{head}' WHERE id = {batch_id}")
        if delete_checkpoints:
            statements.append(f"DELETE FROM molisa_audit_checkpoint WHERE batch_id = {batch_id}")
        else:
            statements.append(f"UPDATE molisa_audit_checkpoint SET head_hash = '{head}' "
                              f"WHERE batch_id = {batch_id}")
        prev = head
    superuser_sql("; ".join(statements))


@pytest.mark.req("R15.2")
@pytest.mark.parametrize("delete_checkpoints", [False, True])
def test_a_full_rewrite_by_the_superuser_is_found_through_the_anchors(three_batches,
                                                                      delete_checkpoints, cli):
    rewrite_as_superuser(2, delete_checkpoints)
    for full in (False, True):
        result = three_batches.verify(full=full)
        kinds = {p["kind"] for p in result["problems"]}
        # inside the database everything adds up: every hash was recomputed
        assert not kinds & DB_ONLY, result["problems"]
        assert not result["ok"]
        assert result["first_rewritten_batch"] == 2
        rewritten = [p["batch"] for p in result["problems"] if p["kind"] == "rewritten"]
        assert rewritten == [2, 3]
        if delete_checkpoints:
            assert {(p["kind"], p["batch"]) for p in result["problems"]} >= {
                ("checkpoint_missing", 2), ("checkpoint_missing", 3)}
        else:   # the intruder could not sign the rewritten checkpoints
            assert {(p["kind"], p["batch"]) for p in result["problems"]} >= {
                ("checkpoint_signature_invalid", 2), ("checkpoint_signature_invalid", 3)}
    from ckanext.molisa_audit.cli import molisa_audit
    out = cli.invoke(molisa_audit, ["verify"])
    assert out.exit_code == 1
    assert "rewritten from batch 2" in out.output


@pytest.mark.req("R15.2")
def test_one_checkpoint_over_several_batches_still_names_the_first_rewritten(audit, ckan_config,
                                                                            monkeypatch):
    """With checkpoints a minute apart, one checkpoint covers several batches:
    it signs the short hash of each, so the first rewritten batch is named."""
    monkeypatch.setitem(ckan_config, "ckanext.molisa_audit.checkpoint_seconds", 3600)
    for b in range(4):
        recorder.record("api", f"coarse_{b}", actor="anchored", status=200)
        audit.ship()
    stored = rows(checkpoint, [checkpoint.c.batch_id])
    assert [(c["from_batch"], c["batch_id"]) for c in stored] == [(1, 1)]
    from ckanext.molisa_audit import db
    conn = db.shipper_connection()
    try:
        cp = anchors.checkpoint(conn, force=True)
    finally:
        conn.close()
    assert (cp["from_batch"], cp["batch_id"], cp["event_count"]) == (2, 4, 4)
    assert len(cp["batch_hashes"].split(",")) == 3
    model.Session.remove()
    rewrite_as_superuser(3)
    result = audit.verify()
    assert result["first_rewritten_batch"] == 3
    assert [p["batch"] for p in result["problems"] if p["kind"] == "rewritten"] == [3, 4]


@pytest.mark.req("R15.2")
def test_removing_the_newest_batches_is_found_too(three_batches):
    superuser_sql("DELETE FROM molisa_audit_event WHERE batch_id = 3; "
                  "DELETE FROM molisa_audit_checkpoint WHERE batch_id = 3; "
                  "DELETE FROM molisa_audit_batch WHERE id = 3")
    result = three_batches.verify()
    assert not result["ok"]
    assert {"kind": "anchored_batch_missing", "batch": 3} in [
        {k: p[k] for k in ("kind", "batch")} for p in result["problems"]]
    assert result["first_rewritten_batch"] == 3


@pytest.mark.req("R15.2")
def test_a_forged_anchor_line_is_not_believed(three_batches):
    anchored, _ = anchors.read()
    path = os.path.join(anchors.anchor_dir(), anchored[-1]["file"])
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace(anchored[1]["head_hash"], "f" * 64))
    result = three_batches.verify()
    assert {"kind": "anchor_signature_invalid", "batch": 2} in [
        {k: p[k] for k in ("kind", "batch")} for p in result["problems"]]
    assert result["first_rewritten_batch"] is None


@pytest.mark.req("R15.2")
def test_the_signed_head_is_mailed_to_the_it_centre_once_a_day(audit, mailbox):
    recorder.record("api", "mailed_head", actor="anchored", status=200)
    audit.ship()
    [message] = mailbox.wait_for(1)
    assert mailbox.to(IT_CENTRE) == [message]
    head = model.Session.execute(sa.select(checkpoint).order_by(
        checkpoint.c.batch_id.desc()).limit(1)).first()
    body = message.get_body(("plain",)).get_content()
    assert head.head_hash in body and head.signature in body
    assert "BEGIN PUBLIC KEY" in body
    # once a day: the next rounds of the same day mail nothing
    recorder.record("api", "mailed_head_again", actor="anchored", status=200)
    audit.ship()
    assert len(mailbox.to(IT_CENTRE)) == 1
    tomorrow = datetime.datetime.now(UTC) + datetime.timedelta(days=1)
    assert anchors.mail_head(dict(head._mapping), now=tomorrow)
    assert len(mailbox.wait_for(2)) == 2


def test_the_key_commands(audit, cli):
    from ckanext.molisa_audit.cli import molisa_audit
    result = cli.invoke(molisa_audit, ["keygen"])
    assert result.exit_code != 0 and "never overwritten" in result.output
    assert cli.invoke(molisa_audit, ["keygen", "--if-missing"]).exit_code == 0
    result = cli.invoke(molisa_audit, ["public-key"])
    assert result.exit_code == 0
    assert "BEGIN PUBLIC KEY" in result.output
    assert anchors.key_id(anchors.public_key()) in result.output
