"""The portal's own database roles cannot rewrite the log (R15.2, issue 10).

The audit objects belong to molisa_audit_owner, which cannot log in. Each test
here connects with a role's own credentials, as its process does: the web
processes' (``sqlalchemy.url``) and the shipper's
(``ckanext.molisa_audit.shipper_url``), and tries what an intruder holding
them would: GRANT, ALTER TABLE, DISABLE TRIGGER, DROP, TRUNCATE, UPDATE,
DELETE on events and batches, ATTACH and DETACH PARTITION, and more.
PostgreSQL refuses each one.
"""
import datetime

import psycopg2
import pytest

from ckan.common import config

from ckanext.molisa_audit import recorder

pytestmark = pytest.mark.usefixtures("with_plugins")

ROLES = {"web": "sqlalchemy.url", "shipper": "ckanext.molisa_audit.shipper_url"}
INSUFFICIENT_PRIVILEGE = "42501"
EVENT = "molisa_audit.molisa_audit_event"
BATCH = "molisa_audit.molisa_audit_batch"
CHECKPOINT = "molisa_audit.molisa_audit_checkpoint"


def connect(role: str):
    return psycopg2.connect(config[ROLES[role]])


def month_partition() -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    return f"molisa_audit.molisa_audit_event_y{now:%Y}m{now:%m}"


@pytest.fixture
def logged(audit):
    for i in range(3):
        recorder.record("api", f"role_probe_{i}", actor="tester", status=200)
    audit.ship()
    return audit


def statements():
    out = []
    for table in (EVENT, BATCH):
        out += [
            f"UPDATE {table} SET hash = 'forged'",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
            f"DROP TABLE {table} CASCADE",
            f"ALTER TABLE {table} ADD COLUMN forged text",
            f"ALTER TABLE {table} DISABLE TRIGGER {table.split('.')[1]}_append_only",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"ALTER TABLE {table} OWNER TO CURRENT_USER",
            f"ALTER TABLE {table} RENAME TO forged",
            f"CREATE TRIGGER forged BEFORE INSERT ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION molisa_audit.molisa_audit_refuse_change()",
        ]
    out += [
        f"ALTER TABLE {EVENT} DETACH PARTITION {{partition}}",
        f"ALTER TABLE {EVENT} ATTACH PARTITION {{partition}} "
        f"FOR VALUES FROM ('2099-01-01') TO ('2099-02-01')",
        f"UPDATE {{partition}} SET actor = 'forged'",
        f"DELETE FROM {{partition}}",
        f"DROP TABLE {{partition}}",
        f"UPDATE {CHECKPOINT} SET head_hash = 'forged'",
        f"DELETE FROM {CHECKPOINT}",
        "INSERT INTO molisa_audit.molisa_audit_archive (partition, range_start, range_end, "
        "event_count, file, sha256) VALUES ('x', now(), now(), 0, 'x', 'x')",
        "DROP SCHEMA molisa_audit CASCADE",
        "ALTER SCHEMA molisa_audit RENAME TO forged",
        "CREATE TABLE molisa_audit.forged (x int)",
        "ALTER FUNCTION molisa_audit.molisa_audit_create_partition(timestamptz) SECURITY INVOKER",
        "DROP FUNCTION molisa_audit.molisa_audit_refuse_change() CASCADE",
        "SET ROLE molisa_audit_owner",
        "GRANT molisa_audit_owner TO CURRENT_USER",
    ]
    return out


@pytest.mark.req("R15.2")
@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_portals_roles_cannot_change_the_log(logged, role):
    """Every statement of ``statements()``, each in a savepoint of its own;
    each must be refused with SQLSTATE 42501 (insufficient_privilege)."""
    conn = connect(role)
    outcomes = {}
    try:
        with conn.cursor() as cur:
            # a table of one's own to attach, where the role may create one
            cur.execute("SELECT has_schema_privilege('public', 'CREATE')")
            if cur.fetchone()[0]:
                cur.execute(f"CREATE TABLE public.audit_forgery (LIKE {EVENT})")
                spare = "public.audit_forgery"
            else:
                spare = "molisa_audit.molisa_audit_event_y2099m01"
            for statement in statements():
                partition = spare if "ATTACH" in statement else month_partition()
                sql = statement.format(partition=partition)
                cur.execute("SAVEPOINT attempt")
                try:
                    cur.execute(sql)
                    outcomes[sql] = "ACCEPTED"
                except psycopg2.Error as e:
                    outcomes[sql] = e.pgcode
                cur.execute("ROLLBACK TO SAVEPOINT attempt")
    finally:
        conn.rollback()
        conn.close()
    assert len(outcomes) == len(statements())
    not_refused = {sql: code for sql, code in outcomes.items() if code != INSUFFICIENT_PRIVILEGE}
    assert not_refused == {}, not_refused


@pytest.mark.req("R15.2")
@pytest.mark.parametrize("role", sorted(ROLES))
def test_nor_grant_themselves_anything(logged, role):
    """GRANT without the grant option: PostgreSQL grants nothing (warning
    01007, "no privileges were granted") or refuses outright; either way the
    role has no more rights after it than before."""
    conn = connect(role)
    try:
        with conn.cursor() as cur:
            for statement in [f"GRANT ALL ON {EVENT}, {BATCH}, {CHECKPOINT} TO CURRENT_USER",
                              f"GRANT UPDATE, DELETE, TRUNCATE ON {EVENT} TO PUBLIC",
                              "GRANT ALL ON SCHEMA molisa_audit TO CURRENT_USER"]:
                del conn.notices[:]
                try:
                    cur.execute(statement)
                except psycopg2.Error as e:
                    assert e.pgcode == INSUFFICIENT_PRIVILEGE, (statement, str(e))
                    conn.rollback()
                    continue
                assert any("no privileges were granted" in n for n in conn.notices), \
                    (statement, conn.notices)
            for table in (EVENT, BATCH, CHECKPOINT):
                for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"):
                    cur.execute("SELECT has_table_privilege(%s, %s)", (table, privilege))
                    assert cur.fetchone()[0] is False, (role, table, privilege)
            cur.execute("SELECT has_schema_privilege('molisa_audit', 'CREATE')")
            assert cur.fetchone()[0] is False
    finally:
        conn.rollback()
        conn.close()


@pytest.mark.req("R15.2")
@pytest.mark.parametrize("role", sorted(ROLES))
def test_nor_drop_the_database(logged, role):
    conn = connect(role)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_database()")
            name = cur.fetchone()[0]
            with pytest.raises(psycopg2.Error) as e:
                cur.execute(f'DROP DATABASE "{name}"')
            assert e.value.pgcode == INSUFFICIENT_PRIVILEGE, str(e.value)
    finally:
        conn.close()


@pytest.mark.req("R15.2")
def test_who_owns_what(logged):
    conn = connect("web")
    try:
        with conn.cursor() as cur:
            cur.execute("""SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c
                           JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'molisa_audit'""")
            assert {r[0] for r in cur.fetchall()} == {"molisa_audit_owner"}
            cur.execute("SELECT nspowner::regrole::text FROM pg_namespace "
                        "WHERE nspname = 'molisa_audit'")
            assert cur.fetchone()[0] == "molisa_audit_owner"
            cur.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'molisa_audit_owner'")
            assert cur.fetchone()[0] is False
            cur.execute("SELECT pg_get_userbyid(datdba) <> current_user FROM pg_database "
                        "WHERE datname = current_database()")
            assert cur.fetchone()[0] is True   # the web role does not own the database
            for role in ("current_user", "'molisa_audit_shipper'"):
                cur.execute(f"SELECT pg_has_role({role}, 'molisa_audit_owner', 'MEMBER'), "
                            f"rolsuper, rolcreaterole FROM pg_roles WHERE rolname = {role}")
                assert cur.fetchone() == (False, False, False)
            # what the web role may do: read the log (the reports)
            cur.execute(f"SELECT count(*) FROM {EVENT} WHERE actor = 'tester'")
            assert cur.fetchone()[0] == 3
            with pytest.raises(psycopg2.Error) as e:
                cur.execute(f"INSERT INTO {BATCH} (id, event_count, first_ts, last_ts, "
                            "events_hash, prev_hash, hash) VALUES (999, 0, now(), now(), 'x', "
                            "'x', 'x')")
            assert e.value.pgcode == INSUFFICIENT_PRIVILEGE
    finally:
        conn.rollback()
        conn.close()


@pytest.mark.req("R15.2")
def test_the_shipper_creates_one_months_partition_through_the_owners_function(logged):
    conn = connect("shipper")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT molisa_audit.molisa_audit_create_partition('2031-07-01T00:00:00Z')")
            assert cur.fetchone()[0] == "molisa_audit_event_y2031m07"
            cur.execute("SELECT pg_get_userbyid(relowner) FROM pg_class "
                        "WHERE oid = 'molisa_audit.molisa_audit_event_y2031m07'::regclass")
            assert cur.fetchone()[0] == "molisa_audit_owner"
            with pytest.raises(psycopg2.Error) as e:
                cur.execute("SELECT molisa_audit.molisa_audit_create_partition("
                            "'2031-07-15T00:00:00Z')")
            assert e.value.pgcode == "22023"   # only the first instant of a month
    finally:
        conn.rollback()
        conn.close()
