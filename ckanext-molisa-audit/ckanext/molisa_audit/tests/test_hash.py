"""One definition of an event's hash, computed alike in Python (the shipper)
and in PostgreSQL (verify at scale): chain.event_hash_v2 and
molisa_audit.molisa_audit_event_hash (R15.2)."""
import datetime

import pytest
import sqlalchemy as sa

from ckan import model

from ckanext.molisa_audit import chain, recorder

pytestmark = pytest.mark.usefixtures("with_plugins")

UTC = datetime.timezone.utc

EXTRAS = [
    None,
    {},
    {"method": "GET"},
    {"b": 1, "a": 2, "ccc": [1, 2.5, None, True, False], "dd": {"zz": "x", "y": {}}},
    {"float": 1e-07, "twelve": 12.0, "big": 1e16, "neg": -0.0, "small": 1.5e-07,
     "pi": 3.141592653589793, "int": 10 ** 18, "negint": -5},
    {"text": 'quote " backslash \\ tab \t newline \n cr \r bell \x07 esc \x1b del \x7f',
     "unicode": "Tiếng Việt — ∑ 😀", "empty": "", "slash": "a/b"},
    {"keys of different lengths": 1, "k": 2, "kk": 3, "é": 4, "e": 5, "Z": 6, "a": [[], [{}]]},
]


@pytest.mark.req("R15.2")
def test_python_and_postgresql_compute_the_same_hash(audit):
    ids = []
    for i, extra in enumerate(EXTRAS):
        event = recorder.record(
            "api" if i % 2 else "harvest", f"hash_probe_{i}", actor=f"người dùng {i}" if i else None,
            actor_orgs=["org-b", "org-a"] if i % 3 else None, client_addr="127.0.0.1",
            datasets=[f"ds-{i}", 'weird "id" \\ ,{}'], resources=[] if i == 2 else None,
            organizations=["org-a"], status=[200, 404, 500, None][i % 4],
            error_class="ValidationError" if i % 2 else None,
            error_message="lỗi:\n dòng hai\t\"x\"" if i % 2 else None,
            duration_ms=[0.001, 1.5, 12345.678, None, 0, 2.0005, 7][i],
            bytes_sent=[None, 0, 123456789012][i % 3], request_id=f"req-{i}", extra=extra,
            ts=datetime.datetime(2026, 11, 30, 23, 59, 59, 999000, tzinfo=UTC) if i == 3 else None)
        ids.append(event["id"])
    audit.ship()
    rows = model.Session.execute(sa.text(
        "SELECT e.*, molisa_audit.molisa_audit_event_hash(e) AS sql_hash "
        "FROM molisa_audit.molisa_audit_event e WHERE e.id = ANY(CAST(:ids AS uuid[]))"),
        {"ids": ids}).mappings().all()
    assert len(rows) == len(EXTRAS)
    for row in rows:
        data = dict(row)
        # what the shipper stored (computed in Python from the spooled event),
        # what PostgreSQL computes from the stored row, and Python again from it
        assert data["sql_hash"] == data["hash"], data["action"]
        assert chain.event_hash_v2(chain.normalize(data)) == data["hash"], data["action"]
    batches = model.Session.execute(sa.text(
        "SELECT DISTINCT b.hash_version FROM molisa_audit.molisa_audit_batch b "
        "JOIN molisa_audit.molisa_audit_event e ON e.batch_id = b.id WHERE e.id = ANY(CAST(:ids AS uuid[]))"),
        {"ids": ids}).scalars().all()
    assert batches == [2]


def test_the_canonical_text_of_an_event():
    event = chain.normalize({
        "id": "6F9619FF-8B86-4011-B42D-00C04FC964FF", "ts": "2026-12-02T10:00:00.123Z",
        "channel": "api", "action": "package_show", "status": "200", "duration_ms": "1.5",
        "datasets": ["a"], "extra": {"bb": 1, "a": "x"}})
    assert chain.event_text_v2(event) == (
        '["6f9619ff-8b86-4011-b42d-00c04fc964ff", "2026-12-02T10:00:00.123000Z", null, null, '
        'null, null, null, null, "api", "package_show", ["a"], null, null, 200, null, null, '
        '1500, null, {"a": "x", "bb": 1}]')


@pytest.mark.parametrize("field,value", [("status", "not-a-number"), ("duration_ms", "slow"),
                                         ("extra", ["not", "an", "object"]),
                                         ("datasets", "not-a-list"), ("id", "not-a-uuid")])
def test_what_a_column_cannot_hold_is_unstorable(field, value):
    event = {"id": "6f9619ff-8b86-4011-b42d-00c04fc964ff", "ts": "2026-12-02T10:00:00.123Z",
             "channel": "api", "action": "x", field: value}
    with pytest.raises(chain.Unstorable):
        chain.normalize(event)
