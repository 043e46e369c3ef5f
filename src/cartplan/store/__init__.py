"""The plan store (an edge): SQLite by default, PostgreSQL for a centre's shared database.

Commands reach the database through the driver (sqlite3, psycopg) with a handful of portable
SQL statements; SQLAlchemy and Alembic are loaded only to create or upgrade the schema
(forward-only migrations in `migrations/`), so that reading a plan starts fast.
"""
