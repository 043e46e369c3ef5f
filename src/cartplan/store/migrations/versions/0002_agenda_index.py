"""The agenda's index: each revision's event spans, for date-range queries across plans.

Revision ID: 0002_agenda_index
Revises: 0001
Create Date: 2026-11-26

Append-only like the revisions it is derived from (cartplan.store.index); existing revisions
are indexed here (backfill), new ones where every revision is written (repo._append_rows).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cartplan.store import index

revision = "0002_agenda_index"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLE = "agenda_spans"
BATCH = 5000


def upgrade() -> None:
    text, integer = sa.Text(), sa.Integer()
    # Rows are kept in date order (SQLite: a WITHOUT ROWID table clustered on its key;
    # PostgreSQL: the key's index), so a month is one contiguous range scan.
    op.create_table(
        TABLE,
        sa.Column("start_date", sa.String(10), primary_key=True),
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("revision", integer, primary_key=True, autoincrement=False),
        sa.Column("seq", integer, primary_key=True, autoincrement=False),
        sa.Column("end_date", sa.String(10), nullable=False),
        sa.Column("span", integer, nullable=False),  # end - start in days: bounds range scans
        sa.Column("step", text, nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("title", text, nullable=False),
        sa.Column("day", integer, nullable=False),
        sa.Column("day_end", integer, nullable=False),
        sa.Column("teams", text, nullable=False),
        sa.Column("resources", text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("agenda_spans_plan", TABLE, ["plan_id", "revision"])
    op.create_index("agenda_spans_span", TABLE, ["span"])
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION cartplan_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION cartplan_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, 'cartplan: {verb} on {TABLE} refused: the table "
                "is append-only'); END"
            )


def _backfill() -> None:
    conn = op.get_bind()
    snapshots: dict[str, index.Snapshot] = {}
    insert = sa.text(index.INSERT)
    batch: list[dict[str, object]] = []
    result = conn.execute(
        sa.text("SELECT plan_id, revision, snapshot, content FROM revisions ORDER BY 1, 2")
    )
    for plan_id, n, digest, content in result.fetchall():
        if digest not in snapshots:
            row = conn.execute(
                sa.text("SELECT content FROM snapshots WHERE digest = :d"), {"d": digest}
            ).fetchone()
            snapshots[digest] = index.Snapshot(str(row[0]) if row is not None else "{}")
        batch += index.rows(str(plan_id), int(n), str(content), snapshots[digest])
        if len(batch) >= BATCH:
            conn.execute(insert, batch)
            batch = []
    if batch:
        conn.execute(insert, batch)


def downgrade() -> None:
    raise NotImplementedError("cartplan's plan store migrations are forward-only")
