"""The schema revisions (Alembic): from the brief's three tables to this version's schema, one step per layout.

Run by services.storage.schema_migration; services.storage.schema_version names them without importing Alembic.
"""
