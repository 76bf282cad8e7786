"""Integrity: sign-in throttling as one row per (account, network) updated under a row lock, a
lock row that serializes publishing across processes, and on SQLite a trigger that refuses an
INSERT replacing an audit row (INSERT OR REPLACE skips the DELETE trigger).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),  # "<account or its hash>|<network>"
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("window_start", TS, nullable=True),
        sa.Column("locked_until", TS, nullable=True),
    )
    op.create_table(
        "store_locks",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("taken", sa.Integer, nullable=False, server_default="0"),
    )
    op.execute("INSERT INTO store_locks (name, taken) VALUES ('publish', 0)")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit "
            "WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_no_replace")
    op.drop_table("store_locks")
    op.drop_table("login_throttle")
