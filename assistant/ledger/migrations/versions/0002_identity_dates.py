"""Identities get their own rows, with the day each was recognised and by whom; the old text column goes.

Every code in member.identities becomes one member_identity row (recognised_on unknown,
recognised_by says it came from the old ledger), so no identity is lost on upgrade; downgrade
writes them back into the text column.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CARRIED = "旧版台账迁移（认定日期未记录）"


def upgrade() -> None:
    identity = op.create_table(
        "member_identity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("member.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("recognised_on", sa.Date, nullable=True),
        sa.Column("recognised_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_member_identity_member_id", "member_identity", ["member_id"])
    connection = op.get_bind()
    member = sa.table("member", sa.column("id", sa.Integer), sa.column("identities", sa.Text))
    rows = []
    for member_id, text in connection.execute(sa.select(member.c.id, member.c.identities)):
        for code in dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()):
            rows.append({"member_id": member_id, "code": code, "recognised_on": None, "recognised_by": CARRIED})
    if rows:
        op.bulk_insert(identity, rows)
    with op.batch_alter_table("member") as batch:
        batch.drop_column("identities")


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("identities", sa.Text, nullable=True))
    connection = op.get_bind()
    identity = sa.table("member_identity", sa.column("id", sa.Integer), sa.column("member_id", sa.Integer),
                        sa.column("code", sa.String))
    member = sa.table("member", sa.column("id", sa.Integer), sa.column("identities", sa.Text))
    held: dict[int, list[str]] = {}
    for member_id, code in connection.execute(sa.select(identity.c.member_id, identity.c.code)
                                              .order_by(identity.c.id)):
        held.setdefault(member_id, []).append(code)
    for member_id, codes in held.items():
        connection.execute(member.update().where(member.c.id == member_id).values(identities=",".join(codes)))
    op.drop_table("member_identity")
