"""The plan store: plans, protocol snapshots, requests, revisions, facts, audit trail, publish log.

Revision ID: 0001
Revises:
Create Date: 2025-06-01

Forward-only: there is no downgrade. Every table but `plans` is append-only, enforced by
triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("snapshots", "requests", "revisions", "facts", "audit", "publish_log")


def upgrade() -> None:
    text, integer = sa.Text(), sa.Integer()
    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("label", text, nullable=False),
        sa.Column("protocol_id", text, nullable=False),
        sa.Column("protocol_version", text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revision", integer, nullable=False),
        sa.Column("day0", sa.String(10), nullable=False),
        sa.Column("created_at", text, nullable=False),
        sa.Column("updated_at", text, nullable=False),
    )
    op.create_index(
        "plans_active_label",
        "plans",
        ["label"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "snapshots",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("protocol_id", text, nullable=False),
        sa.Column("version", text, nullable=False),
        sa.Column("content", text, nullable=False),
    )
    op.create_table(
        "requests",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("content", text, nullable=False),
    )
    op.create_table(
        "revisions",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("revision", integer, primary_key=True, autoincrement=False),
        sa.Column("snapshot", sa.String(64), nullable=False),
        sa.Column("content", text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_table(
        "facts",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("revision", integer, primary_key=True, autoincrement=False),
        sa.Column("step", text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("on_date", sa.String(10), nullable=True),
        sa.Column("reason", text, nullable=False),
        sa.Column("recorded_by", text, nullable=False),
        sa.Column("recorded_at", text, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("entry", integer, primary_key=True, autoincrement=False),
        sa.Column("revision", integer, nullable=False),
        sa.Column("at", text, nullable=False),
        sa.Column("by", text, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", text, nullable=True),
        sa.Column("detail", text, nullable=False),
        sa.Column("revision_digest", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "publish_log",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("entry", integer, primary_key=True, autoincrement=False),
        sa.Column("revision", integer, nullable=False),
        sa.Column("at", text, nullable=False),
        sa.Column("by", text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", text, nullable=False),
        sa.Column("sent", text, nullable=False),
        sa.Column("removed", text, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION cartplan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'cartplan: % on % refused: the table is append-only', "
            "TG_OP, TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION cartplan_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION cartplan_append_only()"
            )
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'cartplan: {verb} on {table} refused: the table "
                    "is append-only'); END"
                )


def downgrade() -> None:
    raise NotImplementedError("cartplan's plan store migrations are forward-only")
