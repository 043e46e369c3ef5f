"""The schema's version, and forward-only upgrades with Alembic (loaded only when needed).

A store at the current version costs one query. A new store, or one made by an older cartplan,
is upgraded by Alembic under a lock (SQLite: the write lock; PostgreSQL: an advisory lock), so
that several cartplans starting on a new store at once create it once. A store made by a newer
cartplan is refused: there are no downgrades.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cartplan.errors import StoreError

if TYPE_CHECKING:
    from cartplan.store.db import Db

HEAD = "0003_previous_plan"  # the newest migration in migrations/versions
KNOWN = ("0001", "0002_agenda_index", "0003_previous_plan")  # every migration, oldest first
_LOCK = 7_130_415_221  # PostgreSQL advisory lock key of cartplan's schema upgrades


def version(db: Db) -> str | None:
    """The store's schema version; None when it has no cartplan schema yet (StoreError when
    it holds something else)."""
    from cartplan.store.db import Duplicate, Refused

    try:
        row = db.one("SELECT version_num FROM alembic_version")
    except (StoreError, Duplicate, Refused):
        row = None
    if row is not None:
        return str(row[0])
    if _has_tables(db):
        raise StoreError(
            f"{db.url.shown} holds tables but no cartplan schema: not a plan store; give "
            "another --db"
        )
    return None


def _has_tables(db: Db) -> bool:
    if db.pg:
        row = db.one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    else:
        row = db.one("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    return bool(row and row[0])


def ensure(db: Db) -> None:
    current = version(db)
    if current == HEAD:
        return
    if current is not None and current not in KNOWN:
        raise StoreError(
            f"{db.url.shown} was made by a newer cartplan (schema {current}; this one knows up "
            f"to {HEAD}): upgrade cartplan"
        )
    upgrade(db)


def upgrade(db: Db) -> None:
    """Bring the schema to HEAD with Alembic, on this connection, in one locked transaction."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    if db.pg:
        engine = sa.create_engine(
            "postgresql+psycopg://", creator=lambda: _pg_conn(db), poolclass=sa.pool.StaticPool
        )
    else:
        engine = sa.create_engine(
            "sqlite://", creator=lambda: db.conn, poolclass=sa.pool.StaticPool
        )

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with engine.begin() as conn:
            if db.pg:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK})")
            cfg = Config()
            cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, HEAD)
    except sa.exc.SQLAlchemyError as e:
        text = str(e).strip().splitlines()[0]
        raise StoreError(
            f"cannot create or upgrade the plan store {db.url.shown}: {text}"
        ) from None
    finally:
        if db.pg:
            db.conn.autocommit = True


def _pg_conn(db: Db) -> Any:
    db.conn.autocommit = False
    return db.conn
