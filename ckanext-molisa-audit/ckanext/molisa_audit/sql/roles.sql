-- The audit log's database roles, and what the superuser must do once per
-- database before `ckan db upgrade -p molisa_audit` (R15.2). Idempotent.
-- Run as the PostgreSQL superuser, connected to the portal's database:
--
--   psql -v ON_ERROR_STOP=1 -v web_role=ckan -f roles.sql <database>
--   psql ... -v roles_only=1 ...      (only the roles, once per cluster)
--
-- Used by scripts/prepare_site.sh (make run, make test, bench/) and by
-- docker/ckan/entrypoint.sh (ckan-init). Passwords are set by the caller
-- (ALTER ROLE ... PASSWORD), never here.
--
--   molisa_audit_owner    NOLOGIN. Owns the schema molisa_audit and every audit
--                         object in it. Nobody logs in as it.
--   molisa_audit_admin    LOGIN, member of the owner: migrations (SET ROLE
--                         molisa_audit_owner in the plugin's alembic env.py) and
--                         `ckan molisa-audit archive`. Only the init step has it.
--   molisa_audit_shipper  LOGIN: `ckan molisa-audit ship`. INSERT on events,
--                         batches and checkpoints, INSERT/UPDATE on rollups,
--                         EXECUTE on the one-month partition function.
--   molisa_audit_reader   NOLOGIN group: SELECT on the log. The web role is a member.
--   the web role (ckan)   owns neither the audit objects nor, any more, the
--                         database (whose owner owns the public schema and may
--                         drop the database); it keeps CONNECT, TEMP and CREATE
--                         on public for CKAN's own tables.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I %s', r.name, r.opts)
FROM (VALUES ('molisa_audit_owner', 'NOLOGIN NOINHERIT'),
             ('molisa_audit_admin', 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT'),
             ('molisa_audit_shipper', 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT'),
             ('molisa_audit_reader', 'NOLOGIN NOINHERIT')) AS r(name, opts)
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) \gexec

GRANT molisa_audit_owner TO molisa_audit_admin;
GRANT molisa_audit_reader TO :"web_role";

-- psql -v roles_only=1: the cluster's roles only (scripts/services.sh)
\if :{?roles_only}
\quit
\endif

-- The database belongs to the superuser, not to the web role.
SELECT format('ALTER DATABASE %I OWNER TO CURRENT_USER', current_database())
WHERE (SELECT datdba FROM pg_database WHERE datname = current_database())
      <> (SELECT oid FROM pg_roles WHERE rolname = current_user) \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), :'web_role') \gexec
SELECT format('GRANT CONNECT, CREATE ON DATABASE %I TO molisa_audit_owner', current_database()) \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO molisa_audit_admin, molisa_audit_shipper',
              current_database()) \gexec
GRANT USAGE, CREATE ON SCHEMA public TO :"web_role";

CREATE SCHEMA IF NOT EXISTS molisa_audit AUTHORIZATION molisa_audit_owner;
ALTER SCHEMA molisa_audit OWNER TO molisa_audit_owner;

-- Audit objects made before these roles existed (in public, owned by the web
-- role) are handed to the owner; the migration moves them into the schema.
SELECT format('ALTER TABLE %s OWNER TO molisa_audit_owner', c.oid::regclass)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'molisa_audit') AND c.relname LIKE 'molisa\_audit\_%'
  AND c.relkind IN ('r', 'p') AND c.relowner <> 'molisa_audit_owner'::regrole \gexec
SELECT format('ALTER FUNCTION %s OWNER TO molisa_audit_owner', p.oid::regprocedure)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('public', 'molisa_audit') AND p.proname LIKE 'molisa\_audit\_%'
  AND p.proowner <> 'molisa_audit_owner'::regrole \gexec
-- alembic's version table of the plugin lives in the schema
SELECT 'ALTER TABLE public.molisa_audit_alembic_version SET SCHEMA molisa_audit'
WHERE to_regclass('public.molisa_audit_alembic_version') IS NOT NULL
  AND to_regclass('molisa_audit.molisa_audit_alembic_version') IS NULL \gexec
