"""ckanext-molisa's own tables (created by the alembic migrations of
``migration/molisa``, never at start-up)."""
