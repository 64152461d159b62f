"""The audit objects in their own schema, owned by a role that cannot log in;
grants for the reader (web) and shipper roles; signed checkpoints; the hash
version of each batch; one month's partition created by a function the
shipper may call (R15.2, issue 10).

Run as ckanext.molisa_audit.admin_url's role, which env.py turns into
molisa_audit_owner (SET ROLE). An installation whose audit tables were made by
the web role first needs the superuser's hand-over (sql/roles.sql, run by
scripts/prepare_site.sh and the docker init step).

Revision ID: 7f3a9c2e5b10
Revises: 2b7c1e0a4d51
Create Date: 2026-12-02 16:30:00
"""
from alembic import op

revision = "7f3a9c2e5b10"
down_revision = "2b7c1e0a4d51"
branch_labels = None
depends_on = None

SCHEMA = "molisa_audit"
OWNER = "molisa_audit_owner"
TABLES = ("molisa_audit_event", "molisa_audit_batch", "molisa_audit_rollup", "molisa_audit_archive")
APPEND_ONLY = ("molisa_audit_event", "molisa_audit_batch", "molisa_audit_archive",
               "molisa_audit_checkpoint")


def upgrade():
    conn = op.get_bind()
    user = conn.exec_driver_sql("SELECT current_user").scalar()
    if user != OWNER:
        raise RuntimeError(
            f"the audit migrations run as {OWNER} (set ckanext.molisa_audit.admin_url to the "
            f"molisa_audit_admin role's URL); this connection is {user}")
    # Tables made by the first migration in public (installations before the
    # roles): into the schema, partitions included.
    for name, in conn.exec_driver_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
            "AND starts_with(c.relname, 'molisa_audit_') ORDER BY c.relname").fetchall():
        op.execute(f"ALTER TABLE public.{name} SET SCHEMA {SCHEMA}")
    if conn.exec_driver_sql("SELECT to_regprocedure('public.molisa_audit_refuse_change()')").scalar():
        op.execute(f"ALTER FUNCTION public.molisa_audit_refuse_change() SET SCHEMA {SCHEMA}")

    op.execute(f"""
    SET search_path = {SCHEMA};

    -- The hash definition a batch's events were hashed with: 1, canonical JSON
    -- computed in Python (before this revision); 2, chain.event_hash_v2, which
    -- PostgreSQL computes identically (molisa_audit_event_hash) for a fast verify.
    ALTER TABLE molisa_audit_batch ADD COLUMN IF NOT EXISTS hash_version smallint NOT NULL DEFAULT 1;

    -- Signed checkpoints (at most one per checkpoint_seconds): the chain head
    -- (batch_id, its hash), the number of events in the chain up to it, and
    -- the first 16 hex digits of the hash of every batch since the previous
    -- checkpoint (from_batch .. batch_id, comma-separated: where a rewrite
    -- starts), signed with the shipper's Ed25519 key. The same lines go to
    -- files outside the database (anchors).
    CREATE TABLE IF NOT EXISTS molisa_audit_checkpoint (
        batch_id     bigint PRIMARY KEY,
        head_hash    text NOT NULL,
        event_count  bigint NOT NULL,
        created      timestamptz NOT NULL,
        from_batch   bigint NOT NULL,
        batch_hashes text NOT NULL,
        key_id       text NOT NULL,
        signature    text NOT NULL
    );

    -- An event's hash (version 2): SHA-256 of a JSON array of its fields,
    -- the text of which chain.event_hash_v2 builds identically in Python.
    CREATE OR REPLACE FUNCTION molisa_audit_event_hash(e molisa_audit_event) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT encode(sha256(convert_to(json_build_array(
            e.id::text, to_char(e.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            e.request_id, e.actor, e.actor_id, e.actor_orgs, e.connection_account,
            e.client_addr, e.channel, e.action, e.datasets, e.resources, e.organizations,
            e.status, e.error_class, e.error_message, round(e.duration_ms * 1000)::bigint,
            e.bytes_sent, e.extra)::text, 'UTF8')), 'hex')
    $$;

    -- The one way the shipper, which owns nothing, gets a month's partition:
    -- exactly the month starting at month_start (UTC), with the owner's rights.
    CREATE OR REPLACE FUNCTION molisa_audit_create_partition(month_start timestamptz)
    RETURNS text LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = {SCHEMA}, pg_temp SET TimeZone = 'UTC' AS $$
    DECLARE
        start timestamptz := date_trunc('month', month_start);
        part  text := 'molisa_audit_event_' || to_char(date_trunc('month', month_start), '"y"YYYY"m"MM');
    BEGIN
        IF month_start IS NULL OR month_start <> start THEN
            RAISE EXCEPTION 'not the first instant of a month (UTC): %', month_start
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext(part));
        IF to_regclass('{SCHEMA}.' || part) IS NULL THEN
            EXECUTE format('CREATE TABLE {SCHEMA}.%I PARTITION OF {SCHEMA}.molisa_audit_event '
                           'FOR VALUES FROM (%L) TO (%L)', part, start, start + interval '1 month');
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON {SCHEMA}.%I FROM PUBLIC, CURRENT_USER', part);
            EXECUTE format('GRANT SELECT ON {SCHEMA}.%I TO molisa_audit_reader', part);
        END IF;
        RETURN part;
    END $$;
    """)
    for table in ("molisa_audit_checkpoint",):
        op.execute(f"""
        DROP TRIGGER IF EXISTS {table}_append_only ON {table};
        DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION molisa_audit_refuse_change();
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION molisa_audit_refuse_change();
        """)
    partitions = [r[0] for r in conn.exec_driver_sql(
        f"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        f"WHERE i.inhparent = '{SCHEMA}.molisa_audit_event'::regclass").fetchall()]
    tables = TABLES + ("molisa_audit_checkpoint", "molisa_audit_alembic_version")
    op.execute(f"""
    REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC;
    GRANT USAGE ON SCHEMA {SCHEMA} TO molisa_audit_reader, molisa_audit_shipper;
    REVOKE ALL ON {", ".join(tables + tuple(partitions))} FROM PUBLIC;
    REVOKE UPDATE, DELETE, TRUNCATE ON {", ".join(APPEND_ONLY + tuple(partitions))} FROM CURRENT_USER;
    GRANT SELECT ON {", ".join(tables + tuple(partitions))} TO molisa_audit_reader;
    GRANT SELECT, INSERT ON molisa_audit_event, molisa_audit_batch, molisa_audit_checkpoint
        TO molisa_audit_shipper;
    GRANT SELECT, INSERT, UPDATE ON molisa_audit_rollup TO molisa_audit_shipper;
    GRANT SELECT ON molisa_audit_archive TO molisa_audit_shipper;
    REVOKE ALL ON FUNCTION molisa_audit_create_partition(timestamptz) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION molisa_audit_create_partition(timestamptz) TO molisa_audit_shipper;
    REVOKE ALL ON FUNCTION molisa_audit_refuse_change() FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION molisa_audit_event_hash(molisa_audit_event)
        TO molisa_audit_reader, molisa_audit_shipper;
    ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA {SCHEMA}
        GRANT SELECT ON TABLES TO molisa_audit_reader;
    """)


def downgrade():
    op.execute(f"""
    SET search_path = {SCHEMA};
    DROP FUNCTION IF EXISTS molisa_audit_create_partition(timestamptz);
    DROP FUNCTION IF EXISTS molisa_audit_event_hash(molisa_audit_event);
    DROP TABLE IF EXISTS molisa_audit_checkpoint;
    ALTER TABLE molisa_audit_batch DROP COLUMN IF EXISTS hash_version;
    """)
